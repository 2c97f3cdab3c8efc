"""Feeds, sitemap, robots.txt, canonical links, Open Graph and schema.org JSON-LD."""

import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from PIL import Image

from articles.feeds import AtomFeed, RssFeed
from articles.models import Article
from articles.structured_data import json_ld_script
from content.xmltext import FORBIDDEN_IN_XML, typed_text, xml_text
from practitioners.models import Practitioner
from references.models import Reference
from tests.factories import make_article, make_practitioner, make_reference
from tests.helpers import admin_form_data
from topics.models import Topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def mixed_articles():
    """A published article, a draft and a scheduled one, all in one topic."""
    topic = Topic.objects.create(name="Knee", slug="knee")
    published = make_article("Published piece", days_ago=2)
    draft = make_article("Draft piece", status=Article.Status.DRAFT)
    future = make_article("Future piece", days_ago=-2)
    for article in (published, draft, future):
        article.topics.add(topic)
    return published, draft, future


def parse_xml(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(soup, key):
    tag = soup.select_one(f'meta[property="{key}"]') or soup.select_one(f'meta[name="{key}"]')
    return tag["content"] if tag else None


def json_ld(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


# Feeds -----------------------------------------------------------------------------------------


def test_rss_feed_lists_published_articles_only(client, mixed_articles):
    published, _, _ = mixed_articles
    make_article("Older piece", days_ago=9)
    response = client.get("/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Published piece", "Older piece"]
    assert items[0].findtext("link") == "http://testserver" + published.get_absolute_url()
    assert items[0].findtext("description") == published.summary
    assert [c.text for c in items[0].findall("category")] == ["Knee"]


def test_atom_feed_lists_published_articles_only(client, mixed_articles):
    published, _, _ = mixed_articles
    author = make_practitioner("Sam Lee")
    written = make_article("Written piece", days_ago=1, authors=[author])
    feed = parse_xml(client.get("/feeds/atom/"))
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Written piece", "Published piece"]
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Sam Lee"
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver" + written.get_absolute_url()
    assert entries[0].findtext(f"{ATOM}updated")


def test_every_page_links_both_feeds(client):
    soup = head(client, "/")
    links = {link["type"]: link["href"] for link in soup.select('link[rel="alternate"]')}
    assert links == {"application/rss+xml": "/feeds/rss/", "application/atom+xml": "/feeds/atom/"}


# Sitemap and robots.txt ---------------------------------------------------------------------------


def test_sitemap_lists_public_pages_and_no_drafts_or_future_articles(client, mixed_articles):
    published, draft, future = mixed_articles
    Topic.objects.create(name="Empty", slug="empty")
    practitioner = make_practitioner("Sam Lee")
    reference, drafts_only, uncited = make_reference(), make_reference(), make_reference()
    published.further_reading.add(reference)
    draft.further_reading.add(drafts_only)
    future.further_reading.add(drafts_only)
    root = parse_xml(client.get("/sitemap.xml"))
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")}
    base = "http://testserver"
    assert base + published.get_absolute_url() in locations
    assert base + draft.get_absolute_url() not in locations and base + future.get_absolute_url() not in locations
    assert {
        base + "/",
        base + "/topics/",
        base + "/topics/knee/",
        base + "/references/",
        base + "/contact/",
    } <= locations
    assert base + "/topics/empty/" not in locations  # nothing to read there yet
    assert base + reference.get_absolute_url() in locations
    assert base + drafts_only.get_absolute_url() not in locations and base + uncited.get_absolute_url() not in locations
    assert base + practitioner.get_absolute_url() in locations
    lastmods = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}
    assert lastmods[base + published.get_absolute_url()] == published.updated_at.date().isoformat()


def test_robots_txt_allows_all_but_the_admin_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any(line == "Disallow: /" for line in lines)


# Canonical links and Open Graph --------------------------------------------------------------------


def test_every_page_has_an_absolute_canonical_link_without_tracking_parameters(client):
    Topic.objects.create(name="Knee", slug="knee")
    for days in range(12):
        make_article(f"A {days}", days_ago=days + 1, render=False)
    assert (
        head(client, "/topics/?utm_source=x").select_one('link[rel="canonical"]')["href"] == "http://testserver/topics/"
    )
    assert head(client, "/topics/knee/").select_one('link[rel="canonical"]')["href"] == "http://testserver/topics/knee/"
    paged = head(client, "/?page=2&utm_source=newsletter")
    assert paged.select_one('link[rel="canonical"]')["href"] == "http://testserver/?page=2"
    assert len(head(client, "/").select('link[rel="canonical"]')) == 1


def test_article_page_has_canonical_open_graph_and_twitter_tags(client):
    article = make_article("Knee <pain> & you", summary="Why knees ache.", days_ago=3)
    soup = head(client, article.get_absolute_url())
    url = "http://testserver" + article.get_absolute_url()
    assert [link["href"] for link in soup.select('link[rel="canonical"]')] == [url]
    assert meta(soup, "description") == "Why knees ache."
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == "Knee <pain> & you"
    assert meta(soup, "og:description") == "Why knees ache."
    assert meta(soup, "og:url") == url
    assert meta(soup, "og:site_name") == "The Body Lab"
    published = datetime.datetime.fromisoformat(meta(soup, "article:published_time"))
    assert abs(published - article.published_at) < datetime.timedelta(seconds=1)
    assert datetime.datetime.fromisoformat(meta(soup, "article:modified_time"))
    assert meta(soup, "og:image") is None
    assert meta(soup, "twitter:card") == "summary"
    assert meta(soup, "twitter:title") is None  # X reads og:title: the same text once, not twice


def test_featured_image_becomes_the_sharing_image_with_its_alt_text(client):
    article = make_article("With a picture", featured_image_alt="A runner's knee, side view")
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(buffer, "PNG")
    article.featured_image.save("knee.png", ContentFile(buffer.getvalue()))
    soup = head(client, article.get_absolute_url())
    assert meta(soup, "og:image") == "http://testserver" + article.featured_image.url
    assert meta(soup, "og:image:alt") == "A runner's knee, side view"
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert json_ld(client, article)["image"]["url"] == "http://testserver" + article.featured_image.url


# Structured data ---------------------------------------------------------------------------------------


def test_json_ld_describes_the_article_its_authors_citations_and_review(client):
    author = make_practitioner("Sam Lee", credentials="MSc, Physiotherapist", role="Clinical lead")
    reviewer = make_practitioner("Dr Ana Ruiz", credentials="PhD")
    neumann = make_reference(key="neumann2017", authors=("Neumann",), year=2017, title="Kinesiology", doi="10.1/abc")
    nhs = make_reference(key="nhs2020", authors=(("org", "NHS England"),), year=2020, kind="webpage", title="Feet")
    article = make_article(
        "Walking well",
        summary="Why walking helps.",
        sections=[("Why", "See [@neumann2017] and [@nhs2020].")],
        authors=[author],
        reviewed_by=reviewer,
        last_reviewed=datetime.date(2025, 3, 1),
    )
    data = json_ld(client, article)
    url = "http://testserver" + article.get_absolute_url()
    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    assert data["headline"] == "Walking well" and data["description"] == "Why walking helps." and data["url"] == url
    assert datetime.datetime.fromisoformat(data["datePublished"]).date() == article.published_at.date()
    assert datetime.datetime.fromisoformat(data["dateModified"])
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Sam Lee",
            "jobTitle": "Clinical lead",
            "honorificSuffix": "MSc, Physiotherapist",
            "url": "http://testserver" + author.get_absolute_url(),
        }
    ]
    assert data["lastReviewed"] == "2025-03-01"
    assert data["reviewedBy"]["name"] == "Dr Ana Ruiz" and data["reviewedBy"]["jobTitle"] == "PhD"
    assert data["reviewedBy"]["url"] == "http://testserver" + reviewer.get_absolute_url()
    assert data["publisher"] == {"@type": "Organization", "name": "The Body Lab", "url": "http://testserver/"}
    by_name = {work["name"]: work for work in data["citation"]}
    assert set(by_name) == {neumann.title, nhs.title}
    assert by_name["Kinesiology"]["@type"] == "ScholarlyArticle"
    assert by_name["Kinesiology"]["sameAs"] == "https://doi.org/10.1/abc"
    assert by_name["Kinesiology"]["datePublished"] == "2017"
    assert by_name["Feet"]["@type"] == "WebPage" and by_name["Feet"]["datePublished"] == "2020"


