"""Topics (/topics/, /topics/<slug>/, the admin) and related articles under an article."""

import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Citation
from articles.related import links_query, related_articles
from tests.factories import make_article, make_reference
from topics.models import Topic

pytestmark = pytest.mark.django_db


def make_topic(name, **fields):
    return Topic.objects.create(name=name, slug=fields.pop("slug", name.lower().replace(" ", "-")), **fields)


def tagged(title, *topics, **fields):
    article = make_article(title, **fields)
    article.topics.set(topics)
    return article


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_topic_list_counts_only_published_articles(client):
    knee, foot, _empty = make_topic("Knee"), make_topic("Foot"), make_topic("Gait")
    tagged("Knee one", knee)
    tagged("Knee two", knee, foot)
    tagged("Knee draft", knee, status=Article.Status.DRAFT)
    tagged("Knee later", knee, days_ago=-3)
    soup = soup_of(client, "/topics/")
    cards = {
        card.h2.get_text(strip=True): card.select_one(".meta").get_text(strip=True)
        for card in soup.select(".topic-card")
    }
    assert cards == {"Foot": "1 article", "Gait": "No articles yet", "Knee": "2 articles"}
    assert soup.select_one(".topic-card h2 a")["href"] == "/topics/foot/"


def test_topic_page_lists_only_its_published_articles_newest_first(client):
    knee, foot = make_topic("Knee", description="Knees, from kneecap to ligaments."), make_topic("Foot")
    tagged("Older knee", knee, days_ago=5)
    tagged("Newer knee", knee, foot, days_ago=1)
    tagged("Foot only", foot)
    tagged("Draft knee", knee, status=Article.Status.DRAFT)
    tagged("Future knee", knee, days_ago=-1)
    tagged("Archived knee", knee, status=Article.Status.ARCHIVED)
    soup = soup_of(client, "/topics/knee/")
    assert soup.h1.get_text() == "Knee"
    assert "Knees, from kneecap to ligaments." in soup.select_one(".lede").get_text()
    assert [a.get_text() for a in soup.select(".article-card h2 a")] == ["Newer knee", "Older knee"]


def test_topic_page_is_paginated_like_the_home_page(client):
    knee = make_topic("Knee")
    for days in range(12):
        tagged(f"Knee {days}", knee, days_ago=days + 1, render=False)
    first, second = soup_of(client, "/topics/knee/"), soup_of(client, "/topics/knee/?page=2")
    assert len(first.select(".article-card")) == 10
    assert [a.get_text() for a in second.select(".article-card h2 a")] == ["Knee 10", "Knee 11"]
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    assert client.get("/topics/knee/?page=99").status_code == 404


def test_empty_and_unknown_topics(client):
    make_topic("Gait")
    assert "No articles on this topic yet" in soup_of(client, "/topics/gait/").get_text()
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_admin_manages_topics_with_search_and_a_slug_from_the_name(admin_client):
    make_topic("Knee", description="Kneecaps and ligaments")
    make_topic("Foot")
    changelist = BeautifulSoup(admin_client.get("/admin/topics/topic/?q=ligaments").content, "html.parser")
    assert [a.get_text() for a in changelist.select("#result_list tbody th a")] == ["Knee"]
    add_page = BeautifulSoup(admin_client.get("/admin/topics/topic/add/").content, "html.parser")
    prepopulated = json.loads(
        add_page.select_one("#django-admin-prepopulated-fields-constants")["data-prepopulated-fields"]
    )
    assert [(field["id"], field["dependency_list"]) for field in prepopulated] == [("#id_slug", ["name"])]
    response = admin_client.post("/admin/topics/topic/add/", {"name": "Tendons", "slug": "tendons", "description": ""})
    assert response.status_code == 302 and Topic.objects.filter(slug="tendons").exists()


def test_article_page_links_its_topics_and_related_articles(client):
    knee = make_topic("Knee")
    article = tagged("Main", knee, days_ago=3)
    tagged("Sibling", knee, days_ago=2, summary="A sibling article.")
    make_article("Draft sibling", status=Article.Status.DRAFT).topics.set([knee])
    soup = soup_of(client, article.get_absolute_url())
    assert [(a.get_text(), a["href"]) for a in soup.select(".article-topics a")] == [("Knee", "/topics/knee/")]
    related = soup.select(".related-articles li a")
    assert [a.get_text() for a in related] == ["Sibling"]
    assert "A sibling article." in soup.select_one(".related-articles").get_text()


