"""The article page's cost: its queries, its size, and its stored parts kept current (articles.page)."""

import gzip

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import GAIT_URL, make_article, make_practitioner, make_reference
from topics.models import Topic

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_QUERIES = 2  # the article with its stored parts; its neighbours and related articles together


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """What rendering the page costs: a page from the cache runs none (tests/test_page_cache.py)."""
    settings.PAGE_CACHE = False


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_article_page_runs_three_queries_with_3_and_with_50_more_articles(client):
    topic = Topic.objects.create(name="Knee", slug="knee")
    cited = make_reference(key="shared2017", authors=("Neumann",), year=2017)
    author = make_practitioner("Alex Morgan")

    def article(days_ago):
        made = make_article(
            sections=[("Why", "See [@shared2017]."), ("How", "Slowly.")],
            key_points=["Why it hurts"],
            authors=[author],
            reviewed_by=author,
            days_ago=days_ago,
        )
        made.topics.add(topic)
        return made

    page = article(days_ago=1.5)
    for days_ago in (1, 2):
        article(days_ago)
    assert queries_of(client, page.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    for days_ago in range(3, 53):
        article(days_ago)
    assert Article.objects.count() == 53
    assert queries_of(client, page.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    assert len(client.get(page.get_absolute_url()).context["related_articles"]) == 3
    assert cited.pk  # the shared cited work relates them too


def test_the_gait_article_is_at_most_30_kb_and_8_kb_compressed(client, demo_content):
    """Issue 9's budget, for the page less its glossary words (issue 12), which are bounded on their own:
    the seven words the gait article explains, each beside the word and again in "Words explained"."""
    body = client.get(GAIT_URL).content
    soup = BeautifulSoup(body, "html.parser")
    words = soup.select(".term")
    glossary_bytes = sum(len(str(word).encode()) - len(word.select_one("dfn").get_text().encode()) for word in words)
    glossary_bytes += len(str(soup.select_one("section.words-explained")).encode())
    assert len(words) == 7
    assert len(body) - glossary_bytes <= 30_000
    assert glossary_bytes <= 5_500  # 5,261 bytes when written
    assert len(gzip.compress(body, compresslevel=6)) <= 8_000  # the whole page, its glossary words included


def test_the_stored_page_shows_authors_and_topics_as_they_are_now(client):
    author = make_practitioner("Alex Morgan", credentials="MSc")
    article = make_article(authors=[author])
    topic = Topic.objects.create(name="Knee", slug="knee")
    article.topics.add(topic)
    article.refresh_from_db()
    assert article.page_is_stored and "Alex Morgan" in article.page_html and "Knee" in article.page_html

    author.name, author.credentials = "Alex Morgan-Reid", "PhD"
    author.save()
    topic.name = "Knees"
    topic.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Alex Morgan-Reid" in html and "PhD" in html and ">Knees<" in html
    assert '"name":"Alex Morgan-Reid"' in html  # the structured data too

    topic.delete()
    assert ">Knees<" not in client.get(article.get_absolute_url()).content.decode()


def test_a_save_that_did_not_render_the_page_is_never_shown_stale(client):
    article = make_article("Before")
    article.title = "After"
    article.save()  # not rendered again: the page is rendered live
    assert not Article.objects.get(pk=article.pk).page_is_stored
    assert "<h1>After</h1>" in client.get(article.get_absolute_url()).content.decode()
    article.render_content()
    assert Article.objects.get(pk=article.pk).page_is_stored
    assert "<h1>After</h1>" in client.get(article.get_absolute_url()).content.decode()


def test_the_stored_head_names_the_host_the_request_came_to(client):
    article = make_article()
    html = client.get(article.get_absolute_url(), SERVER_NAME="testserver").content.decode()
    assert f'content="http://testserver{article.get_absolute_url()}"' in html
    assert "origin.bodylab.invalid" not in html
