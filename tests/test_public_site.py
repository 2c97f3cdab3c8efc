"""What a patient (and a logged-in practitioner) sees: lists, pages, neighbours, drafts, 404s."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from clinic.models import ClinicDetails
from tests.factories import make_article, make_practitioner, make_reference
from topics.models import Topic

pytestmark = pytest.mark.django_db


def nav_titles(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    prev = soup.select_one("a[rel=prev] .article-nav-title")
    nxt = soup.select_one("a[rel=next] .article-nav-title")
    return (prev.get_text() if prev else None, nxt.get_text() if nxt else None)


def test_published_queryset_excludes_drafts_and_future_articles():
    public = make_article("Public")
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("Future", days_ago=-1)
    assert list(Article.objects.published()) == [public]


def test_home_lists_published_articles_newest_first(client):
    older = make_article("Older", days_ago=5, subtitle="Sub of older")
    newer = make_article("Newer", days_ago=1)
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("Future", days_ago=-2)
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    titles = [a.get_text() for a in soup.select(".article-card :is(h2, h3) a")]
    assert titles == ["Newer", "Older"]
    text = soup.get_text()
    assert "Sub of older" in text and older.summary in text and newer.summary in text
    assert older.published_at.strftime("%Y") in text


def test_home_is_paginated(client, settings):
    for days in range(12):
        make_article(f"Article aged {days}", days_ago=days + 1, render=False)
    first = BeautifulSoup(client.get("/").content, "html.parser")
    second = BeautifulSoup(client.get("/?page=2").content, "html.parser")
    assert len(first.select(".article-card")) == 10
    assert [a.get_text() for a in second.select(".article-card :is(h2, h3) a")] == [
        "Article aged 10",
        "Article aged 11",
    ]
    assert client.get("/?page=99").status_code == 404


def test_previous_and_next_for_oldest_middle_and_newest(client):
    oldest = make_article("Oldest", days_ago=3)
    middle = make_article("Middle", days_ago=2)
    newest = make_article("Newest", days_ago=1)
    assert nav_titles(client, oldest) == (None, "Middle")
    assert nav_titles(client, middle) == ("Oldest", "Newest")
    assert nav_titles(client, newest) == ("Middle", None)


def test_neighbours_skip_drafts_and_future_articles(client):
    first = make_article("First", days_ago=4)
    make_article("Draft between", days_ago=3, status=Article.Status.DRAFT)
    second = make_article("Second", days_ago=2)
    make_article("Scheduled", days_ago=-1)
    assert nav_titles(client, first) == (None, "Second")
    assert nav_titles(client, second) == ("First", None)


def test_equal_publication_times_are_ordered_by_creation(client):
    moment = timezone.now() - datetime.timedelta(hours=1)
    a = make_article("A", published_at=moment)
    b = make_article("B", published_at=moment)
    c = make_article("C", published_at=moment)
    assert nav_titles(client, a) == (None, "B")
    assert nav_titles(client, b) == ("A", "C")
    assert nav_titles(client, c) == ("B", None)


def test_draft_and_future_articles_are_404_for_the_public(client):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    future = make_article("Future", days_ago=-1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404


def test_staff_see_a_draft_with_a_banner_never_cached(staff_client):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public" in response.content.decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_staff_see_a_scheduled_article_marked_as_not_yet_public(staff_client):
    future = make_article("Future", days_ago=-1)
    response = staff_client.get(future.get_absolute_url())
    assert "Scheduled — not public until" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_published_article_is_publicly_cacheable(client):
    article = make_article("Public")
    response = client.get(article.get_absolute_url())
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_an_article_address_trimmed_to_articles_leads_to_the_list(client):
    response = client.get("/articles/")
    assert (response.status_code, response["Location"]) == (301, "/")


def test_unknown_slug_is_a_404_in_the_sites_look(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We can’t find that page" in body
    assert 'class="site-header"' in body and "/static/css/site.css" in body


def test_section_headings_have_unique_anchors(client):
    headings = ["Same", "Same", "References", "Word count", "Ref ranges", "Cite as", "Term 1", "Card games"]
    article = make_article(sections=[(heading, "Text.") for heading in headings])
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    ids = [h["id"] for h in soup.select(".article-section h2")]
    # A heading beginning like the ids of citations or glossary words takes another (it hung the save).
    assert ids == [
        "same",
        "same-2",
        "references-2",
        "section-word-count",
        "section-ref-ranges",
        "section-cite-as",
        "section-term-1",
        "section-card-games",
    ]
    all_ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(set(all_ids)) == len(all_ids)


def _article_with(count):
    """An article with `count` of everything a page shows: sections, key points, citations, authors, topics..."""
    refs = [make_reference(authors=(f"Author{count}x{n}",), year=2000 + n) for n in range(count)]
    sections = [(f"Section {n}", f"Text citing (Author{count}x{n}, {2000 + n}).") for n in range(count)]
    key_points = [f"Point {n}" for n in range(count)]
    authors = [make_practitioner(f"Author {count}-{n}") for n in range(count)]
    article = make_article(sections=sections, key_points=key_points, authors=authors)
    article.topics.set(
        [Topic.objects.create(name=f"Topic {count}-{n}", slug=f"topic-{count}-{n}") for n in range(count)]
    )
    article.further_reading.set([make_reference(key=f"further{count}x{n}") for n in range(count)])
    related = make_article(f"Related to {count}")
    related.topics.set(article.topics.all())
    assert article.references.count() == len(refs)
    return article


def test_article_page_query_count_does_not_grow_with_content(client):
    small, large = _article_with(3), _article_with(30)
    ClinicDetails.current()  # the frame's clinic record: read once into the shared cache, not per page
    counts = []
    for article in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select("#references ~ .reference-list li")) == 30
    assert len(soup.select("#further-reading ~ .reference-list li")) == 30


def test_favicon_ico_sends_browsers_to_the_site_icon(client):
    """Pages without an icon link (the admin's) make browsers ask for /favicon.ico: no 404 in their console."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
