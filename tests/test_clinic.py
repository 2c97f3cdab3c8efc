"""The clinic as patients meet it (clinic/): its details in every page's frame, the contact page, the home
page, the end of every article, and the admin's list of what is still empty."""

import io
import json
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from articles.models import Article
from clinic.models import CACHE_KEY, ClinicDetails
from tests.conftest import login_as
from tests.factories import make_article
from topics.models import Topic

pytestmark = pytest.mark.django_db

FILLED = {
    "name": "The Body Lab",
    "description": "A foot, knee and gait clinic.",
    "street_address": "1 Example Street",
    "locality": "Exampleton",
    "postcode": "EX1 2MP",
    "phone": "01632 960 555",
    "email": "hello@example.com",
    "opening_hours": "Mo-Fr 09:00-18:00\nSa 09:00-13:00",
    "booking_url": "https://booking.example.com/",
    "map_url": "https://maps.example.com/?q=clinic",
    "social_links": "https://www.instagram.com/example",
    "logo_alt": "",
    "help_note": "Book with us if pain lasts.\n\nCall 999 in an emergency.",
}


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def form_post(**changes):
    return {**FILLED, **changes}


def test_nothing_unfinished_shows_while_the_record_is_empty(client, admin_client):
    article = make_article("Heel pain")
    page = soup(client, article.get_absolute_url())
    footer = page.select_one(".site-footer")
    assert footer.select_one(".footer-clinic").get_text(" ", strip=True) == "The Body Lab"
    assert footer.select("address") == [] and "to be added" not in page.get_text()
    assert page.select(".when-to-get-help") == []
    contact = soup(client, "/contact/")
    assert [h.get_text() for h in contact.select("main h2")] == []
    assert contact.select_one("main h1").get_text() == "Contact The Body Lab"
    data = json.loads(contact.select_one('script[type="application/ld+json"]').string)
    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": "The Body Lab",
        "url": "http://testserver/contact/",
    }
    admin_home = soup(admin_client, "/admin/")
    assert admin_home.select_one("#clinic-missing p").get_text() == (
        "Patients do not see these details because they are empty:"
    )
    assert [li.get_text() for li in admin_home.select("#clinic-missing li")] == [
        "short description", "street address", "town or city", "postcode", "telephone", "email", "opening hours",
        "booking link", "map link", "social profiles", "logo", "“When to get help” note",
    ]  # fmt: skip


