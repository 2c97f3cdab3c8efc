"""The reference library in the admin: editing, import with a preview, export, and duplicate warnings."""

import calendar
import json
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import BoundedRows, CheckedFormInput

from . import harvard, picker, signals, views
from .duplicates import likely_duplicates
from .errors import ImportProblem
from .importing import (
    FORMATS,
    count,
    detect_format,
    format_for_filename,
    import_records,
    parse,
    plan,
    refuse_published_changes,
    refuse_updates,
)
from .models import FIELDS_BY_KIND, REQUIRED_BY_KIND, WEB_ADDRESS, Contributor, Reference

# Who may change a work that published articles show (see ReferenceAdmin.has_change_permission).
EDITOR_PERMISSION = "articles.publish_article"

# The confirm step posts the whole text back; this keeps it under Django's 2.5 MB request limit.
MAX_IMPORT_BYTES = 2_000_000


def _records(content, fmt, source):
    try:
        return parse(content, fmt, source)
    except ImportProblem as problem:
        raise ValidationError(problem.refusal) from problem


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A .bib (BibTeX), .ris or .json (CSL-JSON) file, as exported by Zotero, EndNote or Mendeley.",
    )
    text = forms.CharField(
        label="…or paste",
        required=False,
        strip=False,  # leading blank lines count in the line numbers of error messages
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(
        choices=[("auto", "Detect it"), *((fmt, label) for fmt, (label, _) in FORMATS.items())], initial="auto"
    )

    def clean(self):
        data = super().clean()
        if self.errors:  # a field refused what it was given (a NUL, an empty file): its message is the one to read
            return data
        upload, text = data.get("file"), data.get("text") or ""
        if bool(upload) == bool(text.strip()):
            raise ValidationError("Choose a file or paste text: one of the two.")
        content, source = (_read_upload(upload), Path(upload.name).name) if upload else (text, "pasted text")
        fmt = data.get("format")
        if fmt == "auto":
            fmt = (format_for_filename(source) if upload else None) or detect_format(content)
        source = _shortened(source)
        if fmt is None:
            raise ValidationError("Cannot tell which format this is; choose it under “Format”.")
        return {**data, "content": content, "source": source, "fmt": fmt, "records": _records(content, fmt, source)}


SOURCE_MAX = 200  # characters of a file's name kept to name it in messages (ConfirmImportForm.source)


def _shortened(name):
    """A file's name as messages give it: a very long one keeps its start and its end (its extension)."""
    return name if len(name) <= SOURCE_MAX else f"{name[: SOURCE_MAX // 2 - 1]}…{name[-(SOURCE_MAX // 2) :]}"


def _read_upload(upload):
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB; split it into parts.")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not UTF-8 text; export it again as UTF-8.") from error


class ConfirmImportForm(forms.Form):
    """The previewed text again, in hidden fields: confirming re-reads it rather than trusting a list of changes."""

    content = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=MAX_IMPORT_BYTES)
    fmt = forms.ChoiceField(choices=[(fmt, label) for fmt, (label, _) in FORMATS.items()], widget=forms.HiddenInput)
    source = forms.CharField(widget=forms.HiddenInput, max_length=SOURCE_MAX)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        return {**data, "records": _records(data["content"], data["fmt"], data["source"])}


