"""Admin forms for articles. The article form renders the whole article once, as it would be saved,
and refuses what the content pipeline reports (citations it cannot resolve, images without alt
text, broken timelines), each on the field where it was typed."""

import datetime
import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from reversion.models import Version

from . import revisions
from .models import Article, KeyPoint, Section


class LengthCounted:
    """Text fields with a length limit get a counter (static/js/admin-length-counters.js) instead of
    the browser's maxlength, which cuts pasted text off without a word; Django's own max_length
    check then refuses an over-long value, naming the limit and the length, on its field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = field.widget.attrs.pop("maxlength", None)
            if limit:
                field.widget.attrs["data-max-length"] = limit


class ArticleForm(LengthCounted, forms.ModelForm):
    # The version of the article this form was opened on (see clean_opened_version), and when it was opened:
    # what others changed since is compared from there (the version's own save may be older than revisions
    # made without a save, such as a page rendered again after a reference changed).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_at = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set per request by ArticleAdmin.get_form; the safe default is "may not publish".
    can_publish = False
    # When a revision is being restored: the live article as it was before the restore
    # (ArticleAdmin.revision_view): its version, status, publication time and slug.
    live_article = None
    # After a save refused because someone else saved first: who, and the article's revisions (see
    # clean_opened_version); `conflict_changes` compares them once every field is cleaned.
    conflict_by = ""
    conflict_versions = None

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
            self.initial["opened_at"] = time.time_ns()
        if live and not self.is_bound:
            # Restoring brings back the text, not the old status or address.
            self.initial.update(status=live["status"], published_at=live["published_at"], slug=live["slug"])

    def clean(self):
        """The featured image (where the form shows it; uploads.images checks the file) has alt text; a draft
        published with the publication time it was given long ago is published now."""
        cleaned_data = super().clean()
        self.published_now = self._publish_now(cleaned_data)
        if "featured_image" in self.fields:
            image = cleaned_data.get("featured_image")
            shown = "featured_image_alt" in self.fields
            alt = (cleaned_data.get("featured_image_alt") if shown else self.instance.featured_image_alt) or ""
            if image and not alt.strip() and "featured_image_alt" not in self.errors:
                self.add_error(
                    "featured_image_alt" if shown else "featured_image",
                    "Describe the featured image: alt text is required with an image.",
                )
        return cleaned_data

    def _publish_now(self, cleaned_data):
        """Publishing a draft whose publication time has passed dates it now, unless that time was
        changed in this form (an Editor back-dating it on purpose). True if it did."""
        was = (self.live_article or {}).get("status", self.instance.status)
        published_at = cleaned_data.get("published_at")
        if (
            was == Article.Status.DRAFT
            and cleaned_data.get("status") == Article.Status.PUBLISHED
            and published_at is not None
            and published_at < timezone.now()
            and "published_at" not in self.changed_data
        ):
            cleaned_data["published_at"] = timezone.now()
            return True
        return False

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the cleaned values
        self.render_content()

    def render_content(self):
        """Render the article with the rows its inline forms hold; keep the result for the save.

        The rows come from the formsets ArticleAdmin hangs on the instance (`content_formsets`),
        or from the database when the form is used on its own. Every problem goes to the field
        it was found in. The library is loaded once, here, for validation and save alike: only the
        works the text can cite (see Article.library_for), unless a citation needs the whole of it.
        """
        formsets = getattr(self.instance, "content_formsets", None)
        if formsets is None:
            saved = self.instance.pk is not None
            key_points = [(None, row) for row in self.instance.key_points.all()] if saved else []
            sections = [(None, row) for row in self.instance.sections.all()] if saved else []
        else:
            key_points, sections = (_rows(formsets.get(model)) for model in (KeyPoint, Section))
        key_points_rows, section_rows = [row for _, row in key_points], [row for _, row in sections]
        further_pks = [ref.pk for ref in self.cleaned_data.get("further_reading") or []]
        library = self.instance.library_for(key_points_rows, section_rows, further_pks)
        further_reading = [library.by_pk[pk] for pk in further_pks]
        document = self.instance.render(library, key_points_rows, section_rows, further_reading)
        targets = [
            (self, "intro"),
            *((form, "text") for form, _ in key_points),
            *((form, "body") for form, _ in sections),
        ]
        for problem in document.problems:
            form, name = targets[problem.field]
            message = problem.sentence
            if form is None:
                self.add_error(None, message)
            elif name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)
        self.rendering = (document, key_points_rows, section_rows)
        self.instance.rendered_by_form = True  # its further reading is saved next: no need to render again

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status != Article.Status.DRAFT and not self.can_publish:
            raise ValidationError(
                "Only an Editor can publish, schedule or archive an article. Save it as a draft "
                "and ask an Editor to review it."
            )
        return status

    @cached_property
    def conflict_changes(self):
        """What changed since this form was opened, word by word; None without a conflict, or when unknown."""
        if self.conflict_versions is None:
            return None
        opened_at = self.cleaned_data.get("opened_at") or self.cleaned_data.get("opened_version")
        opened, last = _opened_revision(self.conflict_versions, opened_at), self.conflict_versions.first()
        if opened is None or last is None or opened.pk == last.pk:
            return None
        return revisions.compare(opened, last)

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
            versions = Version.objects.get_for_object(self.instance).select_related("revision__user")
            last = versions.first()
            who = last.revision.user.get_username() if last and last.revision.user else "someone"
            # A form-wide error: the admin shows it at the top, where it cannot be missed.
            self.add_error(
                None,
                f"This article was saved again at {saved_at} by {who} (perhaps in another tab), after you "
                "opened this form. Your changes have NOT been saved and are still in this form: copy what "
                "you need, then reload the page to see the newer version. What they changed is shown below.",
            )
            self.conflict_by = who
            self.conflict_versions = versions
        return opened_on


def _opened_revision(versions, opened_at):
    """The revision current at `opened_at` (a time in ns): the last one begun before it (django-reversion
    dates a revision when its request's block begins)."""
    if not opened_at:
        return None
    try:
        saved = datetime.datetime.fromtimestamp(opened_at / 1e9, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None  # no time any save had (a forged form): nothing to compare from
    return versions.filter(revision__date_created__lte=saved).order_by("-revision__date_created").first()


def _rows(formset):
    """(form, row) for each row a formset will keep, in page order; its rows are cleaned first."""
    if formset is None:
        return []
    formset.is_valid()
    kept = [
        form
        for form in formset.forms
        if form.is_valid()
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk is not None or form.has_changed())
    ]
    kept.sort(key=lambda form: form.cleaned_data.get("position") or 0)
    return [(form, form.instance) for form in kept]


class KeyPointForm(LengthCounted, forms.ModelForm):
    class Meta:
        model = KeyPoint
        fields = ["position", "text", "section"]


class SectionForm(LengthCounted, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["position", "heading", "body"]
