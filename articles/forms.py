"""Admin forms that refuse citations the library cannot resolve, naming where they are."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from reversion.models import Version

from references.citations import Citer, Library

from .images import images_without_alt, upload_problem
from .models import Article, KeyPoint, Section
from .rendering import MarkdownRefused, render_inline, render_markdown
from .timeline import TimelineError


def missing_alt_message(source):
    return f"The image “{source}” has no alt text: describe it, as in ![What the image shows]({source})."


def check_citations(markdown_text, where, inline=False):
    """Raise ValidationError listing every unknown or ambiguous citation (or broken timeline) in `markdown_text`."""
    citer = Citer(Library.load())
    try:
        (render_inline if inline else render_markdown)(markdown_text, link=lambda html: citer.link(html, where))
    except TimelineError as error:
        raise ValidationError(f"In {where}, the {error}.") from error
    except MarkdownRefused as error:
        raise ValidationError(f"This cannot be saved as it is: {error}.") from error
    if citer.problems:
        raise ValidationError(
            [f"{problem}. Add it to the reference library or correct it." for problem in citer.problems]
        )
    return markdown_text


class ArticleForm(forms.ModelForm):
    # The version of the article this form was opened on (see clean_opened_version).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set per request by ArticleAdmin.get_form; the safe default is "may not publish".
    can_publish = False
    # When a revision is being restored: the live article as it was before the restore
    # (ArticleAdmin.revision_view): its version, status, publication time and slug.
    live_article = None

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "subtitle",
            "summary",
            "status",
            "published_at",
            "intro",
            "topics",
            "reviewed_by",
            "last_reviewed",
            "next_review_due",
            "featured_image",
            "featured_image_alt",
            "further_reading",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = self.live_article or {}
        if not self.is_bound or "opened_version" not in self.data:
            self.initial["opened_version"] = live.get("edit_version") or self.instance.edit_version
        if live and not self.is_bound:
            # Restoring brings back the text, not the old status or address.
            self.initial.update(status=live["status"], published_at=live["published_at"], slug=live["slug"])

    def clean_intro(self):
        return check_citations(self.cleaned_data["intro"], "the intro")

    def clean(self):
        """Every image has alt text: images in the intro, and the featured image (where the form shows it)."""
        cleaned_data = super().clean()
        for source in images_without_alt(cleaned_data.get("intro") or ""):
            self.add_error("intro", missing_alt_message(source))
        if "featured_image" in self.fields:
            image = cleaned_data.get("featured_image")
            problem = upload_problem(image)
            if problem:
                self.add_error("featured_image", problem)
            shown = "featured_image_alt" in self.fields
            alt = (cleaned_data.get("featured_image_alt") if shown else self.instance.featured_image_alt) or ""
            if image and not alt.strip() and "featured_image_alt" not in self.errors:
                self.add_error(
                    "featured_image_alt" if shown else "featured_image",
                    "Describe the featured image: alt text is required with an image.",
                )
        return cleaned_data

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status != Article.Status.DRAFT and not self.can_publish:
            raise ValidationError(
                "Only an Editor can publish, schedule or archive an article. Save it as a draft "
                "and ask an Editor to review it."
            )
        return status

    def clean_opened_version(self):
        """Refuse to overwrite a save made by someone else since this form was opened.

        The row is locked until this request's transaction ends (the admin
        wraps each save in one), so two saves cannot both pass the check.
        """
        opened_on = self.cleaned_data.get("opened_version")
        if self.instance.pk is None:
            return opened_on
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).values("edit_version", "updated_at")
        current = current.first()
        if current and self.live_article:
            current["edit_version"] = self.live_article["edit_version"]  # the database holds the restored copy
        if current and current["edit_version"] != opened_on:
            saved_at = timezone.localtime(current["updated_at"]).strftime("%H:%M on %d %B %Y")
            last = Version.objects.get_for_object(self.instance).select_related("revision__user").first()
            who = last.revision.user.get_username() if last and last.revision.user else "someone"
            # A form-wide error: the admin shows it at the top, where it cannot be missed.
            self.add_error(
                None,
                f"This article was saved again at {saved_at} by {who} (perhaps in another tab), after you "
                "opened this form. Your changes have NOT been saved and are still in this form: copy what "
                "you need, then reload the page to see the newer version (History shows both).",
            )
        return opened_on


class KeyPointForm(forms.ModelForm):
    class Meta:
        model = KeyPoint
        fields = ["position", "text"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        missing = images_without_alt(text)
        if missing:
            raise ValidationError([missing_alt_message(source) for source in missing])
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
            raise ValidationError([missing_alt_message(source) for source in missing])
        return check_citations(body, f"the section “{heading}”")