class ContributorForm(forms.ModelForm):
    """A new row's position starts empty: ContributorFormSet numbers it, in the order of the rows."""

    position = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "vSmallIntegerField"}),
        help_text="Left empty, names are numbered in the order they stand here.",
    )

    class Meta:
        model = Contributor
        fields = ["position", "role", "surname", "initials", "particle", "suffix", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial["position"] = None
        for name, field in self.fields.items():
            # The table's column headings are not the inputs' labels: name each input (a phone shows no table).
            field.widget.attrs.setdefault("aria-label", str(field.label or name))


class ContributorFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Numbers the names left without a position after the highest given, in the order of the rows."""
        super().clean()
        kept = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk) and form.is_valid() and not self._should_delete_form(form)
        ]
        highest = max((f.cleaned_data["position"] or 0 for f in kept), default=0)
        for form in kept:
            if form.cleaned_data.get("position") is None:
                highest += 1
                form.cleaned_data["position"] = form.instance.position = highest


class ContributorInline(BoundedRows, admin.TabularInline):
    model = Contributor
    form = ContributorForm
    formset = ContributorFormSet
    extra = 1
    # Cite Them Right lists every author; a consensus statement may have dozens. More come only by import.
    max_num = 100
    fields = ["position", "role", "surname", "initials", "particle", "suffix", "organisation"]

    # The names are part of the reference: read-only wherever the reference is.
    def has_add_permission(self, request, obj=None):
        return self._reference_changeable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._reference_changeable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._reference_changeable(request, obj) and super().has_delete_permission(request, obj)

    def _reference_changeable(self, request, obj):
        return obj is None or self.admin_site.get_model_admin(Reference).has_change_permission(request, obj)


# A field's name for one kind, where the general label would puzzle ("journal / book / website").
LABELS_BY_KIND = {
    "container_title": {
        "article-journal": "Journal",
        "preprint": "Preprint server",
        "chapter": "Book title",
        "webpage": "Website",
        "blog-post": "Blog",
        "newspaper": "Newspaper",
        "magazine": "Magazine",
        "conference-paper": "Proceedings",
        "video": "Website or channel",
        "podcast": "Podcast",
    },
    "number": {"article-journal": "Article number", "report": "Report number", "podcast": "Episode"},
    "publisher": {"thesis": "Awarding university"},
    "genre": {"thesis": "Thesis type"},
}
# Shown whatever the kind.
COMMON_FIELDS = {"key", "kind", "formatted", "cited_in", "year", "title", "accessed_precision"}
MONTHS = [("", "—"), *((number, calendar.month_name[number]) for number in range(1, 13))]


def _form_field(db_field, **kwargs):
    """A URL typed without a scheme means https, here too (see ReferenceAdmin.formfield_overrides)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ReferenceForm(forms.ModelForm):
    """The kind decides which fields matter: `kind_fields` tells the page's script, `clean` asks for the needed ones."""

    class Meta:
        model = Reference
        fields = [
            *("key", "kind", "year", "issued_month", "issued_day", "title"),
            *("container_title", "volume", "issue", "pages", "number", "status"),
            *("edition", "collection_title", "genre", "event_title", "event_place", "event_date"),
            *("place", "publisher", "doi", "url", "accessed", "accessed_precision"),
        ]
        widgets = {"issued_month": forms.Select(choices=MONTHS)}
        error_messages = {"url": {"invalid": WEB_ADDRESS.message}}
        formfield_callback = _form_field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            # Data for static/js/admin-reference-kinds.js, in an attribute: no inline script for a CSP to forbid.
            self.fields["kind"].widget.attrs["data-kind-fields"] = json.dumps(
                {"fields": FIELDS_BY_KIND, "labels": LABELS_BY_KIND}
            )
        if "accessed_precision" in self.fields:
            # Forms posted without it (older pages, scripts) mean a full date, the model's default.
            self.fields["accessed_precision"].required = False

    def clean_accessed_precision(self):
        return self.cleaned_data.get("accessed_precision") or Reference.Precision.DAY

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind not in FIELDS_BY_KIND:
            return data  # the kind field has its own error
        kind_name = Reference.Kind(kind).label.lower()
        for name in REQUIRED_BY_KIND.get(kind, ()):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, f"A {kind_name} needs its {_in_sentence(field_label(name, kind))}.")
        if kind == Reference.Kind.CONFERENCE_PAPER and not (data.get("container_title") or data.get("event_title")):
            self.add_error("event_title", "A conference paper needs its conference, or the proceedings it is in.")
        if data.get("url") and not data.get("doi") and not data.get("accessed") and "accessed" not in self.errors:
            # Cite Them Right ends an entry read online "Available at: URL (Accessed: date)".
            self.add_error(
                "accessed",
                "A work read online needs the date you accessed it (a month or a year will do: "
                "set how precise it is below).",
            )
        return data