def _cite(*references):
    return [("S", " ".join(f"See [@{reference.key}]." for reference in references))]


def test_related_articles_rank_shared_topics_then_shared_references_then_recency():
    knee, foot, gait = make_topic("Knee"), make_topic("Foot"), make_topic("Gait")
    r1, r2, r3 = make_reference(), make_reference(), make_reference()
    article = tagged("This one", knee, foot, sections=_cite(r1, r2), days_ago=10)
    assert article.references.count() == 2
    both_topics = tagged("Both topics, old", knee, foot, days_ago=40)
    one_topic_two_refs = tagged("One topic, two references", knee, sections=_cite(r1, r2), days_ago=30)
    one_topic_one_ref = tagged("One topic, one reference", foot, sections=_cite(r1, r3), days_ago=20)
    one_topic = tagged("One topic, newest", gait, knee, days_ago=1)
    refs_only = tagged("References only", sections=_cite(r1, r2), days_ago=5)
    tagged("Nothing shared, newest", gait, days_ago=0.5)  # not related: never offered
    tagged("Draft sharing everything", knee, foot, sections=_cite(r1, r2), status=Article.Status.DRAFT)
    tagged("Future sharing everything", knee, foot, sections=_cite(r1, r2), days_ago=-1)

    assert related_articles(article) == [both_topics, one_topic_two_refs, one_topic_one_ref]
    assert related_articles(article, limit=10) == [
        both_topics,
        one_topic_two_refs,
        one_topic_one_ref,
        one_topic,
        refs_only,
    ]


def test_related_articles_take_one_query_however_much_is_shared():
    topics = [make_topic(f"Topic {n}") for n in range(10)]
    references = [make_reference() for _ in range(10)]
    small = tagged("Small", topics[0])
    large = tagged("Large", *topics, sections=_cite(*references))
    for n in range(8):
        tagged(f"Other {n}", *topics[:n], sections=_cite(*references[:n]))
    counts = []
    for article in (small, large):
        with CaptureQueriesContext(connection) as queries:
            related_articles(article)
        counts.append(len(queries))
    assert counts == [1, 1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_related_articles_are_found_from_the_link_tables_indexes_not_by_reading_the_tables():
    """Which articles share a topic or a work can be read from the (topic, article) and (work, article)
    indexes alone (migration 0015), not from every topic and citation row. On the benchmark's site
    PostgreSQL chooses them by itself. Here each link table gets 800 rows, so that reading one whole is
    clearly dearer than looking up the article's own few topics and works (with a few dozen rows the two
    cost about the same, and the planner's choice turned on leftovers of earlier tests); and only index
    lookups are left to it, to see which indexes answer the query."""
    topics = Topic.objects.bulk_create(Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(40))
    references = [make_reference() for _ in range(40)]
    others = [make_article(f"Other {n}") for n in range(20)]
    Article.topics.through.objects.bulk_create(
        Article.topics.through(article=other, topic=topic) for other in others for topic in topics
    )
    Citation.objects.bulk_create(Citation(article=other, reference=work) for other in others for work in references)
    article = tagged("This one", topics[0], topics[1], sections=_cite(*references[:3]))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article_topics")
        cursor.execute("ANALYZE articles_citation")
        for method in ("seqscan", "bitmapscan", "hashjoin", "mergejoin"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        # Django's own index of the topic alone would serve as well, with a read of each row: out of the way,
        # until the test's transaction is rolled back.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'articles_article_topics' "
            "AND indexdef LIKE '%%(topic_id)'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
        sql, params, _ = links_query(article)
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each link table is read twice: the article's own rows by the article, the others' by what they share.
    assert "Index Only Scan using article_topics_articles_by_topic on articles_article_topics theirs" in plan
    assert "Index Cond: (topic_id = mine.topic_id)" in plan
    assert "Index Only Scan using citation_articles_by_work on articles_citation theirs" in plan
    assert "Index Cond: (reference_id = mine_1.reference_id)" in plan
