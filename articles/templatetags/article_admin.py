from django import template

from articles.models import Article

register = template.Library()


@register.simple_tag
def articles_needing_review(within_days=30):
    """For the admin dashboard: articles whose clinical review is overdue or due soon."""
    return Article.objects.review_due(within_days=within_days).order_by("next_review_due")


@register.simple_tag
def drafts_waiting(limit=10):
    """For the admin dashboard: the drafts Authors are writing, most recently saved first."""
    return Article.objects.filter(status=Article.Status.DRAFT).order_by("-updated_at")[:limit]
