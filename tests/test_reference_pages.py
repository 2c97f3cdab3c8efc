"""The public library: /references/ and /references/<key>/."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Article
from tests.factories import make_article, make_reference, shown_publicly

pytestmark = pytest.mark.django_db


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_library_page_lists_every_reference_alphabetically_in_harvard_style(client):
    shown_publicly(
        make_reference(key="young", authors=("Young",), year=2001, title="Later"),
        make_reference(key="adams", authors=("Adams",), year=2010, title="First"),
    )
    soup = soup_of(client, "/references/")
    entries = soup.select(".reference-list li")
    assert [li["id"] for li in entries] == ["ref-adams", "ref-young"]
    assert entries[0].get_text().startswith("Adams, A. (2010) ‘First’, Journal of Tests")
    assert entries[0].select_one("a.more")["href"] == "/references/adams/"


def test_reference_page_links_doi_and_lists_only_published_citing_articles(client):
    reference = make_reference(key="kjaer2009", authors=("Kjaer",), year=2009, doi="10.1111/j.1600-0838.2009.00986.x")
    make_article("Published citing", sections=[("S", "[@kjaer2009]")])
    make_article("Draft citing", status=Article.Status.DRAFT, sections=[("S", "[@kjaer2009]")])
    make_article("Future citing", days_ago=-3, sections=[("S", "[@kjaer2009]")])
    soup = soup_of(client, reference.get_absolute_url())
    assert soup.h1.get_text() == reference.title
    assert soup.select_one('a[href="https://doi.org/10.1111/j.1600-0838.2009.00986.x"]')
    titles = [a.get_text() for a in soup.select("main ul a")]
    assert titles == ["Published citing"]


def test_reference_page_links_url_when_there_is_no_doi(client):
    reference = shown_publicly(
        make_reference(key="nhs", kind="webpage", url="https://www.nhs.uk/conditions/foot-pain/")
    )
    assert soup_of(client, reference.get_absolute_url()).select_one(
        'a[href="https://www.nhs.uk/conditions/foot-pain/"]'
    )


def test_unknown_reference_is_404(client):
    assert client.get("/references/nosuch/").status_code == 404


def test_reference_fields_are_escaped_on_the_public_pages(client):
    reference = shown_publicly(make_reference(key="evil", title="<script>alert(1)</script>"))
    for url in ("/references/", reference.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_public_library_holds_only_works_published_articles_show(client):
    make_reference(key="cited", title="Cited by a published article")
    listed = make_reference(key="listed", title="Further reading of a published article")
    drafts_only = make_reference(key="drafts-only", title="Cited by a draft and a scheduled article only")
    unused = make_reference(key="unused", title="Cited by nothing")
    make_article("Published", sections=[("S", "[@cited]")]).further_reading.add(listed)
    make_article("Draft", status=Article.Status.DRAFT, sections=[("S", "[@drafts-only]")])
    make_article("Scheduled", days_ago=-3, sections=[("S", "[@drafts-only]")])
    keys = [li["id"].removeprefix("ref-") for li in soup_of(client, "/references/").select(".reference-list li")]
    assert sorted(keys) == ["cited", "listed"]
    for hidden in (drafts_only, unused):
        assert client.get(hidden.get_absolute_url()).status_code == 404
    exported = client.get("/references/export/library.json").json()
    assert sorted(item["id"] for item in exported) == ["cited", "listed"]
