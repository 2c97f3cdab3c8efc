import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin
from reversion.models import Version

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import BoundedRows, CheckedFormInput
from uploads.renditions import cached_picture, without_writing

from . import revisions
from .forms import ArticleForm, KeyPointForm, SectionForm
from .models import PAGE_FIELDS, Article, ArticleAuthor, KeyPoint, Section
from .views import never_cache_private, render_article

PUBLISH_PERMISSION = "articles.publish_article"

# What a revision keeps: the article with its rows. Citations and HTML are derived and
# re-rendered on restore. The edit version is left out: a restore is checked against the live
# article's version instead (see revision_view). So is the stored page: rendered again on every save.
reversion.register(KeyPoint)
reversion.register(Section)
reversion.register(ArticleAuthor)
reversion.register(Article, follow=["key_points", "sections", "authorships"], exclude=["edit_version", *PAGE_FIELDS])


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


class KeyPointInline(BoundedRows, admin.TabularInline):
    model = KeyPoint
    max_num = KeyPoint.MAX_PER_ARTICLE
    form = KeyPointForm
    formset = RowsFormSet
    extra = 0
    fields = ["position", "text"]
    verbose_name = "key point (“This page explains”)"
    verbose_name_plural = "key points (“This page explains”)"


class SectionInline(BoundedRows, admin.StackedInline):
    model = Section
    max_num = Section.MAX_PER_ARTICLE
    form = SectionForm
    formset = RowsFormSet
    extra = 0
    fields = ["position", "heading", "body"]
    formfield_overrides = {Section._meta.get_field("body").__class__: {"widget": AdminMarkdownxWidget}}


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
    list_display = ["title", "status_label", "published_at", "review_label"]
    list_filter = ["status", ReviewDueFilter, "topics"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {Article._meta.get_field("intro").__class__: {"widget": AdminMarkdownxWidget}}
    autocomplete_fields = ["further_reading"]
    filter_horizontal = ["topics"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "summary", "opened_version"]}),
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
        ]
        css = {"all": ["css/admin-editor.css"]}

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
        if obj is not None and obj.status != Article.Status.DRAFT and not self.can_publish(request):
            return False  # an Author may read a published article here, not change it
        return super().has_change_permission(request, obj)

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
            raise PermissionDenied
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
        # The concurrency token is bookkeeping, not something a practitioner changed.
        if "opened_version" in form.changed_data:
            form.changed_data.remove("opened_version")
        return super().construct_change_message(request, form, formsets, add)

    def save_model(self, request, obj, form, change):
        live = getattr(request, "live_article", None)
        if live:
            obj._saved_slug = live["slug"]  # so a restored slug change still leaves a redirect
        super().save_model(request, obj, form, change)

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        return article.display_status

    @admin.display(description="Next review", ordering="next_review_due")
    def review_label(self, article):
        if not article.next_review_due:
            return "—"
        if article.review_overdue:
            return format_html('<strong class="review-overdue">Overdue since {}</strong>', article.next_review_due)
        return article.next_review_due

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
