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
        alternatives = "|".join(_form_pattern(form).pattern for form in forms)
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
            entry = self._entry_for(match.group(0))
            if entry is not None:
                yield match.start(), match.end(), entry

    def _entry_for(self, text):
        entry = self.by_form.get(" ".join(text.split()).casefold())
        if entry is None:
            # A letter the pattern matches without regard to case but casefold() turns into another one
            # (Turkish "İ" and "ı" match "i"): the form the text matches, found the pattern's way.
            entry = next((entry for form, entry in self.by_form.items() if _form_pattern(form).fullmatch(text)), None)
        return entry


def _form_pattern(form):
    return re.compile(r"\s+".join(re.escape(word) for word in form.split()), re.IGNORECASE)
