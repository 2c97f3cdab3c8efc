"""The glossary as the content pipeline reads it: every entry's forms, found in text in one pass.

Loaded once for a rendering (like references.citations.Library). Forms are matched whole, without
regard to case, the longest first ("patellofemoral articulations" before "patellofemoral"); the words of
a form may be split over lines.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch


@dataclass
class Glossary:
    entries: list
    pattern: re.Pattern | None = field(init=False)
    by_form: dict = field(init=False)  # casefolded form, single-spaced -> entry

    def __post_init__(self):
        self.by_form = {}
        for entry in self.entries:
            for form in entry.forms:
                self.by_form.setdefault(form.casefold(), entry)
        forms = sorted(self.by_form, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(re.escape(word) for word in form.split()) for form in forms)
        self.pattern = re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w\-])", re.IGNORECASE) if forms else None

    @classmethod
    def load(cls):
        from references.models import Reference

        from .models import GlossaryEntry

        reference = Prefetch("reference", queryset=Reference.objects.with_contributors())
        return cls(list(GlossaryEntry.objects.prefetch_related(reference)))

    def find(self, text):
        """(start, end, entry) of each use of a form in `text`, in order."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.end(), self.by_form[" ".join(match.group(0).split()).casefold()]
