from django.contrib import admin
from django.db.models import Count

from bodylab.admin_actions import CheckedSelectionMixin

from .models import GlossaryEntry


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    """Kept by Editors (the groups' permissions, glossary migration 0002); Authors may read it."""

    list_display = ["term", "other_forms", "explanation", "article_count"]
    search_fields = ["term", "other_forms", "explanation"]
    autocomplete_fields = ["reference"]
    fields = ["term", "other_forms", "explanation", "reference"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles using it (all statuses)", ordering="article_count")
    def article_count(self, entry):
        return entry.article_count
