from django.contrib import admin, messages
from markdownx.widgets import AdminMarkdownxWidget

from .forms import ArticleForm, KeyPointForm, SectionForm
from .models import Article, KeyPoint, Section


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    form = KeyPointForm
    extra = 0
    fields = ["position", "text"]
    verbose_name = "key point (“This page explains”)"


class SectionInline(admin.StackedInline):
    model = Section
    form = SectionForm
    extra = 0
    fields = ["position", "heading", "body"]
    formfield_overrides = {Section._meta.get_field("body").__class__: {"widget": AdminMarkdownxWidget}}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    inlines = [KeyPointInline, SectionInline]
    list_display = ["title", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {Article._meta.get_field("intro").__class__: {"widget": AdminMarkdownxWidget}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "summary"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        ("Introduction", {"fields": ["intro"]}),
        (
            "Further reading",
            {
                "fields": ["further_reading"],
                "description": "The reference list is built from what the article cites; "
                "add here works to list without citing them.",
            },
        ),
    ]
    autocomplete_fields = ["further_reading"]

    class Media:
        # Binds the Markdown editor in rows added with "Add another" (markdownx does not).
        js = ["js/markdownx-inlines.js"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for problem in form.instance.render_content():
            messages.warning(request, f"{problem}: it is shown unlinked.")
