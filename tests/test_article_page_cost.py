"""The article page's cost: its queries, its size, and its stored parts kept current (articles.page)."""

import gzip

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from clinic.models import ClinicDetails
from tests.factories import GAIT_URL, make_article, make_practitioner, make_reference
from topics.models import Topic

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_QUERIES = 2  # the article with its stored parts; its neighbours and related articles together


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """What rendering the page costs: a page from the cache runs none (tests/test_page_cache.py)."""
    settings.PAGE_CACHE = False


def queries_of(client, url):
    ClinicDetails.current()  # the frame's clinic details come from the shared cache, read again every 5 minutes
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
    """Issue 9's budget, for the page less what later issues added for patients, each bounded on its own:
    the seven words the gait article explains (issue 12: beside the word and again in "Words explained")
    and the clinic's "When to get help" (issue 11, as long as the clinic writes it)."""
    body = client.get(GAIT_URL).content
    page = BeautifulSoup(body, "html.parser")
    words = page.select(".term")
    assert len(words) == 7
    glossary = [*(word.select_one(".term-card") for word in words), page.select_one("section.words-explained")]
    glossary_bytes = sum(len(str(part).encode()) for part in glossary)
    help_bytes = len(str(page.select_one("aside.when-to-get-help")).encode())
    for part in [*glossary, page.select_one("aside.when-to-get-help")]:
        part.decompose()
    for word in words:
        word.replace_with(word.select_one("dfn").get_text())
    rest = str(page).encode()
    assert len(rest) <= 30_000  # 28,790 bytes when written
    assert len(gzip.compress(rest, compresslevel=6)) <= 8_000  # 7,145
    assert glossary_bytes <= 5_500  # 4,124
    assert help_bytes <= 1_000  # 677 with the demo clinic's note


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
