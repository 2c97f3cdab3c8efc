"""The glossary: clinical words explained in plain English, kept by Editors.

An entry is a term, its other forms ("pronation", "pronated") and an explanation of at most
`MAX_EXPLANATION_WORDS` words, optionally supported by a work of the reference library. When an
article is rendered (content.pipeline), the first use of each entry's forms is marked up with its
explanation, and the article ends with the words it explains; a change to an entry renders again the
articles that use it (glossary.signals, articles.signals).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from content import markup
from references.models import Reference

MAX_EXPLANATION_WORDS = 40


def split_forms(text):
    """'pronated, pronating' -> ['pronated', 'pronating']: one form a comma or a line, spaces tidied."""
    return [" ".join(form.split()) for form in re.split(r"[,\n]", text or "") if form.strip()]


class GlossaryEntry(models.Model):
    term = models.CharField(max_length=80, unique=True, help_text="As a reader would look it up: “pronation”.")
    slug = models.SlugField(max_length=90, unique=True, editable=False)
    other_forms = models.TextField(
        blank=True,
        help_text="Other forms the text may use, separated by commas: plural, adjective, verb (“pronated, "
        "pronating”). The first use of the term or of any of these in an article is explained.",
    )
    explanation = models.TextField(
        help_text=f"Plain English, at most {MAX_EXPLANATION_WORDS} words: what the word means, not what treats it."
    )
    reference = models.ForeignKey(
        Reference,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="glossary_entries",
        help_text="Optional: the work that supports the explanation, cited as in articles.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    shown_on_pages = True  # pagecache: /glossary/ shows entries (articles store theirs when rendered)

    class Meta:
        ordering = ["term"]
        verbose_name = "glossary entry"
        verbose_name_plural = "glossary entries"

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.slug = slugify(self.term)[:90] or "term"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('glossary:list')}#{markup.WORD_PREFIX}{self.slug}"

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        entry.loaded_forms = entry.forms if {"term", "other_forms"} <= set(field_names) else []
        return entry

    @property
    def forms(self):
        """The term and its other forms, each once (compared without case)."""
        seen, forms = set(), []
        for form in [" ".join(self.term.split()), *split_forms(self.other_forms)]:
            if form and form.casefold() not in seen:
                seen.add(form.casefold())
                forms.append(form)
        return forms

    def explanation_html(self, letter=""):
        return markup.explanation(self, letter)

    def explanation_source(self, letter=""):
        return markup.explanation_source(self, letter)

    def clean(self):
        errors = {}
        words = len(self.explanation.split())
        if words > MAX_EXPLANATION_WORDS:
            errors["explanation"] = (
                f"The explanation has {words} words: keep it to {MAX_EXPLANATION_WORDS} or fewer, in plain English."
            )
        slug = slugify(self.term)[:90]
        if self.term and not slug:
            errors["term"] = "The term needs at least one letter or digit."
        elif GlossaryEntry.objects.exclude(pk=self.pk).filter(slug=slug).exists():
            errors["term"] = f"“{self.term}” would have the same address on /glossary/ as another entry: change one."
        taken = {}
        for entry in GlossaryEntry.objects.exclude(pk=self.pk).only("term", "other_forms"):
            for form in entry.forms:
                taken[form.casefold()] = entry.term
        clashes = [f"“{form}” is already a form of “{taken[form.casefold()]}”" for form in self.forms
                   if form.casefold() in taken]  # fmt: skip
        if clashes and "term" not in errors:
            field = "term" if self.term.casefold() in taken else "other_forms"
            errors[field] = "Each word can be explained by one entry only: " + "; ".join(clashes) + "."
        if errors:
            raise ValidationError(errors)
