"""“Related articles” under an article: what a reader is likely to want next."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Article, Citation


def _shared(rows, candidate_field, this_article_rows):
    """How many of `this_article_rows` the candidate (OuterRef) article also has, as a subquery."""
    count = (
        rows.filter(article=OuterRef("pk"), **{f"{candidate_field}__in": this_article_rows})
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def related_articles(article, limit=3):
    """Published articles other than `article`: most shared topics, then most shared cited works, then newest.

    One query, however many topics, citations or articles there are. An article that shares
    neither a topic nor a cited work is not related, and is not offered as if it were.
    """
    topic_links = Article.topics.through.objects
    topics_here = topic_links.filter(article=article.pk).values("topic")
    references_here = Citation.objects.filter(article=article.pk).values("reference")
    return list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .annotate(
            shared_topics=_shared(topic_links, "topic", topics_here),
            shared_references=_shared(Citation.objects, "reference", references_here),
        )
        .filter(Q(shared_topics__gt=0) | Q(shared_references__gt=0))
        .order_by("-shared_topics", "-shared_references", "-published_at", "-pk")
        .only("title", "slug", "subtitle", "summary", "published_at")[:limit]
    )
