"""“Related articles” under an article: what a reader is likely to want next."""

from django.db import connection
from django.utils import timezone

from .models import LINK_COLUMNS, Article, Citation

ARTICLES = Article._meta.db_table
TOPIC_LINKS = Article.topics.through._meta.db_table
CITATIONS = Citation._meta.db_table

# Articles sharing a topic or a cited work with this one (counted from those shared rows only, through
# the indexes on topic and reference), published and not this one: most shared topics, then most shared
# cited works, then newest. Written in SQL: every public article page runs it, and building it with the
# ORM cost more than the database takes to answer it.
RELATED_SQL = f"""
SELECT {", ".join(f"a.{column}" for column in LINK_COLUMNS.split(", "))}
FROM {ARTICLES} a
LEFT JOIN (
  SELECT article_id, COUNT(*) AS n FROM {TOPIC_LINKS}
  WHERE topic_id IN (SELECT topic_id FROM {TOPIC_LINKS} WHERE article_id = %s) GROUP BY article_id
) shared_topics ON shared_topics.article_id = a.id
LEFT JOIN (
  SELECT article_id, COUNT(*) AS n FROM {CITATIONS}
  WHERE reference_id IN (SELECT reference_id FROM {CITATIONS} WHERE article_id = %s) GROUP BY article_id
) shared_references ON shared_references.article_id = a.id
WHERE (shared_topics.n IS NOT NULL OR shared_references.n IS NOT NULL)
  AND a.status = %s AND a.published_at <= %s AND a.id <> %s
ORDER BY COALESCE(shared_topics.n, 0) DESC, COALESCE(shared_references.n, 0) DESC, a.published_at DESC, a.id DESC
LIMIT %s"""


def related_articles(article, limit=3):
    """Published articles other than `article`: most shared topics, then most shared cited works, then newest.

    One query, however many topics, citations or articles there are. An article that shares
    neither a topic nor a cited work is not related, and is not offered as if it were.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [article.pk, article.pk, Article.Status.PUBLISHED, now, article.pk, limit]
    return list(Article.objects.raw(RELATED_SQL, params))
