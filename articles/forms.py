"""Admin forms that refuse citations the library cannot resolve, naming where they are."""

from django import forms
from django.core.exceptions import ValidationError

from references.citations import Citer, Library

from .images import images_without_alt
from .models import Article, KeyPoint, Section
from .rendering import render_inline, render_markdown


def check_citations(markdown_text, where, inline=False):
    """Raise ValidationError listing every unknown or ambiguous citation in `markdown_text`."""
    citer = Citer(Library.load())
    citer.link((render_inline if inline else render_markdown)(markdown_text), where)
    if citer.problems:
        raise ValidationError(
            [f"{problem}. Add it to the reference library or correct it." for problem in citer.problems]
        )
    return markdown_text


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "subtitle", "summary", "status", "published_at", "intro", "further_reading"]

    def clean_intro(self):
        return check_citations(self.cleaned_data["intro"], "the intro")


class KeyPointForm(forms.ModelForm):
    class Meta:
        model = KeyPoint
        fields = ["position", "text"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        return check_citations(text, f"the key point “{text}”", inline=True)


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["position", "heading", "body"]

    def clean_body(self):
        heading = self.cleaned_data.get("heading") or "without a heading"
        body = self.cleaned_data["body"]
        missing = images_without_alt(body)
        if missing:
            raise ValidationError(
                [
                    f"The image “{source}” has no alt text: describe it, as in ![What the image shows]({source})."
                    for source in missing
                ]
            )
        return check_citations(body, f"the section “{heading}”")
