"""Every public page runs a fixed number of SQL queries, however much the site holds.

The pages are measured while one site grows from a few articles to many, each article with more
authors, topics, cited works and further reading: a page's count must not change as it grows
(no N+1), and must stay under a ceiling (a new query per page shows up here, not in production).
Featured images and photos are real files: they cost file reads, never SQL.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import CARD_FIELDS, Article, ArticleAuthor, KeyPoint, Section
from clinic.models import ClinicDetails
from tests.factories import make_article, make_practitioner, make_reference
from tests.helpers import admin_form_data
from topics.models import Topic

pytestmark = pytest.mark.django_db

FEATURED_IMAGE = "articles/featured/knee.png"
PHOTO = "practitioners/alex.png"

# Measured on SQLite and PostgreSQL (the same on both), plus one query of headroom.
CEILINGS = {
    "home": 5,  # page 1 also shows the featured articles and the topics
    "home, page 2": 3,
    "article": 2,  # tests/test_article_page_cost.py says which
    "topic": 4,
    "topics": 2,
    "search": 3,
    "references": 3,
    "reference": 4,
    "practitioners": 2,
    "practitioner": 4,  # its articles are paginated: counted, then read
    "rss": 4,
    "atom": 4,
    "sitemap": 9,
    "library download": 3,
    "article's references download": 4,
}


class GrowingSite:
    """Published articles that all share one practitioner, topic and cited work: the pages under test.

    `grow(articles, each)` adds articles until there are `articles`, and gives every article, the one
    under test included, `each` authors, topics, cited works, further reading, key points and sections.
    """

    def __init__(self, media_root):
        for name in (FEATURED_IMAGE, PHOTO):
            path = media_root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (64, 48), "white").save(path, "PNG")
        self.practitioner = make_practitioner("Alex Morgan", photo=PHOTO, photo_alt="Alex, smiling")
        self.topic = Topic.objects.create(name="Knee", slug="knee")
        self.reference = make_reference(key="shared2017", authors=("Neumann",), year=2017)
        self.reviewer = make_practitioner("Sam Reviewer")
        # Published between its neighbours once there are three articles (the others: 1, 2, 3... days ago).
        self.article = self.new_article(days_ago=1.5)

    def new_article(self, days_ago):
        return make_article(
            summary="Why the knee hurts, and what helps.",
            sections=(),
            featured_image=FEATURED_IMAGE,
            featured_image_alt="A knee",
            reviewed_by=self.reviewer,
            days_ago=days_ago,
            render=False,
        )

    def grow(self, articles, each):
        while Article.objects.count() < articles:
            self.new_article(days_ago=Article.objects.count())
        for article in Article.objects.all():
            self.furnish(article, each)

    def furnish(self, article, each):
        """Top `article` up to `each` of everything a page shows about it, then render it."""
        for position in range(article.authorships.count(), each):
            author = self.practitioner if position == 0 else make_practitioner(f"Author {article.pk}-{position}")
            ArticleAuthor.objects.create(article=article, practitioner=author, position=position)
        for position in range(article.topics.count(), each):
            topic = f"{article.pk}-{position}"
            article.topics.add(
                self.topic if position == 0 else Topic.objects.create(name=f"Topic {topic}", slug=f"topic-{topic}")
            )
        for position in range(article.sections.count(), each):
            cited = self.reference if position == 0 else make_reference(authors=(f"Writer{article.pk}x{position}",))
            Section.objects.create(
                article=article, position=position, heading=f"Part {position}", body=f"[@{cited.key}]"
            )
            KeyPoint.objects.create(article=article, position=position, text=f"Point {position}")
            article.further_reading.add(make_reference())
        article.render_content()


def pages(site):
    return {
        "home": reverse("articles:list"),
        "home, page 2": reverse("articles:list") + "?page=2",
        "article": site.article.get_absolute_url(),
        "topic": site.topic.get_absolute_url(),
        "topics": reverse("topics:list"),
        "search": reverse("search:search") + "?q=knee",
        "references": reverse("references:list"),
        "reference": site.reference.get_absolute_url(),
        "practitioners": reverse("practitioners:list"),
        "practitioner": site.practitioner.get_absolute_url(),
        "rss": reverse("feed-rss"),
        "atom": reverse("feed-atom"),
        "sitemap": reverse("sitemap"),
        "library download": reverse("references:export-library", args=["bib"]),
        "article's references download": reverse("references:export-article", args=[site.article.slug, "ris"]),
    }


def query_counts(client, urls):
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        counts[name] = len(queries)
    return counts


def test_every_public_page_runs_as_many_queries_for_a_large_site_as_for_a_small_one(client, settings):
    settings.PAGE_CACHE = False  # what rendering a page costs (tests/test_page_cache.py: what a hit costs)
    site = GrowingSite(settings.MEDIA_ROOT)
    urls = pages(site)
    page_two = {"home, page 2": urls.pop("home, page 2")}

    site.grow(articles=3, each=1)
    ClinicDetails.current()  # the frame's clinic record: read once into the shared cache, not per page
    small = query_counts(client, urls)
    site.grow(articles=settings.ARTICLES_PER_PAGE + 1, each=1)  # the smallest site with a page 2
    small |= query_counts(client, page_two)

    site.grow(articles=30, each=6)
    large = query_counts(client, urls | page_two)

    assert large == small, "queries per page: a large site (left) against a small one (right)"
    over = {
        name: f"{count} queries, ceiling {CEILINGS[name]}" for name, count in large.items() if count > CEILINGS[name]
    }
    assert over == {}
    # The large site's pages do list more than the small one's did.
    assert len(client.get(urls["reference"]).context["articles"]) == 30
    assert client.get(urls["search"]).context["result_count"] == 30
    assert len(client.get(urls["home"] + "?page=2").context["page_obj"].object_list) == 10


# --- The admin's save of an article ---------------------------------------------------------------------------------


def test_an_admin_save_runs_as_many_queries_with_a_large_library_as_with_a_small_one(admin_client, monkeypatch):
    """Only the works the text can cite are loaded: a library of 3 or of 50 more works costs the same."""
    from references.citations import Library

    loads = []
    load = Library.load.__func__
    monkeypatch.setattr(Library, "load", classmethod(lambda cls: loads.append(1) or load(cls)))
    make_reference(key="neumann2017", authors=("Neumann",), year=2017)
    make_reference(key="moore2023", authors=("Moore", "Dalley", "Agur"), year=2023)
    riel_a = make_reference(key="riel-a", authors=("Riel",), year=2019, title="Arches")
    make_reference(key="riel-b", authors=("Riel",), year=2019, title="Bones")
    article = make_article(
        intro="As (Neumann, 2017) shows.",
        key_points=["Walking [@moore2023]"],
        sections=[("Feet", "Arches (Riel, 2019a) and bones (Riel, 2019b); Moore, Dalley and Agur (2023).")],
        authors=[make_practitioner()],
    )
    url = f"/admin/articles/article/{article.pk}/change/"

    def save(number):
        data = admin_form_data(admin_client.get(url).content.decode())
        data["sections-0-body"] = [data["sections-0-body"][0] + f" Edit {number}."]
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.post(url, data)
        errors = BeautifulSoup(response.content, "html.parser").select(".errorlist, .errornote")
        assert response.status_code == 302, [e.get_text(" ") for e in errors]
        return len(captured.captured_queries)

    save(0)  # the first save of a process fills Django's own caches (content types)
    citations = sorted(article.citations.values_list("pk", "reference_id", "uses"))
    small = save(1)
    for number in range(50):  # the same names in other years, other names in the same years, and more
        make_reference(authors=("Riel",), year=1990 + number % 29)  # 1990-2018: not 2019
        make_reference(authors=(f"Other{number}",), year=2019)
        make_reference(authors=("Neumann", f"Co{number}"), year=2017)
    assert save(2) == small
    assert not loads  # every citation resolved: the whole library was never loaded
    assert sorted(article.citations.values_list("pk", "reference_id", "uses")) == citations  # the same rows, kept
    page = BeautifulSoup(admin_client.get(article.get_absolute_url()).content, "html.parser")
    entries = [" ".join(entry.get_text().split()) for entry in page.select(".reference-entry")]
    assert [entry for entry in entries if entry.startswith("Riel")][0].startswith(f"Riel, A. (2019a) ‘{riel_a.title}")


# --- What a list of articles reads ----------------------------------------------------------------------------------

# What a list may read of its articles besides what their cards show (ArticleQuerySet.cards).
ALSO_READ = {"rss": {"updated_at"}, "atom": {"updated_at"}, "search": {"search_document"}}  # the snippet's text
ARTICLE_COLUMN = re.compile(r'"articles_article"\."(\w+)"')


def test_lists_of_articles_read_only_what_their_cards_show(client, settings):
    """Ten cards (or feed entries) are ten titles and summaries, not ten stored pages of ~30 KB each
    (ArticleQuerySet.cards)."""
    settings.PAGE_CACHE = False
    site = GrowingSite(settings.MEDIA_ROOT)
    site.grow(articles=settings.ARTICLES_PER_PAGE + 1, each=1)
    Article.objects.filter(pk=site.article.pk).update(featured=True)
    lists = ("home", "home, page 2", "topic", "search", "practitioner", "rss", "atom")
    urls = {name: url for name, url in pages(site).items() if name in lists}
    articles, per_page = settings.ARTICLES_PER_PAGE + 1, settings.ARTICLES_PER_PAGE
    # Page 1 of each list, the last article on page 2, the featured one on the home page too; the feeds take all.
    expected = dict.fromkeys(lists, per_page) | {
        "home": per_page + 1,
        "home, page 2": 1,
        "rss": articles,
        "atom": articles,
    }
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        if name in ("rss", "atom"):
            items = [e for e in ET.fromstring(response.content).iter() if e.tag.rpartition("}")[2] in ("item", "entry")]
        else:
            items = BeautifulSoup(response.content, "html.parser").select(".article-card")
        assert len(items) == expected[name], name
        selected = {column for query in queries for column in ARTICLE_COLUMN.findall(query["sql"].split(" FROM ")[0])}
        assert {"title", "slug", "summary"} <= selected, f"{name}: its articles' query was not found"
        assert selected - {"id", *CARD_FIELDS, *ALSO_READ.get(name, ())} == set(), f"{name} ({url})"
