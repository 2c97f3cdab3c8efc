"""Works that are probably already in the library under another key.

Two entries look like the same work when they share a DOI (in any case), or
when they have the same authors' surnames, year and title, ignoring case,
spacing and punctuation. An entry is never a duplicate of the one with its own
key: that is the same reference, being updated.

Works on saved references and on import records (see `references.csl`) alike.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from .models import Reference


@dataclass(frozen=True)
class Signature:
    key: str
    doi: str
    year: int | None
    names: tuple
    title: str

    @property
    def work(self):
        return (self.names, self.year, self.title)


def normalise(text):
    """'The  Foot: a Review.' -> 'the foot a review'."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def signature(item):
    """The parts of a Reference or of a record that decide whether two are the same work."""
    if isinstance(item, Reference):
        fields, people = item, item.authors or item.editors
        names = [person.family for person in people]
        get = getattr
    else:
        fields = item["fields"]
        contributors = sorted(item["contributors"], key=lambda c: (c["role"], c.get("position", 0)))
        people = [c for c in contributors if c["role"] == "author"] or contributors
        names = [c.get("organisation") or c.get("surname", "") for c in people]
        get = dict.get
    return Signature(
        key=get(fields, "key"),
        doi=(get(fields, "doi") or "").strip().casefold(),
        year=get(fields, "year"),
        names=tuple(normalise(name) for name in names),
        title=normalise(get(fields, "title") or ""),
    )


class DuplicateIndex:
    """Find likely duplicates among many references without a query per entry."""

    def __init__(self, references):
        self.by_doi, self.by_work = {}, {}
        for reference in references:
            found = signature(reference)
            if found.doi:
                self.by_doi.setdefault(found.doi, []).append(reference)
            self.by_work.setdefault(found.work, []).append(reference)

    def likely_duplicates(self, item):
        """References other than the item's own key that look like the same work, each once."""
        found = signature(item)
        candidates = (self.by_doi.get(found.doi, []) if found.doi else []) + self.by_work.get(found.work, [])
        unique = {reference.pk: reference for reference in candidates if reference.key != found.key}
        return list(unique.values())


def likely_duplicates(item):
    """Likely duplicates of one reference or record in the library; reads only works of that year or DOI."""
    found = signature(item)
    condition = Q(year=found.year) if found.year is not None else Q(year__isnull=True)
    if found.doi:
        condition |= Q(doi__iexact=found.doi)
    candidates = Reference.objects.filter(condition).exclude(key=found.key).with_contributors()
    return DuplicateIndex(candidates).likely_duplicates(item)
