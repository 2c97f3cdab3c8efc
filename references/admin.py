from django.contrib import admin
from django.utils.safestring import mark_safe

from .models import Contributor, Reference


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 1
    fields = ["position", "role", "surname", "initials", "organisation"]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    inlines = [ContributorInline]
    list_display = ["key", "authors_and_year", "title", "kind"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "container_title", "contributors__surname", "contributors__organisation", "doi"]
    readonly_fields = ["formatted"]
    fieldsets = [
        (None, {"fields": ["key", "kind", "formatted"]}),
        ("Work", {"fields": ["year", "title", "container_title", "volume", "issue", "pages", "edition"]}),
        ("Publisher", {"fields": ["place", "publisher"]}),
        ("Online", {"fields": ["doi", "url", "accessed"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_contributors().distinct()

    @admin.display(description="Cited as")
    def authors_and_year(self, reference):
        return f"{reference.citation_label}, {reference.year_label}"

    @admin.display(description="As it appears in a reference list")
    def formatted(self, reference):
        if not reference.pk:
            return "Shown once the reference is saved."
        # harvard_html() escapes every field itself.
        return mark_safe(reference.harvard_html())
