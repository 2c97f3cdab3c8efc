import functools

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

import pagecache
from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import BoundedRows, CheckedFormInput
from uploads.renditions import cached_picture, without_writing

from . import revisions
from .forms import ArticleForm, KeyPointForm, SectionForm
from .models import PAGE_FIELDS, Article, ArticleAuthor, KeyPoint, Section, when
from .views import never_cache_private, render_article
from .widgets import MarkdownEditor

PUBLISH_PERMISSION = "articles.publish_article"

# What a revision keeps: the article with its rows. Citations and HTML are derived and
# re-rendered on restore. The edit version is left out: a restore is checked against the live
# article's version instead (see revision_view). So is the stored page: rendered again on every save.
reversion.register(KeyPoint)
reversion.register(Section)
reversion.register(ArticleAuthor)
# The glossary entries the text uses are derived too, like its citations.
reversion.register(
    Article,
    follow=["key_points", "sections", "authorships"],
    exclude=["edit_version", "glossary_entries", *PAGE_FIELDS],
)


class _LoadedRowChoiceField(forms.ModelChoiceField):
    """A row's hidden id, read from the rows its formset already loaded: no query per row.

    An id that is not one of them is looked up as Django does (and refused the same way).
    """

    def __init__(self, formset, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.formset = formset

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            try:
                row = self.formset._existing_object(self.formset._get_to_python(self.formset._pk_field)(value))
            except ValidationError:
                row = None
            if row is not None:
                return row
        return super().to_python(value)


class RowsFormSet(BaseInlineFormSet):
    """An inline formset that validates its rows' ids against the rows it loaded once."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            form.fields[name] = _LoadedRowChoiceField(
                self, field.queryset, initial=field.initial, required=False, widget=field.widget
            )


class _LoadedSectionChoiceField(forms.ModelChoiceField):
    """The section a key point announces, one of the article's saved sections (loaded once per formset)."""

    def __init__(self, sections, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.choices = [("", "—"), *((pk, section.heading) for pk, section in sections.items())]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.sections[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                "Choose one of this article's sections (a new section can be chosen once the article is saved)."
            ) from None


class KeyPointFormSet(RowsFormSet):
    """Key points may each name the section they announce (their line links to it): all of them, or none."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("section")
        if field is not None:
            form.fields["section"] = _LoadedSectionChoiceField(
                self.saved_sections,
                Section.objects.none(),
                required=False,
                label=field.label,
                help_text=field.help_text,
            )

    @functools.cached_property
    def saved_sections(self):
        return {section.pk: section for section in self.instance.sections.all()} if self.instance.pk else {}

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")]
        linked = [form for form in kept if form.cleaned_data.get("section")]
        if linked and len(linked) != len(kept):
            raise ValidationError(
                f"Name the section each key point announces, or none: {len(linked)} of the {len(kept)} key points "
                "name one. A list where some lines are links and others are not reads as broken."
            )


class KeyPointInline(BoundedRows, admin.TabularInline):
    model = KeyPoint
    max_num = KeyPoint.MAX_PER_ARTICLE
    form = KeyPointForm
    formset = KeyPointFormSet
    extra = 0
    fields = ["position", "text", "section"]
    verbose_name = "key point (“This page explains”)"
    verbose_name_plural = "key points (“This page explains”)"


class SectionInline(BoundedRows, admin.StackedInline):
    model = Section
    max_num = Section.MAX_PER_ARTICLE
    form = SectionForm
    formset = RowsFormSet
    extra = 0
    fields = ["position", "heading", "body"]
    formfield_overrides = {Section._meta.get_field("body").__class__: {"widget": MarkdownEditor}}


class AuthorFormSet(RowsFormSet):
    def clean(self):
        super().clean()
        authors = [f for f in self.forms if f.cleaned_data.get("practitioner") and not f.cleaned_data.get("DELETE")]
        if not authors and self.instance.status != Article.Status.DRAFT:
            raise ValidationError("Add at least one author before the article is published.")


class ArticleAuthorInline(BoundedRows, admin.TabularInline):
    model = ArticleAuthor
    max_num = ArticleAuthor.MAX_PER_ARTICLE
    formset = AuthorFormSet
    extra = 0
    fields = ["position", "practitioner"]
    verbose_name_plural = "authors (in the order they are credited)"


class ReviewDueFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due", "Due within 30 days or overdue")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_due(within_days=-1)
        if self.value() == "due":
            return queryset.review_due(within_days=30)
        return queryset


class ReadingAgeFilter(admin.SimpleListFilter):
    title = "reading age"
    parameter_name = "reading"

    def lookups(self, request, model_admin):
        target = settings.READING_AGE_TARGET
        return [
            ("harder", f"Harder than the target (over {target})"),
            ("within", f"Within the target ({target} or below)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "harder":
            return queryset.harder_than_target()
        if self.value() == "within":
            return queryset.filter(reading_age__lte=settings.READING_AGE_TARGET)
        return queryset


class ArticleChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            # Django 5.2's date_hierarchy lets ?published_at__year=9999 escape as a 500 (Django
            # ticket #37357, fixed upstream); this is the "invalid filter" it should have been.
            raise IncorrectLookupParameters(error) from error


@admin.register(Article)
class ArticleAdmin(CheckedFormInput, CheckedSelectionMixin, VersionAdmin):
    form = ArticleForm
    inlines = [ArticleAuthorInline, KeyPointInline, SectionInline]
    history_latest_first = True  # the history template offers the latest change to compare: latest two first
    list_display = ["title", "status_label", "publication", "review_label", "reading_age_label", "featured_label"]
    list_filter = ["status", ReviewDueFilter, ReadingAgeFilter, "topics", "featured"]
    readonly_fields = ["reading_level"]
    actions = ["feature_on_home", "stop_featuring"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {Article._meta.get_field("intro").__class__: {"widget": MarkdownEditor}}
    autocomplete_fields = ["further_reading"]
    filter_horizontal = ["topics"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "summary", "opened_version", "opened_at"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "A published article with a time in the future is scheduled: it appears by itself "
                "at that time. Archived articles leave the site; their address says the article was withdrawn.",
            },
        ),
        ("Clinical review", {"fields": ["reviewed_by", "last_reviewed", "next_review_due"]}),
        ("Introduction", {"fields": ["intro"]}),
        (
            "Reading level",
            {
                "fields": ["reading_level"],
                "description": "Advice, as of the last save: it never stops a save. The live preview under each "
                "text box gives that text's figures as you write.",
            },
        ),
        ("Topics and image", {"fields": ["topics", "featured_image", "featured_image_alt"]}),
        (
            "Further reading",
            {
                "fields": ["further_reading"],
                "description": "The reference list is built from what the article cites; "
                "add here works to list without citing them.",
            },
        ),
    ]
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "reversion/articles/article/object_history.html"
    revision_form_template = "reversion/articles/article/revision_form.html"

    class Media:
        js = [
            # Binds the Markdown editor in rows added with "Add another" (markdownx does not).
            "js/markdownx-inlines.js",
            "js/admin-inline-positions.js",
            "js/admin-unsaved-changes.js",
            "js/admin-markdown-editor.js",
            "js/admin-length-counters.js",
        ]
        css = {"all": ["css/admin-editor.css", "css/admin-reading-level.css", "css/admin-revisions.css"]}

    # Roles: an Author writes drafts; publishing, scheduling and archiving need publish_article.

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def can_publish(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.can_publish(request)
        form.live_article = getattr(request, "live_article", None)
        if not form.can_publish and "status" in form.base_fields:
            # Offer only "draft"; the field still accepts the others so that a tampered form
            # meets ArticleForm.clean_status and its explanation rather than a bare "invalid choice".
            form.base_fields["status"].widget.choices = [(Article.Status.DRAFT, "Draft (an Editor publishes it)")]
        return form

    def has_change_permission(self, request, obj=None):
        if getattr(request, "reading_revision", False):
            return False  # a revision opened only to read it (see revision_view)
        if obj is not None and obj.status != Article.Status.DRAFT and not self.can_publish(request):
            return False  # an Author may read a published article here, not change it
        return super().has_change_permission(request, obj)

    def read_only_reason(self, request, article):
        """Why this practitioner may read the article but not change it, or "" if they may change it."""
        if article.status == Article.Status.DRAFT or self.can_publish(request):
            return ""
        state = "scheduled" if article.is_scheduled else article.get_status_display().lower()
        return (
            f"This article is {state}, so only an Editor can change it: a change would reach patients "
            "at once. You can read it, its History and comparisons here; to suggest a change, ask an Editor."
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Article.Status.DRAFT and not self.can_publish(request):
            return False
        return super().has_delete_permission(request, obj)

    # Restoring a revision: django-reversion puts the old revision in the database first and
    # then runs the change form on it. Judge permission, the concurrency check and the old
    # address on the article as it is live, not on the restored copy.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article: deleted articles are restored from “Recover deleted articles”.")
        if not self.has_change_permission(request, article):
            if request.method != "GET" or not self.has_view_permission(request, article):
                raise PermissionDenied
            # Read it, read-only: judged on the live article, not the restored copy (a draft an Author could edit).
            request.reading_revision = True
            extra_context = {**(extra_context or {}), "read_only_reason": self.read_only_reason(request, article)}
        request.live_article = {
            "slug": article.slug,
            "edit_version": article.edit_version,
            "status": article.status,
            "published_at": article.published_at,
        }
        version = Version.objects.filter(pk=version_id).select_related("revision").first()
        extra_context = {**(extra_context or {}), "version_date": version and version.revision.date_created}
        return super().revision_view(request, object_id, version_id, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        # The concurrency tokens are bookkeeping, not something a practitioner changed.
        for bookkeeping in ("opened_version", "opened_at"):
            if bookkeeping in form.changed_data:
                form.changed_data.remove(bookkeeping)
        return super().construct_change_message(request, form, formsets, add)

    def save_model(self, request, obj, form, change):
        live = getattr(request, "live_article", None)
        if live:
            obj._saved_slug = live["slug"]  # so a restored slug change still leaves a redirect
        super().save_model(request, obj, form, change)

    # Featuring on the home page: an Editor's choice (publish_article), made from the list.

    def has_feature_permission(self, request):
        return self.can_publish(request)

    @admin.action(permissions=["feature"], description="Feature on the home page")
    def feature_on_home(self, request, queryset):
        self._set_featured(request, queryset, True)

    @admin.action(permissions=["feature"], description="Stop featuring on the home page")
    def stop_featuring(self, request, queryset):
        self._set_featured(request, queryset, False)

    def _set_featured(self, request, queryset, featured):
        count = queryset.update(featured=featured)
        pagecache.invalidate(pagecache.table_tag(Article))  # update() sends no signal; the home page lists them
        if featured:
            self.message_user(request, f"{count} article(s) featured on the home page (when published).")
        else:
            self.message_user(request, f"{count} article(s) no longer featured on the home page.")

    # Short headings: with the admin's two sidebars a laptop's list has ~630 pixels for six columns.
    @admin.display(description="Home page", boolean=True, ordering="featured")
    def featured_label(self, article):
        return article.featured

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        return article.display_status

    @admin.display(description="Publication", ordering="published_at")
    def publication(self, article):
        """A draft has no publication date yet; a scheduled article says when it appears."""
        if article.status == Article.Status.DRAFT:
            return "—"
        return article.schedule_sentence or when(article.published_at)

    @admin.display(description="Next review", ordering="next_review_due")
    def review_label(self, article):
        if not article.next_review_due:
            return "—"
        if article.review_overdue:
            return format_html('<strong class="review-overdue">Overdue since {}</strong>', article.next_review_due)
        return article.next_review_due

    @admin.display(description="Reading age", ordering="reading_age")
    def reading_age_label(self, article):
        if article.reading_age is None:
            return "—"
        if article.reading_age > settings.READING_AGE_TARGET:
            return format_html('<strong class="reading-harder">{} (target {})</strong>', article.reading_age,
                               settings.READING_AGE_TARGET)  # fmt: skip
        return article.reading_age

    @admin.display(description="Reading level")
    def reading_level(self, article):
        return render_to_string(
            "admin/articles/article/reading_level.html",
            {"figures": article.readability if article.pk else {}, "target": settings.READING_AGE_TARGET},
        )

    def _create_formsets(self, request, obj, change):
        """The rows' formsets, hung on the article too: ArticleForm renders the article with them."""
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        obj.content_formsets = {formset.model: formset for formset in formsets}
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.store_rendering(*form.rendering)  # rendered once, when the form was validated
        if form.instance.featured_image:
            cached_picture(form.instance.featured_image.name)  # make its renditions now, not for the first reader
        if form.instance.is_scheduled:
            messages.info(request, f"{form.instance.schedule_sentence}: it appears on the site by itself at that time.")
        elif getattr(form, "published_now", False):
            messages.info(
                request,
                f"Published now ({when(form.instance.published_at)}): its publication time had already passed.",
            )
        if form.instance.review_overdue:
            messages.warning(request, "This article's clinical review is overdue: it stays published but is flagged.")

    # Preview: the real save, rendered with the public template, then rolled back.

    # Intercepted before VersionAdmin opens a revision: a preview must not leave one behind.
    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_view(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_view(request, object_id)
        article = self.get_object(request, unquote(object_id))
        if article is not None and request.method == "GET":
            extra_context = {**(extra_context or {}), "read_only_reason": self.read_only_reason(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            raise PermissionDenied
        allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        # Nothing of a preview reaches storage: uploaded files are left out (a new featured image shows once
        # the article is saved), and its images offer only the renditions that exist already.
        with transaction.atomic(), without_writing():
            form = self.get_form(request, obj, change=obj is not None)(request.POST, {}, instance=obj)
            formsets, _ = self._create_formsets(request, form.instance, change=obj is not None)
            if not (form.is_valid() and all(formset.is_valid() for formset in formsets)):
                errors = [str(e) for e in form.non_field_errors()] + [
                    f"{form.fields[name].label}: {' '.join(errs)}"
                    for name, errs in form.errors.items()
                    if name != "__all__"
                ]
                for formset in formsets:
                    errors += [" ".join(e) for form_errors in formset.errors for e in form_errors.values()]
                    errors += list(formset.non_form_errors())
                response = render(request, "admin/articles/article/preview_errors.html", {"errors": errors}, status=400)
                return never_cache_private(response)
            article = form.save()
            for formset in formsets:
                formset.save()
            article.store_rendering(*form.rendering)
            article = Article.objects.for_page().get(pk=article.pk)
            response = render_article(request, article, preview=True)
            transaction.set_rollback(True)  # nothing of the preview is kept
        return never_cache_private(response)

    # History: what changed between two revisions.

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        # For an id that names no article the admin answers with a redirect, which has no context.
        for action in (getattr(response, "context_data", None) or {}).get("action_list", []):
            # reversion links each revision as .../history/<version id>/; the compare form needs the id.
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<path:object_id>/history/compare/", compare, name="articles_article_compare")
        ] + super().get_urls()

    def compare_view(self, request, object_id):
        # get_object, not get_object_or_404: it answers None, not ValueError, for an id like "abc".
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision")
        try:
            older = get_object_or_404(versions, pk=int(request.GET.get("from", "")))
            newer = get_object_or_404(versions, pk=int(request.GET.get("to", "")))
        except ValueError:
            raise Http404("Choose two revisions to compare.") from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Changes to “{article}”",
            "older": older,
            "newer": newer,
            "changes": revisions.compare(older, newer),
            "now": timezone.now(),
        }
        return render(request, "admin/articles/article/compare.html", context)
