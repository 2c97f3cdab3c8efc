"""Which work a citation means: the reference library, indexed the ways people cite.

`content.citations` reads citations out of Markdown; this module answers, for
names and a year as a practitioner typed them ("van der Worp & de Vos 2015",
"Kjaer et al 2009", "O’Brien, 2018", "Kjær, 2009"), which works of the
library they can mean, and what was probably meant when they mean none.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

# Apostrophes as word processors type them, and letters that no accent-stripping turns into ASCII.
FOLD = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe",
     "Œ": "Oe", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"}
)  # fmt: skip


def normalise_names(names):
    """The form names are compared in: no accents, case, commas or full stops; '&' is 'and'."""
    names = unicodedata.normalize("NFKD", names.translate(FOLD))
    names = "".join(char for char in names if not unicodedata.combining(char))
    names = re.sub(r"\s*&\s*", " and ", names.casefold())
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
