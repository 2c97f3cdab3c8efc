"""The seed article, as loaded by `make run`, against the client's original text."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.factories import GAIT_URL

pytestmark = pytest.mark.django_db


def seed_parts(seed_text):
    """(content lines in order, reference lines) of the seed, bullets unwrapped."""
    lines = [line.strip().lstrip("•").strip() for line in seed_text.splitlines()]
    lines = [line for line in lines if line]
    references_at = lines.index("References")
    previous_at = lines.index("Previous")
    return lines[:references_at], lines[references_at + 1 : previous_at]


def article_blocks(soup):
    """Headings, paragraphs, list items and quotes of the article body, in page order."""
    selector = (
        "article h1, article .subtitle, article .intro p, article .key-points h2, article .key-points li, "
        "article .article-section h2, article .article-section p, article .article-section li"
    )
    return [" ".join(element.get_text().split()) for element in soup.select(selector)]


@pytest.fixture
def page(client, demo_content):
    response = client.get(GAIT_URL)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    # The full references beside each citation, and the explanations beside glossary words, only show on
    # hover or focus; read the text as it stands.
    for card in soup.select(".cite-card, .term-card"):
        card.decompose()
    return soup


def test_every_heading_paragraph_list_item_and_quote_in_order(page, seed_text):
    content, _ = seed_parts(seed_text)
    assert article_blocks(page) == content


def test_pull_quotes_are_marked_up_as_quotes(page):
    quotes = [" ".join(q.get_text().split()) for q in page.select("article blockquote")]
    assert quotes == [
        "Pain relief without movement change is usually temporary.",
        "The knee is rarely the original problem — it is often the messenger (Standring, 2021).",
    ]


def test_eight_sections_each_with_an_anchor(page):
    headings = page.select("article .article-section h2")
    assert len(headings) == 8
    assert all(h.get("id") for h in headings)
    assert len({h["id"] for h in headings}) == 8


def test_reference_list_equals_the_seed(page, seed_text):
    _, references = seed_parts(seed_text)
    entries = [" ".join(li.get_text().split()) for li in page.select(".reference-list .reference-entry")]
    assert entries == references


def test_journal_and_book_titles_are_italic(page):
    italics = {i.get_text() for i in page.select(".reference-list i")}
    assert {"Journal of Anatomy", "Sports Medicine", "Clinically Oriented Anatomy"} <= italics
    assert "Gray’s Anatomy: The Anatomical Basis of Clinical Practice" in italics


def test_every_in_text_citation_links_to_an_existing_entry(page, seed_text):
    links = page.select("a.citation")
    # Each work named inside a parenthesis with a year in the seed is one citation.
    content, _ = seed_parts(seed_text)
    groups = re.findall(r"\(([^()]*\d{4}[^()]*)\)", "\n".join(content))
    assert len(links) == sum(len(group.split(";")) for group in groups)
    for link in links:
        target = page.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.name == "li", link
    linked = {" ".join(a.get_text().split()) for a in links}
    assert {"Moore, Dalley and Agur, 2023", "Standring, 2021", "Kjaer et al., 2009", "StatPearls, 2024"} <= linked


def test_previous_and_next_read_as_in_the_seed(page):
    previous = page.select_one("a[rel=prev] .article-nav-title").get_text()
    following = page.select_one("a[rel=next] .article-nav-title").get_text()
    assert previous == "Rebuilding Injured Tendons: Why Rest Isn’t Enough (and What Actually Works)"
    assert following == "Meet Riccardo Galeotti"
