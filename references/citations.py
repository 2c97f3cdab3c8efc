"""Which work a citation means: the reference library, indexed the ways people cite.

`content.citations` reads citations out of Markdown; this module answers, for
names and a year as a practitioner typed them ("van der Worp & de Vos 2015",
"Kjaer et al 2009", "O’Brien, 2018", "Kjær, 2009"), which works of the
library they can mean, and what was probably meant when they mean none.
"""

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Case, F, OuterRef, Q, Subquery, When

from . import harvard, normalise


@functools.lru_cache(maxsize=8192)
def normalise_names(names):
    """The form names are compared in: no accents, case, commas or full stops; '&' is 'and'."""
    return _normalise(names)


def _normalise(names):
    names = re.sub(r"\s*&\s*", " and ", normalise.fold(names))
    names = re.sub(r"[.,]", " ", names)
    return " ".join(names.split())


def name_forms(reference):
    """Every way of naming the work's authors that reads as this work alone.

    Cite Them Right's own form ('Moore, Dalley and Agur'; 'Kjaer et al.' for four or
    more), and the forms in common use: 'et al.' for three, every author for four or more.
    """
    people = reference.authors or reference.editors
    families = [person.family for person in people]
    forms = {normalise_names(reference.citation_label)}
    # A particle the list puts after the initials ('Humboldt, A. von') may be typed before the name too.
    with_particles = [" ".join(filter(None, (getattr(person, "particle", ""), person.family))) for person in people]
    if with_particles != families:
        forms.add(normalise_names(harvard.in_text_families(with_particles)))
    if len(families) >= 3:
        forms.add(normalise_names(f"{families[0]} et al"))
        forms.add(normalise_names(", ".join(families[:-1]) + " and " + families[-1]))
    return forms


@dataclass
class Library:
    """The references that citations may point at, loaded once for a request or a save."""

    references: list
    by_key: dict = field(init=False)
    by_pk: dict = field(init=False)
    by_names: dict = field(init=False)  # (normalised names, year) -> [references]

    def __post_init__(self):
        self.by_key = {ref.key: ref for ref in self.references}
        self.by_pk = {ref.pk: ref for ref in self.references}
        self.by_names = {}
        for ref in sorted(self.references, key=lambda ref: ref.sort_key):
            for form in name_forms(ref):
                self.by_names.setdefault((form, ref.year), []).append(ref)

    @classmethod
    def load(cls):
        from .models import Reference

        return cls(list(Reference.objects.with_contributors()))

    def find(self, names, year):
        """The works `names` (as typed) published in `year` (None: no date), in reference-list order."""
        return list(self.by_names.get((normalise_names(names), year), []))

    def suggest(self, names, year):
        """'Neumann, 2017' for a citation of 'Neumann, 2016' or 'Neuman, 2017'; None if nothing is close."""
        wanted = normalise_names(names)
        same_names = sorted(
            {ref.year or 0 for (form, _), refs in self.by_names.items() if form == wanted for ref in refs}
        )
        if same_names:
            closest = min(same_names, key=lambda other: abs(other - (year or 0)))
            return self._label(self.find(names, closest or None)[0])
        forms = {form for form, ref_year in self.by_names if ref_year == year}
        close = difflib.get_close_matches(wanted, forms, n=1, cutoff=0.75)
        if close:
            return self._label(self.by_names[(close[0], year)][0])
        return None

    def suggest_key(self, key):
        close = difflib.get_close_matches(key, self.by_key, n=1, cutoff=0.7)
        return close[0] if close else None

    @staticmethod
    def _label(ref):
        return f"{ref.citation_label}, {ref.year_label}"


# What a first pass over the text finds: every year and key it could cite, every word it could name.
YEAR_IN_TEXT = re.compile(rf"(?<!\d)({normalise.YEAR})(?!\d)")
NO_DATE_IN_TEXT = re.compile(r"n\.\s?d|no\s+date", re.IGNORECASE)
KEY_IN_TEXT = re.compile(rf"@({normalise.KEY})")
WORD = re.compile(r"\w+")