def test_json_ld_leaves_out_what_is_not_known(client):
    data = json_ld(client, make_article("Plain", sections=[("S", "No citations.")]))
    for key in ("author", "citation", "reviewedBy", "lastReviewed", "image"):
        assert key not in data


def test_json_ld_cannot_break_out_of_its_script(client):
    title = 'Knee </script><script>alert("x")</script> & <!-- pain'
    article = make_article(title, summary="</SCRIPT> in a summary")
    html = client.get(article.get_absolute_url()).content.decode()
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[len('<script type="application/ld+json">') :]
    assert json_ld(client, article)["headline"] == title
    assert (
        str(json_ld_script({"a": "</script>"}))
        == '<script type="application/ld+json">{"a":"\\u003C/script\\u003E"}</script>'
    )


def test_drafts_appear_in_no_feed_sitemap_search_or_topic_page(client, mixed_articles):
    _, draft, future = mixed_articles
    pages = [
        client.get(url).content.decode()
        for url in ("/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/search/?q=piece", "/topics/knee/", "/topics/")
    ]
    for article in (draft, future):
        for page in pages:
            assert article.title not in page and article.get_absolute_url() not in page
    assert "Published piece" in pages[3] and "1 article" in pages[5]


# Text XML 1.0 cannot carry ---------------------------------------------------------------------------

