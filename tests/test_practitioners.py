"""The team page, practitioner profiles, the article byline, and the practitioners' admin."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from practitioners.models import Practitioner
from tests.factories import make_article, make_practitioner
from tests.helpers import stored_files, stored_image

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/practitioners/practitioner/add/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(tag):
    return " ".join(tag.get_text().split())


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def png(size=(60, 80), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, image_format)
    return buffer.getvalue()


# --- The team page and profiles ----------------------------------------------------------------------------------


def test_team_page_lists_practitioners_in_order_with_credentials_and_role(client):
    second = make_practitioner("Sam Lee", credentials="BSc, Podiatrist", role="Podiatrist", position=2)
    first = make_practitioner("Ana Ruiz", credentials="MSc, Physiotherapist", role="Clinical lead", position=1)
    soup = page(client, "/practitioners/")
    cards = soup.select(".team-card")
    assert [text(card.h2) for card in cards] == ["Ana Ruiz", "Sam Lee"]
    assert cards[0].h2.a["href"] == first.get_absolute_url() == "/practitioners/" + first.slug + "/"
    assert "MSc, Physiotherapist" in text(cards[0]) and "Clinical lead" in text(cards[0])
    assert "BSc, Podiatrist" in text(cards[1]) and second.role in text(cards[1])
    assert not soup.select("main img")  # no photos, no empty <img>


def test_team_page_without_practitioners_says_so(client):
    assert "introduced here soon" in text(page(client, "/practitioners/").main)


def test_header_links_to_the_team_page(client):
    nav = page(client, "/").select_one("header nav")
    assert [a["href"] for a in nav.select("a") if text(a) == "Practitioners"] == ["/practitioners/"]


def test_profile_shows_bio_and_only_published_articles(client):
    alex = make_practitioner("Alex Morgan", credentials="PhD", role="Gait specialist", bio="First line.\n\nSecond <b>.")
    other = make_practitioner("Other Person")
    older = make_article("Older article", days_ago=5, authors=[alex])
    newer = make_article("Newer article", days_ago=1, authors=[other, alex])
    make_article("Draft article", status=Article.Status.DRAFT, authors=[alex])
    make_article("Future article", days_ago=-3, authors=[alex])
    make_article("Archived article", status=Article.Status.ARCHIVED, authors=[alex])
    make_article("Someone else's", authors=[other])

    soup = page(client, alex.get_absolute_url())
    assert text(soup.h1) == "Alex Morgan"
    assert "PhD" in text(soup.select_one(".profile-header")) and "Gait specialist" in text(soup.main)
    assert [text(p) for p in soup.select(".bio p")] == ["First line.", "Second <b>."]  # plain text, escaped
    titles = [text(a) for a in soup.select(".article-card h3 a")]
    assert titles == ["Newer article", "Older article"]
    assert soup.select_one(".article-card a")["href"] == newer.get_absolute_url()
    assert older.summary in text(soup.main)


def test_profile_without_published_articles_has_no_article_section(client):
    alex = make_practitioner()
    make_article("Draft article", status=Article.Status.DRAFT, authors=[alex])
    soup = page(client, alex.get_absolute_url())
    assert not soup.select("#articles-by") and "Draft article" not in soup.get_text()


def test_unknown_practitioner_is_404(client):
    make_practitioner(slug="alex-morgan")
    assert client.get("/practitioners/nobody/").status_code == 404
    assert client.get("/practitioners/alex-morgan/").status_code == 200


# --- The byline on the article page ------------------------------------------------------------------------------


def test_byline_names_authors_in_order_reviewer_and_review_dates(client):
    today = timezone.localdate()
    last, due = today - datetime.timedelta(days=30), today + datetime.timedelta(days=335)
    ana = make_practitioner("Ana Ruiz", credentials="MSc, Physiotherapist")
    sam = make_practitioner("Sam Lee", credentials="")
    kim = make_practitioner("Kim Ode", credentials="FRCS (Orth)")
    article = make_article(authors=[sam, ana], reviewed_by=kim, last_reviewed=last, next_review_due=due)

    byline = page(client, article.get_absolute_url()).select_one(".article-header .byline")
    assert text(byline.select_one(".byline-authors")) == "By Sam Lee and Ana Ruiz, MSc, Physiotherapist"
    assert [a["href"] for a in byline.select(".byline-authors a")] == [sam.get_absolute_url(), ana.get_absolute_url()]
    assert text(byline.select_one(".byline-reviewer")) == "Clinically reviewed by Kim Ode, FRCS (Orth)"
    assert byline.select_one(".byline-reviewer a")["href"] == kim.get_absolute_url()
    dates = byline.select_one(".byline-review-dates")
    assert text(dates) == f"Last reviewed: {long_date(last)} · Next review due: {long_date(due)}"
    assert [t["datetime"] for t in dates.select("time")] == [last.isoformat(), due.isoformat()]


def test_byline_with_three_authors_keeps_credentials_apart(client):
    authors = [make_practitioner(name, credentials="MSc") for name in ("Ana Ruiz", "Sam Lee", "Kim Ode")]
    byline = page(client, make_article(authors=authors).get_absolute_url()).select_one(".byline-authors")
    assert text(byline) == "By Ana Ruiz, MSc; Sam Lee, MSc and Kim Ode, MSc"


def test_byline_renders_only_the_parts_an_article_has(client):
    due = timezone.localdate() + datetime.timedelta(days=90)
    soup = page(client, make_article(next_review_due=due).get_absolute_url())
    assert not soup.select(".byline-authors") and not soup.select(".byline-reviewer")
    assert text(soup.select_one(".byline-review-dates")) == f"Next review due: {long_date(due)}"
    assert "Last reviewed" not in soup.get_text() and "·" not in text(soup.select_one(".byline"))

    assert not page(client, make_article().get_absolute_url()).select(".byline")


# --- The admin ---------------------------------------------------------------------------------------------------


def practitioner_data(**fields):
    return {"name": "Alex Morgan", "slug": "alex-morgan", "credentials": "MSc", "role": "", "position": "0", **fields}


def test_admin_lists_and_searches_practitioners(admin_client):
    make_practitioner("Ana Ruiz", role="Clinical lead")
    make_practitioner("Sam Lee", role="Podiatrist")
    listing = admin_client.get("/admin/practitioners/practitioner/?q=podiatrist").content.decode()
    assert "Sam Lee" in listing and "Ana Ruiz" not in listing
    form = BeautifulSoup(admin_client.get(ADD_URL).content, "html.parser")
    assert form.select_one("#id_slug") and form.select_one("#id_photo_alt")


def test_admin_refuses_a_photo_without_alt_text_and_saves_nothing(media_storage, admin_client):
    photo = SimpleUploadedFile("alex.png", png(), content_type="image/png")
    response = admin_client.post(ADD_URL, practitioner_data(photo=photo, photo_alt="  "))
    assert response.status_code == 200
    assert "alt text is required with a photo" in response.content.decode()
    assert not Practitioner.objects.exists()
    assert stored_files("practitioners") == []


def test_admin_saves_a_photo_with_alt_text_and_makes_its_renditions(media_storage, admin_client):
    photo = SimpleUploadedFile("alex.jpg", png((1000, 1200), "JPEG"), content_type="image/jpeg")
    response = admin_client.post(ADD_URL, practitioner_data(photo=photo, photo_alt="Alex, smiling, in the clinic"))
    assert response.status_code == 302
    alex = Practitioner.objects.get(slug="alex-morgan")
    assert alex.photo.name.startswith("practitioners/") and alex.photo_alt == "Alex, smiling, in the clinic"
    assert stored_files("practitioners") == [alex.photo.name] and stored_image(alex.photo.name).size == (1000, 1200)
    made = sorted(stored_image(name).width for name in stored_files("renditions"))
    assert made == [480, 800]


def test_admin_refuses_a_photo_that_is_not_png_or_jpeg(media_storage, admin_client):
    photo = SimpleUploadedFile("alex.gif", png(image_format="GIF"), content_type="image/gif")
    response = admin_client.post(ADD_URL, practitioner_data(photo=photo, photo_alt="Alex"))
    assert (
        response.status_code == 200 and "Photo: this is a GIF image; upload a PNG or JPEG." in response.content.decode()
    )
    assert not Practitioner.objects.exists() and stored_files("practitioners") == []


def test_a_practitioner_without_a_photo_needs_no_alt_text(admin_client):
    assert admin_client.post(ADD_URL, practitioner_data()).status_code == 302
    assert Practitioner.objects.get().slug == "alex-morgan"


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", password="pw"))
    return client


def test_profile_lists_the_articles_ten_to_a_page_newest_first(client, settings):
    alex = make_practitioner("Alex Morgan")
    per_page = settings.ARTICLES_PER_PAGE
    for n in range(per_page + 1):
        make_article(f"Article {n}", days_ago=n + 1, authors=[alex])  # Article 0 is the newest

    first = page(client, alex.get_absolute_url())
    assert [text(a) for a in first.select(".article-card h3 a")] == [f"Article {n}" for n in range(per_page)]
    pages_nav = first.select_one("nav.pagination")
    assert pages_nav["aria-label"] == "Pages of articles by this practitioner"
    assert [(text(a), a["href"]) for a in pages_nav.select("a")] == [("Older articles", "?page=2")]
    assert "Page 1 of 2" in text(pages_nav)

    second = page(client, alex.get_absolute_url() + "?page=2")
    assert [text(a) for a in second.select(".article-card h3 a")] == [f"Article {per_page}"]
    assert [(text(a), a["href"]) for a in second.select("nav.pagination a")] == [("Newer articles", "?page=1")]
    assert client.get(alex.get_absolute_url() + "?page=3").status_code == 404  # as a topic's page 99 is
