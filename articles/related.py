"""What an article's page links to besides itself: its neighbours (Previous/Next) and related articles."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import LINK_COLUMNS, Article, Citation, articles_from_sql

ARTICLES = Article._meta.db_table
TOPIC_LINKS = Article.topics.through._meta.db_table
CITATIONS = Citation._meta.db_table
PUBLISHED = "status = %s AND published_at <= %s"

# One query for all of them: every public article page runs it, and building it with the ORM cost more
# than the database takes to answer it. Neighbours: the published articles just before and just after
# in publication order (then by id, so that equal times still have an order), compared as one row value
# so that the index on (status, published_at) stops at the neighbour instead of filtering its way to it.
# Related: the articles sharing a topic or a cited work, counted from the link tables' indexes alone
# (migration 0015), then kept if published. Ranked by the shared counts, then newest (sorted again in
# `links`: a union keeps no order).
LINKS_SQL = f"""
SELECT 'previous' AS link, 0 AS topics_shared, 0 AS works_shared, {LINK_COLUMNS} FROM (
  SELECT {LINK_COLUMNS} FROM {ARTICLES}
  WHERE {PUBLISHED} AND (published_at, id) < (%s, %s)
  ORDER BY published_at DESC, id DESC LIMIT 1
) previous_article
UNION ALL
SELECT 'next' AS link, 0, 0, {LINK_COLUMNS} FROM (
  SELECT {LINK_COLUMNS} FROM {ARTICLES}
  WHERE {PUBLISHED} AND (published_at, id) > (%s, %s)
  ORDER BY published_at, id LIMIT 1
) next_article
UNION ALL
SELECT 'related' AS link, topics_shared, works_shared, {LINK_COLUMNS} FROM (
  SELECT shared.topics_shared, shared.works_shared, {", ".join(f"a.{column}" for column in LINK_COLUMNS.split(", "))}
  FROM (
    SELECT article_id, SUM(topic) AS topics_shared, SUM(work) AS works_shared FROM (
      SELECT theirs.article_id, 1 AS topic, 0 AS work FROM {TOPIC_LINKS} theirs
      JOIN {TOPIC_LINKS} mine ON mine.topic_id = theirs.topic_id WHERE mine.article_id = %s
      UNION ALL
      SELECT theirs.article_id, 0, 1 FROM {CITATIONS} theirs
      JOIN {CITATIONS} mine ON mine.reference_id = theirs.reference_id WHERE mine.article_id = %s
    ) shared_rows
    WHERE article_id <> %s GROUP BY article_id
  ) shared
  JOIN {ARTICLES} a ON a.id = shared.article_id
  WHERE a.status = %s AND a.published_at <= %s
  ORDER BY topics_shared DESC, works_shared DESC, a.published_at DESC, a.id DESC
  LIMIT %s
) related_articles"""


@dataclass(frozen=True)
class Links:
    previous: Article | None
    next: Article | None
    related: list  # of Article: most shared topics, then most shared cited works, then newest


def links(article, related=3):
    """The article's neighbours and up to `related` related articles, with what a link shows, in one query.

    An article that shares neither a topic nor a cited work is not related, and is not offered as if it were.
    """
    found, ranked = {"previous": None, "next": None}, []
    for (link, topics_shared, works_shared), linked in articles_from_sql(*links_query(article, related), extra=3):
        if link == "related":
            ranked.append(((-topics_shared, -works_shared, -linked.published_at.timestamp(), -linked.pk), linked))
        else:
            found[link] = linked
    return Links(**found, related=[linked for _, linked in sorted(ranked, key=lambda pair: pair[0])])


def links_query(article, related=3):
    """The SQL of `links`, its parameters and the article columns it returns."""
    adapt = connection.ops.adapt_datetimefield_value
    now, at = adapt(timezone.now()), adapt(article.published_at)
    published = [Article.Status.PUBLISHED, now]
    params = [
        *published, at, article.pk,
        *published, at, article.pk,
        article.pk, article.pk, article.pk, *published, related,
    ]  # fmt: skip
    return LINKS_SQL, params, LINK_COLUMNS


def related_articles(article, limit=3):
    """The related articles alone (see `links`)."""
    return links(article, related=limit).related