# Every character XML 1.0 forbids that a database can store (PostgreSQL refuses NUL in text), and the rest.
STORABLE_FORBIDDEN = "".join(map(chr, [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ufffe\uffff"
FORBIDDEN = "\x00" + STORABLE_FORBIDDEN + "\ud800\udfff"
ATTACK = "<img src=x onerror=alert(1)>"


def test_xml_text_removes_exactly_what_xml_forbids():
    assert xml_text(f"Knee{FORBIDDEN}pain") == "Kneepain"
    allowed = "\t\n\r é — \u007f \ud7ff \ue000 \ufffd \U0001f9b6"
    assert xml_text(allowed) == allowed
    assert xml_text(["a\x0bb", "c"]) == ["ab", "c"] and xml_text(None) is None


@pytest.fixture
def forbidden_characters_stored():
    """A published article whose every text that reaches a feed or the sitemap holds forbidden characters,
    stored as an import or the shell could (no form in the way)."""
    author = make_practitioner("Sam Lee")
    article = make_article("Plain title", days_ago=1, authors=[author])
    article.topics.add(Topic.objects.create(name="Knee", slug="knee"))
    reference = make_reference(key="smith2020")
    article.further_reading.add(reference)
    Article.objects.filter(pk=article.pk).update(
        title=f"Knee{STORABLE_FORBIDDEN}pain", summary=f"Sum{STORABLE_FORBIDDEN}mary {ATTACK}", slug="knee\x0bpain"
    )
    Practitioner.objects.filter(pk=author.pk).update(name=f"Sam{STORABLE_FORBIDDEN} Lee")
    Topic.objects.filter(slug="knee").update(name=f"Kn{STORABLE_FORBIDDEN}ee")
    Reference.objects.filter(pk=reference.pk).update(key=f"smith{STORABLE_FORBIDDEN}2020")


def test_rss_carries_no_forbidden_character_and_the_summary_as_text(client, forbidden_characters_stored):
    item = parse_xml(client.get("/feeds/rss/")).find("channel/item")
    assert item.findtext("title") == "Kneepain"
    assert item.findtext("link") == "http://testserver/articles/knee%0Bpain/"  # Django percent-encodes a feed's links
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Sam Lee"
    assert [category.text for category in item.findall("category")] == ["Knee"]
    # RSS readers read a description as HTML: the summary is sent escaped, so it shows as the text it is.
    description = item.findtext("description")
    assert description == "Summary &lt;img src=x onerror=alert(1)&gt;"
    as_html = BeautifulSoup(description, "html.parser")
    assert as_html.find() is None and as_html.get_text() == f"Summary {ATTACK}"


def test_atom_carries_no_forbidden_character_and_the_summary_as_text(client, forbidden_characters_stored):
    entry = parse_xml(client.get("/feeds/atom/")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Kneepain"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/articles/knee%0Bpain/"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Sam Lee"
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == ["Knee"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text" and summary.text == f"Summary {ATTACK}" and len(summary) == 0


def test_sitemap_carries_no_forbidden_character(client, forbidden_characters_stored):
    locations = {url.findtext(f"{SITEMAP}loc") for url in parse_xml(client.get("/sitemap.xml")).iter(f"{SITEMAP}url")}
    assert "http://testserver/articles/kneepain/" in locations
    # reverse() percent-encodes what the key holds: %01 is plain text.
    assert (
        "http://testserver/references/smith%01%02%03%04%05%06%07%08%0B%0C%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%EF%BF%BE%EF%BF%BF2020/"
        in locations
    )


@pytest.mark.parametrize("generator", [RssFeed, AtomFeed])
def test_feed_generators_drop_forbidden_characters_from_every_field(generator):
    """What no database stores (NUL, lone surrogates) cannot break a feed either, in any field."""
    dirty = f"x{FORBIDDEN}y"
    feed = generator(title=dirty, link=f"http://testserver/{dirty}", description=dirty, author_name=dirty)
    feed.add_item(
        title=dirty,
        link=f"http://testserver/{dirty}/",
        description=dirty,
        author_name=dirty,
        categories=[dirty],
        unique_id=dirty,
        pubdate=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    root = ET.fromstring(feed.writeString("utf-8"))
    texts = [text for element in root.iter() for text in (element.text, *element.attrib.values()) if text]
    assert "xy" in texts and all(not FORBIDDEN_IN_XML.search(text) for text in texts)


def test_typed_text_turns_each_run_of_forbidden_characters_into_one_space():
    assert typed_text("Walking,\x0bFoot Pain") == "Walking, Foot Pain"  # Word's manual line break
    assert typed_text(f"Knee {STORABLE_FORBIDDEN} pain\x0b") == "Knee pain"
    assert typed_text("Two\nlines\tkept") == "Two\nlines\tkept" and typed_text("") == ""


def test_titles_and_names_are_saved_without_forbidden_characters(admin_client):
    article = make_article("Plain title", authors=[make_practitioner()])
    url = f"/admin/articles/article/{article.pk}/change/"
    data = admin_form_data(admin_client.get(url).content)
    data |= {"title": ["Walking,\x0bFoot Pain"], "subtitle": ["Why\x1f it hurts"], "summary": ["Short\x0b summary."]}
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.subtitle, article.summary) == (
        "Walking, Foot Pain",
        "Why it hurts",
        "Short summary.",
    )

    response = admin_client.post("/admin/topics/topic/add/", {"name": "Flat\x0bfeet", "slug": "flat-feet"})
    assert response.status_code == 302 and Topic.objects.get(slug="flat-feet").name == "Flat feet"
    response = admin_client.post("/admin/topics/topic/add/", {"name": "\x01\x02", "slug": "nothing"})
    assert response.status_code == 200 and not Topic.objects.filter(slug="nothing").exists()
    assert BeautifulSoup(response.content, "html.parser").select_one(".field-name .errorlist").get_text() == (
        "This field is required."
    )

    practitioner = make_practitioner("Sam\x0bLee")
    practitioner.full_clean()
    assert practitioner.name == "Sam Lee"
