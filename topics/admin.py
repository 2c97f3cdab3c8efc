from django.contrib import admin
from django.db.models import Count

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import CheckedFormInput

from .models import Topic


@admin.register(Topic)
class TopicAdmin(CheckedFormInput, CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles (all statuses)", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count
