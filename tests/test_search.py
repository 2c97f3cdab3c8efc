"""Search at /search/: finds words anywhere in an article, ranks titles first, highlights safely, never fails."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from articles.models import Article
from search.queries import (
    HEADLINE_OPENING,
    MAX_QUERY_LENGTH,
    clean_query,
    marked_headline,
    search_articles,
    simple_snippet,
)
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    '"',
    '"unclosed quote',
    "&&",
    "'",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%",
    "%_%",
    "-",
    "- -",
    "!",
    "(",
    "a | b & !c",
    "tendon:*",
    "Ödem Fußschmerz 膝の痛み 🦶",
    "heel\x00pain",
    "\x00",
    "\\",
    "x" * 5000,
    "knee " * 300,
]


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [a.get_text() for a in soup.select(".search-results h2 a")]


def test_finds_a_word_that_appears_only_in_a_section_body(client):
    article = make_article("Looking after your feet", sections=[("Heading", "The plantar fascia stiffens overnight.")])
    make_article("Something else", sections=[("Heading", "Nothing relevant.")])
    assert "fascia" in Article.objects.get(pk=article.pk).search_document
    _, soup = results(client, "fascia")
    assert titles(soup) == ["Looking after your feet"]


def test_searches_titles_subtitles_and_summaries(client):
    make_article("Achilles tendon care")
    make_article("Second", subtitle="What a bunion is")
    make_article("Third", summary="Why arches fall.")
    assert titles(results(client, "achilles")[1]) == ["Achilles tendon care"]
    assert titles(results(client, "bunion")[1]) == ["Second"]
    assert titles(results(client, "arches")[1]) == ["Third"]


def test_every_word_must_match(client):
    make_article("Knee pain on stairs")
    make_article("Knee strength", sections=[("S", "Squats help.")])
    assert titles(results(client, "knee stairs")[1]) == ["Knee pain on stairs"]


def test_a_title_match_ranks_first(client):
    make_article("Running and recovery", days_ago=1, sections=[("S", "Sore calves after calves after calves.")])
    make_article("Calves explained", days_ago=30, sections=[("S", "Muscles at the back of the leg.")])
    assert titles(results(client, "calves")[1]) == ["Calves explained", "Running and recovery"]


def test_matches_are_highlighted_in_a_snippet(client):
    make_article("Morning pain", sections=[("Why", "The plantar fascia stiffens overnight, so first steps hurt.")])
    _, soup = results(client, "fascia")
    marks = [mark.get_text().lower() for mark in soup.select(".search-snippet mark")]
    assert marks == ["fascia"]
    assert "first steps hurt" in soup.select_one(".search-snippet").get_text()


def test_a_word_far_into_a_long_article_is_highlighted_where_it_stands(client):
    """PostgreSQL's snippet comes from the article's opening when the word is there, else from the whole text."""
    filler = "Walking uses the muscles of the legs every day. " * 60  # ~2,900 characters before the word
    make_article("A long read", sections=[("S", filler + "Late in the text, the plantar fascia stiffens overnight.")])
    _, soup = results(client, "fascia")
    snippet = soup.select_one(".search-snippet")
    assert [mark.get_text().lower() for mark in snippet.select("mark")] == ["fascia"]
    assert "stiffens overnight" in snippet.get_text()


def test_a_word_at_the_end_of_the_opening_keeps_the_words_after_it(client):
    """The opening a snippet is cut from (search.queries.HEADLINE_OPENING) does not end the snippet."""
    article = make_article("Morning pain")
    sentence = "the plantar fascia stiffens overnight, so first steps hurt."
    before = HEADLINE_OPENING[0] - len(article.summary) - len("\n") - len("the plantar fascia")  # it ends the opening
    Article.objects.filter(pk=article.pk).update(
        search_document="step " * (before // 5) + " " * (before % 5) + sentence
    )
    snippet = results(client, "fascia")[1].select_one(".search-snippet")
    assert [mark.get_text().lower() for mark in snippet.select("mark")] == ["fascia"]
    assert "fascia stiffens overnight, so first steps hurt" in snippet.get_text()


def test_the_snippet_cannot_inject_html(client):
    article = make_article("Tendon myths")
    # Plain text can hold markup-like characters (e.g. from a code span): it must come out as text.
    Article.objects.filter(pk=article.pk).update(
        search_document="Tendon <script>alert(1)</script> <img src=x onerror=alert(2)> tendon & more"
    )
    response, soup = results(client, "tendon")
    snippet = soup.select_one(".search-snippet")
    assert not snippet.select("script, img")
    assert "alert(1)" in snippet.get_text()  # PostgreSQL's headline drops tag-like words; SQLite keeps them as text
    assert b"<script>alert(1)" not in response.content


def test_drafts_and_future_articles_are_never_found(client):
    make_article("Heel pain now")
    make_article("Heel pain draft", status=Article.Status.DRAFT)
    make_article("Heel pain later", days_ago=-2)
    make_article("Heel pain archived", status=Article.Status.ARCHIVED)
    assert titles(results(client, "heel")[1]) == ["Heel pain now"]


def test_empty_query_shows_a_friendly_prompt(client):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        assert "Type a word or two" in soup.get_text()
        assert not soup.select(".search-results")


def test_no_results_says_so_and_suggests_what_to_do(client):
    make_article("Knee pain")
    _, soup = results(client, "zebra")
    assert "No articles match" in soup.get_text() and soup.select_one("a[href='/topics/']")


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_get_a_friendly_page(client, query):
    make_article("Knee pain", sections=[("S", "Heel pain and tendon care, 50% of people.")])
    response, soup = results(client, query)
    assert soup.select_one("h1").get_text() == "Search articles"
    assert b"<script>alert(1)</script>" not in response.content


def test_a_very_long_query_is_shortened_politely(client):
    make_article("Knee pain")
    response, soup = results(client, "knee " + "a" * 300)
    assert "first 200 characters" in soup.select_one(".banner").get_text()
    assert len(soup.select_one("#search-page-q")["value"]) <= MAX_QUERY_LENGTH


def test_clean_query_removes_control_characters_and_cuts_at_a_word():
    assert clean_query("heel\x00pain\t\n now ") == ("heel pain now", "")
    query, notice = clean_query("word " * 100)
    assert len(query) <= MAX_QUERY_LENGTH and query.endswith("word") and notice


def test_headline_markers_become_marks_and_everything_else_is_escaped():
    html = marked_headline("a <b> \ue000knee\ue001 & \ue001stray\ue000 \ue000open")
    assert html == "a &lt;b&gt; <mark>knee</mark> &amp; stray open"


def test_simple_snippet_centres_on_the_first_match():
    text = "Filler words. " * 40 + "The Achilles tendon matters. " + "More words. " * 40
    snippet = simple_snippet(text, ["achilles"])
    assert "<mark>Achilles</mark>" in snippet and snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 300


def test_results_are_paginated_and_keep_the_query(client):
    for days in range(12):
        make_article(f"Gait note {days}", days_ago=days + 1, render=False)
    _, first = results(client, "gait")
    _, second = results(client, "gait", page=2)
    assert len(first.select(".search-results li")) == 10 and len(second.select(".search-results li")) == 2
    assert "12 articles match" in first.get_text()
    assert first.select_one("a[rel=next]")["href"] == "?q=gait&page=2"
    for page in ("99", "abc", "-1", "0"):
        assert client.get("/search/", {"q": "gait", "page": page}).status_code == 200


def test_search_page_is_not_indexed(client):
    _, soup = results(client, "knee")
    assert soup.select_one("meta[name=robots]")["content"] == "noindex"


def test_every_page_has_a_labelled_search_form_in_the_header(client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    form = soup.select_one(".site-header form[role=search]")  # on every page but the search page itself
    assert form["action"] == "/search/" and form.get("method", "get").lower() == "get"
    field = form.select_one("input[name=q]")
    assert soup.select_one(f"label[for={field['id']}]").get_text(strip=True)


def test_same_context_on_either_database(client):
    make_article("Knee pain")
    response = client.get("/search/", {"q": "knee"})
    for key in ("query", "notice", "page_obj", "paginator", "results", "result_count"):
        assert key in response.context
    assert response.context["result_count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search index exists on PostgreSQL only")
def test_postgresql_search_uses_the_gin_index():
    """The vector the query ranks by is the stored, indexed one (articles/migrations/0014)."""
    when = timezone.now() - datetime.timedelta(days=1)
    Article.objects.bulk_create(
        Article(title=f"Walking {n}", slug=f"walking-{n}", summary="About walking.", status="published",
                published_at=when, search_document="Steps and strides. " * 20)
        for n in range(300)
    )  # fmt: skip
    make_article("Knee pain")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    plan = search_articles("knee").queryset.explain()
    assert "article_search_vector_gin" in plan
    assert "to_tsvector" not in plan  # ranked by the stored vector, not one worked out again per article


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored search vector exists on PostgreSQL only")
def test_the_stored_search_vector_follows_every_write(client):
    """PostgreSQL computes the column, so a write that bypasses save() is searchable at once too."""
    article = make_article("Knee pain", summary="What helps.")
    Article.objects.filter(pk=article.pk).update(title="Bunions and wide shoes")
    assert titles(results(client, "bunions")[1]) == ["Bunions and wide shoes"]
    assert titles(results(client, "knee")[1]) == []


def test_the_search_page_has_one_search_form_with_the_query_in_it(client):
    _, soup = results(client, "heel pain")
    forms = soup.select("form[role=search]")
    assert len(forms) == 1 and forms[0].select_one("input[name=q]")["value"] == "heel pain"


def test_a_plural_finds_the_singular(client):
    make_article("Knee pain explained", sections=[("S", "About the knee.")])
    soup = BeautifulSoup(client.get("/search/?q=knees").content, "html.parser")
    assert [a.get_text() for a in soup.select(".search-results h2 a")] == ["Knee pain explained"]


def test_timeline_charts_stay_out_of_search_snippets():
    article = make_article(sections=[("S", "Before.\n\n```timeline\nTendon remodelling | 8–12 weeks\n```\n\nAfter.")])
    assert "Tendon remodelling" not in article.search_document
    assert "Before." in article.search_document and "After." in article.search_document


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares the two backends on PostgreSQL")
@pytest.mark.parametrize("word", ["knee", "tendon", "compensation", "Neumann"])
def test_both_backends_find_the_same_articles_for_a_single_word(demo_content, word):
    """The simpler SQLite search runs on PostgreSQL too: for a plain word both find the same articles."""
    from search.queries import _postgres_search, _simple_search

    full_text = {a.slug for a in _postgres_search(word)[0:50]}
    simple = {a.slug for a in _simple_search(word)[0:50]}
    assert full_text == simple and full_text


@pytest.fixture
def fasciitis(db):
    """One article with the phrase, in a list; one with both words apart; one with neither."""
    phrase = make_article(
        "Heel pain in the morning",
        sections=[
            (
                "Plantar fasciitis explained",
                "The usual causes:\n\n- plantar fasciitis\n- a stiff calf\n\nIt settles with time.",
            ),
        ],
    )
    apart = make_article(
        "Foot anatomy", sections=[("Parts", "The plantar fascia is a band. Fasciitis means inflamed.")]
    )
    make_article("Knee pain", sections=[("Knees", "Nothing about feet.")])
    return phrase, apart


def test_a_quoted_phrase_finds_the_words_together_and_bare_words_find_both(client, fasciitis):
    phrase, apart = fasciitis
    assert titles(results(client, '"plantar fasciitis"')[1]) == [phrase.title]
    assert titles(results(client, "“plantar fasciitis”")[1]) == [phrase.title]
    assert sorted(titles(results(client, "plantar fasciitis")[1])) == sorted([phrase.title, apart.title])


def test_snippets_read_as_text_without_headings_and_with_list_items_apart(client, fasciitis):
    soup = BeautifulSoup(client.get("/search/", {"q": '"plantar fasciitis"'}).content, "html.parser")
    snippet = soup.select_one(".search-snippet").get_text()
    assert "Plantar fasciitis explained" not in snippet  # the heading
    assert "plantar fasciitis · a stiff calf · It settles with time" in snippet