def words(names):
    """The words of names in normalised form: 'van der worp and de vos' -> {'van', 'der', ...}."""
    return set(WORD.findall(normalise_names(names)))


def text_words(text):
    """The words of a whole text in the same form (not cached: texts are long and seldom repeat)."""
    return set(WORD.findall(_normalise(text)))


class _Scoped(Mapping):
    """A dict of the works loaded for a text, for the lookups that text can make (`scope`);
    any other lookup is answered by the whole library, loaded then."""

    def __init__(self, loaded, scope, whole):
        self.loaded, self.scope, self.whole = loaded, scope, whole

    def __getitem__(self, name):
        if name in self.scope:
            return self.loaded[name]
        return self.whole()[name]

    def __contains__(self, name):
        return name in self.loaded if name in self.scope else name in self.whole()

    def __iter__(self):
        return iter(self.whole())

    def __len__(self):
        return len(self.whole())


class CitedLibrary(Library):
    """The works some Markdown can cite, loaded in a fixed number of queries however big the library is.

    A first pass over the text finds every year, `@key` and word it holds. Loaded are: the works
    with one of those keys, the works in `pks` (pins, further reading), and every work of one of
    those years (or of no date) that has a name form made only of the text's words. A citation
    is a slice of the text, so whatever it can name is loaded, and `find` answers as the whole
    library would. Any lookup outside what was loaded (a name or year the text does not hold, a
    key or pk not asked for) and every "did you mean" suggestion goes to the whole library,
    loaded once, then: a misspelt citation costs the full load, a correct one never does.
    """

    def __init__(self, texts, pks=()):
        text = "\n".join(texts)
        self.years = {int(year) for year in YEAR_IN_TEXT.findall(text)}
        if NO_DATE_IN_TEXT.search(text):
            self.years.add(None)
        self.words = text_words(text)
        keys = set(KEY_IN_TEXT.findall(text))
        pks = {pk for pk in pks if isinstance(pk, int)}
        self._whole = None
        super().__init__(self._load(keys, pks | self._named()))
        # A key or pk names one row: whatever was loaded is answered here, as is what was asked for.
        self.by_key = _Scoped(self.by_key, keys | self.by_key.keys(), lambda: self.whole.by_key)
        self.by_pk = _Scoped(self.by_pk, pks | self.by_pk.keys() | {None}, lambda: self.whole.by_pk)

    def _named(self):
        """The pks of the works of the text's years whose first name (or title or paper, for a work without
        people) is made of the text's words: every name form of a work starts with its first name,
        so these hold every work a citation in the text can name (and a few more, which is harmless)."""
        from .models import Contributor, Reference

        if not self.years:
            return set()
        in_years = Q(year__in=[year for year in self.years if year is not None])
        if None in self.years:
            in_years |= Q(year__isnull=True)
        first = (
            Contributor.objects.filter(reference=OuterRef("pk"))
            .order_by(Case(When(role=Contributor.Role.AUTHOR, then=0), default=1), "position", "pk")
            .annotate(family=Case(When(organisation="", then=F("surname")), default=F("organisation")))
            .values("family")[:1]
        )  # (authors or editors)[0].family
        works = Reference.objects.filter(in_years).annotate(first_family=Subquery(first)).order_by()
        named = set()
        for pk, kind, title, paper, family in works.values_list(
            "pk", "kind", "title", "container_title", "first_family"
        ):
            if words(family if family is not None else harvard.anonymous_label(kind, title, paper)) <= self.words:
                named.add(pk)
        return named

    def _load(self, keys, pks):
        from .models import Reference

        if not keys and not pks:
            return []
        return list(Reference.objects.with_contributors().filter(Q(key__in=keys) | Q(pk__in=pks)))

    @property
    def whole(self):
        if self._whole is None:
            self._whole = Library.load()
        return self._whole

    def _in_scope(self, names, year):
        return year in self.years and set(WORD.findall(normalise_names(names))) <= self.words

    def find(self, names, year):
        if self._in_scope(names, year):
            return super().find(names, year)
        return self.whole.find(names, year)

    def suggest(self, names, year):
        return self.whole.suggest(names, year)

    def suggest_key(self, key):
        return self.whole.suggest_key(key)