def test_an_editor_fills_the_record_and_every_cached_page_shows_it(client, django_user_model, settings):
    settings.PAGE_CACHE = True
    article = make_article("Heel pain")
    pages = ["/", "/contact/", article.get_absolute_url(), "/topics/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    editor = login_as(django_user_model, "Editor")
    response = editor.post("/admin/clinic/clinicdetails/add/", form_post())
    assert response.status_code == 302, response.content.decode()
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        footer = BeautifulSoup(response.content, "html.parser").select_one(".site-footer address")
        assert (
            footer.get_text(" ", strip=True) == "1 Example Street, Exampleton, EX1 2MP 01632 960 555 hello@example.com"
        )
    # A second edit, through the change form, reaches every page again: no copy is kept per process.
    response = editor.post("/admin/clinic/clinicdetails/1/change/", form_post(phone="01632 960 999"))
    assert response.status_code == 302
    assert cache.get(CACHE_KEY) is None  # the shared copy is dropped, for every process
    for url in pages:
        assert "01632 960 999" in client.get(url).content.decode(), url


def test_the_contact_page_and_its_json_ld_read_from_the_record(client):
    ClinicDetails.objects.create(**FILLED)
    page = soup(client, "/contact/")
    assert [h.get_text() for h in page.select("main h2")] == [
        "Address", "Telephone and email", "Opening hours", "Elsewhere",
    ]  # fmt: skip
    assert [(dt.get_text(), dt.find_next("dd").get_text()) for dt in page.select(".opening-hours dt")] == [
        ("Monday to Friday", "09:00–18:00"),
        ("Saturday", "09:00–13:00"),
    ]
    assert page.select_one('main a[href="tel:01632960555"]').get_text() == "01632 960 555"
    assert page.select_one("main .booking a")["href"] == "https://booking.example.com/"
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "MedicalClinic"
    assert data["address"] == {
        "@type": "PostalAddress", "addressCountry": "GB", "streetAddress": "1 Example Street",
        "addressLocality": "Exampleton", "postalCode": "EX1 2MP",
    }  # fmt: skip
    assert data["telephone"] == "01632 960 555"
    assert data["openingHours"] == ["Mo-Fr 09:00-18:00", "Sa 09:00-13:00"]
    assert data["sameAs"] == ["https://www.instagram.com/example", "https://booking.example.com/"]
    assert data["hasMap"] == "https://maps.example.com/?q=clinic"


def test_unreadable_opening_hours_and_profiles_are_refused_naming_the_line(django_user_model):
    editor = login_as(django_user_model, "Editor")
    response = editor.post(
        "/admin/clinic/clinicdetails/add/",
        form_post(opening_hours="Mo-Fr 09:00-18:00\nweekdays 9 to 5", social_links="http://insecure.example"),
    )
    assert response.status_code == 200
    errors = [e.get_text(" ", strip=True) for e in BeautifulSoup(response.content, "html.parser").select(".errorlist")]
    assert (
        "Opening hours: cannot read line 2 (“weekdays 9 to 5”). Write one line per day or range of days, as "
        "“Mo-Fr 09:00-17:30” or “Sa 09:00-13:00” (days Mo Tu We Th Fr Sa Su, 24-hour times)." in errors
    )
    assert "Social profiles: line 1 is not an https:// address." in errors
    assert not ClinicDetails.objects.exists()


def test_an_author_cannot_change_the_record(django_user_model):
    ClinicDetails.objects.create(**FILLED)
    author = login_as(django_user_model, "Author")
    assert author.post("/admin/clinic/clinicdetails/1/change/", form_post(phone="0")).status_code == 403
    assert ClinicDetails.objects.get().phone == "01632 960 555"


def test_the_home_page_shows_the_clinic_featured_articles_topics_latest_and_how_to_book(client, django_user_model):
    ClinicDetails.objects.create(**FILLED)
    knee = Topic.objects.create(name="Knee", slug="knee")
    Topic.objects.create(name="Unused", slug="unused")  # no published article: not offered
    older = make_article("Older", days_ago=9)
    make_article("Newer", days_ago=1)
    older.topics.add(knee)
    editor = login_as(django_user_model, "Editor")
    response = editor.post("/admin/articles/article/", {"action": "feature_on_home", "_selected_action": [older.pk]})
    assert response.status_code == 302
    home = soup(client, "/")
    assert home.select_one("main h1").get_text() == "The Body Lab"
    assert home.select_one(".clinic-intro .lede").get_text() == "A foot, knee and gait clinic."
    assert [a.get_text() for a in home.select(".featured .article-card a")] == ["Older"]
    assert [a.get_text() for a in home.select(".home-topics a")] == ["Knee"]
    assert [a.get_text() for a in home.select(".latest .article-card h3 a")] == ["Newer", "Older"]
    assert home.select_one(".how-to-book").get_text(" ", strip=True) == (
        "How to book Book an appointment online or call 01632 960 555 Opening hours: Monday to Friday "
        "09:00–18:00; Saturday 09:00–13:00. Address, map and all the ways to reach us"
    )
    # An Author is not offered featuring: it is an Editor's choice.
    author = login_as(django_user_model, "Author")
    listing = BeautifulSoup(author.get("/admin/articles/article/").content, "html.parser")
    assert "feature_on_home" not in [option["value"] for option in listing.select("select[name=action] option")]


def test_featuring_an_article_changes_the_cached_home_page(client, django_user_model, settings):
    settings.PAGE_CACHE = True
    article = make_article("Heel pain")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    editor = login_as(django_user_model, "Editor")
    editor.post("/admin/articles/article/", {"action": "feature_on_home", "_selected_action": [article.pk]})
    assert [a.get_text() for a in soup(client, "/").select(".featured .article-card a")] == ["Heel pain"]
    assert Article.objects.featured().get() == article


def test_articles_end_with_the_clinic_s_when_to_get_help_note_and_booking_link(client):
    ClinicDetails.objects.create(**FILLED)
    page = soup(client, make_article("Heel pain").get_absolute_url())
    aside = page.select_one("main > .when-to-get-help")
    assert aside.h2.get_text() == "When to get help"
    assert [p.get_text(" ", strip=True) for p in aside.select("p")] == [
        "Book with us if pain lasts.",
        "Call 999 in an emergency.",
        "Book an appointment online or call 01632 960 555",
    ]


def test_the_demo_fills_fictional_details_marked_as_demo_and_keeps_real_ones(client):
    call_command("load_demo_clinic", stdout=open("/dev/null", "w"))
    details = ClinicDetails.objects.get()
    assert details.is_demo and "555" in details.phone and details.booking_url.startswith("https://booking.example.com")
    assert soup(client, "/contact/").select_one("main .banner").get_text() == (
        "Demo details: this clinic, its address and its contact details are fictional."
    )
    details.is_demo, details.phone = False, "020 7946 0000"
    details.save()
    call_command("load_demo_clinic", stdout=open("/dev/null", "w"))
    assert ClinicDetails.objects.get().phone == "020 7946 0000"


def png_upload(name):
    data = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def test_the_logo_is_checked_like_every_upload_needs_alt_text_and_then_heads_every_page(client, django_user_model):
    editor = login_as(django_user_model, "Editor")
    not_an_image = SimpleUploadedFile("logo.png", b"just some text", content_type="image/png")
    response = editor.post("/admin/clinic/clinicdetails/add/", form_post(logo=not_an_image))
    errors = [e.get_text(" ", strip=True) for e in BeautifulSoup(response.content, "html.parser").select(".errorlist")]
    assert "Logo: this file is not a PNG or JPEG image." in errors
    response = editor.post("/admin/clinic/clinicdetails/add/", form_post(logo=png_upload("logo.png")))
    errors = [e.get_text(" ", strip=True) for e in BeautifulSoup(response.content, "html.parser").select(".errorlist")]
    assert "Describe the logo: alt text is required with a logo." in errors
    assert not ClinicDetails.objects.exists()
    response = editor.post(
        "/admin/clinic/clinicdetails/add/", form_post(logo=png_upload("logo.png"), logo_alt="The Body Lab")
    )
    assert response.status_code == 302
    logo = soup(client, "/").select_one(".site-header .brand img")
    assert logo["alt"] == "The Body Lab" and logo["src"].startswith("/media/clinic/") and logo["src"].endswith(".png")


def test_the_clinic_s_blocks_are_rendered_once_per_version_of_the_record(client, settings):
    """Every uncached page repeats the footer's details and "When to get help": a process renders each once
    for a given record, and again as soon as the record changes."""
    from django.test.signals import template_rendered

    settings.PAGE_CACHE = False
    before, after = f"Clinic {uuid.uuid4().hex}", f"Clinic {uuid.uuid4().hex}"  # versions no test has rendered
    ClinicDetails.objects.update_or_create(pk=1, defaults={**FILLED, "name": before})
    cache.delete(CACHE_KEY)
    article = make_article("Knee pain")
    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        pages = [soup(client, article.get_absolute_url()) for _ in range(3)]
        ClinicDetails.objects.filter(pk=1).update(name=after)  # a new version of the record
        cache.delete(CACHE_KEY)
        changed = soup(client, article.get_absolute_url())
    finally:
        template_rendered.disconnect(count)
    assert [page.select_one(".footer-clinic strong").get_text() for page in pages] == [before] * 3
    assert changed.select_one(".footer-clinic strong").get_text() == after
    assert rendered.count("clinic/_footer_details.html") == 2  # once for each version
    assert rendered.count("clinic/_when_to_get_help.html") == 2
    assert rendered.count("articles/article_detail.html") == 4