def _in_sentence(label):
    """'Journal' -> 'journal'; 'URL' and 'DOI' stay as they are."""
    return label if label.isupper() else label[:1].lower() + label[1:]


def field_label(name, kind):
    """What a field is called for this kind: 'Journal' for an article's container title."""
    return LABELS_BY_KIND.get(name, {}).get(kind) or str(Reference._meta.get_field(name).verbose_name)


@admin.register(Reference)
class ReferenceAdmin(CheckedFormInput, CheckedSelectionMixin, admin.ModelAdmin):
    inlines = [ContributorInline]
    list_display = ["key", "authors_and_year", "title", "kind", "cited_in"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "container_title", "contributors__surname", "contributors__organisation", "doi"]
    readonly_fields = ["formatted", "cited_in"]
    form = ReferenceForm
    # Without JavaScript every group shows; with it, only the fields of the chosen kind (see ReferenceForm).
    fieldsets = [
        (None, {"fields": ["key", "kind", "formatted", "cited_in"]}),
        (
            "Work",
            {
                "fields": ["year", "issued_month", "issued_day", "title"],
                "description": "Day and month: blog posts, newspaper and magazine articles, videos and podcasts.",
            },
        ),
        (
            "Part of",
            {
                "fields": ["container_title", "volume", "issue", "pages", "number", "status"],
                "description": "What the work appears in (journal, book, site, newspaper, podcast…) and where in it.",
            },
        ),
        (
            "Edition, series and type",
            {
                "fields": ["edition", "collection_title", "genre"],
                "description": "Books and reports: edition and series; theses: the type, such as PhD thesis.",
            },
        ),
        (
            "Conference",
            {"fields": ["event_title", "event_place", "event_date"], "description": "Conference papers only."},
        ),
        ("Publisher", {"fields": ["place", "publisher"]}),
        ("Online", {"fields": ["doi", "url", "accessed", "accessed_precision"]}),
    ]
    actions = ["export_bibtex", "export_ris", "export_csl_json"]
    # A URL typed without a scheme means https (Django 6's default; silences its deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        js = ["js/admin-reference-kinds.js"]
        css = {"all": ["css/admin-reference-kinds.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_contributors().prefetch_related("articles").distinct()

    # A work that published pages show changes only with an Editor (who may publish): the change
    # appears on those pages at once, so it is a publication of its own. An Author sees it read-only.

    def may_change_published_pages(self, request):
        return request.user.has_perm(EDITOR_PERMISSION)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.may_change_published_pages(request) and obj.published_articles().exists():
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with signals.changes_by(request.user):  # the articles' History names who changed their references
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reference = self.get_object(request, unquote(object_id))
        if reference is not None and request.method == "GET" and not self.has_change_permission(request, reference):
            articles = list(reference.published_articles())
            if articles:
                messages.info(
                    request,
                    "Published articles show this reference ("
                    + ", ".join(f"“{article.title}”" for article in articles)
                    + "): only an Editor can change it, because the change would appear on their pages at once.",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Cited as")
    def authors_and_year(self, reference):
        return f"{reference.citation_label}, {reference.year_label}"

    @admin.display(description="As it appears in a reference list")
    def formatted(self, reference):
        if not reference.pk:
            return "Shown once the reference is saved."
        # harvard_html() escapes every field itself.
        return mark_safe(reference.harvard_html())

    @admin.display(description="Cited in")
    def cited_in(self, reference):
        articles = reference.articles.all() if reference.pk else []
        if not articles:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>{}',
            (
                (reverse("admin:articles_article_change", args=[a.pk]), a.title, "" if a.is_public else " (not public)")
                for a in articles
            ),
        )

    # Saving: warn about likely duplicates once the contributors are saved too.

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A fresh copy: the one being edited still holds the contributors from before the save.
        reference = Reference.objects.with_contributors().get(pk=form.instance.pk)
        duplicates = likely_duplicates(reference)
        if duplicates:
            messages.warning(
                request,
                format_html(
                    "“{}” looks like a duplicate of {} (same DOI, or same authors, year and title). "
                    "If it is the same work, keep one and cite that.",
                    reference.key,
                    self._links(duplicates),
                ),
            )

    def _links(self, references):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:references_reference_change", args=[ref.pk]), str(ref)) for ref in references),
        )

    # Export: three actions on the selected references.

    @admin.action(description="Export selected as BibTeX")
    def export_bibtex(self, request, queryset):
        return views.download(queryset, "bib", "references")

    @admin.action(description="Export selected as RIS")
    def export_ris(self, request, queryset):
        return views.download(queryset, "ris", "references")

    @admin.action(description="Export selected as CSL-JSON")
    def export_csl_json(self, request, queryset):
        return views.download(queryset, "json", "references")

    # Import: upload or paste, preview, confirm.

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        search = self.admin_site.admin_view(picker.picker_search)
        return [
            path("import/", view, name="references_reference_import"),
            path("picker-search/", search, name="references_reference_picker_search"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            with signals.changes_by(request.user):
                return self._confirm_import(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        preview = self._preview(request, form) if form.is_bound and form.is_valid() else None
        return self._import_page(request, form, preview)

    def _preview(self, request, form):
        """What the import would do, and the form that confirms it; None (with the error on the form) if it cannot."""
        data = form.cleaned_data
        try:
            steps = plan(data["records"], skip_duplicates=True)
            if not self.has_change_permission(request):
                refuse_updates(steps)
            if not self.may_change_published_pages(request):
                refuse_published_changes(steps)
        except ImportProblem as problem:
            form.add_error(None, problem.refusal)
            return None
        confirm = ConfirmImportForm(initial={name: data[name] for name in ("content", "fmt", "source")})
        return {"rows": [self._preview_row(step) for step in steps], "counts": count(steps), "confirm": confirm}

    def _preview_row(self, step):
        people = [c for c in step.contributors if c.role == Contributor.Role.AUTHOR] or step.contributors
        fields = step.record["fields"]
        return {
            "action": step.action,
            "key": step.key,
            "cited_as": f"{harvard.in_text_names(people) or fields['title']}, {harvard.year_label(fields['year'])}",
            "title": fields["title"],
            "changes": ", ".join(step.changes),
            "published_articles": step.published_articles,
            "duplicates": self._links(step.duplicates),
        }

    def _confirm_import(self, request):
        form = ConfirmImportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                counts = import_records(
                    data["records"],
                    skip_duplicates=True,
                    allow_updates=self.has_change_permission(request),
                    allow_published_changes=self.may_change_published_pages(request),
                )
            except ImportProblem:
                pass  # the preview below shows it
            else:
                messages.success(
                    request,
                    f"Imported {data['source']}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged, {counts['skipped']} skipped as likely duplicates.",
                )
                return redirect("admin:references_reference_changelist")
        # Tampered with, or the library changed since the preview: preview the text again, errors and all.
        retry = ImportForm({"text": request.POST.get("content", ""), "format": request.POST.get("fmt", "auto")})
        return self._import_page(request, retry, self._preview(request, retry) if retry.is_valid() else None)

    def _import_page(self, request, form, preview):
        context = {
            **self.admin_site.each_context(request),
            "title": "Import references",
            "opts": self.opts,
            "form": form,
            "preview": preview,
        }
        return TemplateResponse(request, "admin/references/reference/import.html", context)
