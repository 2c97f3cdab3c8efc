"""A practitioner writes and publishes an article through the admin's real forms."""

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_practitioner, make_reference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("neumann")]

ADD_URL = "/admin/articles/article/add/"


def formset(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for name, value in zip(fields, row, strict=True):
            data[f"{prefix}-{number}-{name}"] = value
    return data


def add_form_data(title, slug, when, status="published", sections=None, key_points=None, authors=None):
    local = timezone.localtime(when)
    data = {
        "title": title,
        "slug": slug,
        "subtitle": "A subtitle",
        "summary": "A summary.",
        "status": status,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "intro": "An intro citing (Neumann, 2017).",
    }
    data.update(
        formset("key_points", key_points or [("1", "First point"), ("2", "Second point")], ["position", "text"])
    )
    if authors is None:
        authors = [("1", str(make_practitioner().pk))]
    data.update(formset("authorships", authors, ["position", "practitioner"]))
    data.update(
        formset(
            "sections",
            sections or [("2", "Second heading", "Body *two*."), ("1", "First heading", "Body one.\n\n- item")],
            ["position", "heading", "body"],
        )
    )
    return data


def test_add_form_shows_markdown_editor_for_intro_sections_and_new_rows(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("textarea#id_intro.markdownx-editor")
    assert soup.select_one("#sections-empty textarea.markdownx-editor"), "the 'Add another' template row"
    assert "markdownx/js/markdownx" in html and "js/markdownx-inlines.js" in html
    assert soup.select_one("#id_slug")  # prepopulated from the title by the admin's JS


def test_article_created_in_admin_is_published_and_joins_its_neighbours(admin_client, client):
    before = make_article("Before", days_ago=3)
    after = make_article("After", days_ago=1)
    when = timezone.now() - timezone.timedelta(days=2)
    response = admin_client.post(ADD_URL, add_form_data("Made in the admin", "made-in-the-admin", when))
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")

    article = Article.objects.get(slug="made-in-the-admin")
    assert [s.heading for s in article.sections.all()] == ["First heading", "Second heading"]
    assert [p.text for p in article.key_points.all()] == ["First point", "Second point"]
    assert [r.key for r in article.references.all()] == ["neumann2017"]

    page = BeautifulSoup(client.get("/articles/made-in-the-admin/").content, "html.parser")
    assert page.h1.get_text() == "Made in the admin"
    assert [h.get_text() for h in page.select(".article-section h2")] == ["First heading", "Second heading"]
    assert page.select_one(".article-section em").get_text() == "two"
    assert page.select_one(".intro a.citation")["href"] == "#ref-neumann2017"
    assert page.select_one("a[rel=prev] .article-nav-title").get_text() == "Before"

    for neighbour, rel in ((before, "next"), (after, "prev")):
        soup = BeautifulSoup(client.get(neighbour.get_absolute_url()).content, "html.parser")
        assert soup.select_one(f"a[rel={rel}] .article-nav-title").get_text() == "Made in the admin"


def test_draft_then_published_through_the_change_form(admin_client, client):
    when = timezone.now() - timezone.timedelta(hours=1)
    admin_client.post(ADD_URL, add_form_data("Drafted", "drafted", when, status="draft"))
    article = Article.objects.get(slug="drafted")
    assert client.get("/articles/drafted/").status_code == 404

    data = add_form_data("Drafted", "drafted", when, status="published")
    data["opened_version"] = str(article.edit_version)
    # The change form carries the saved inline rows.
    for prefix, rows in (
        ("authorships", article.authorships.all()),
        ("key_points", article.key_points.all()),
        ("sections", article.sections.all()),
    ):
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for number, row in enumerate(rows):
            data[f"{prefix}-{number}-id"] = str(row.pk)
            data[f"{prefix}-{number}-article"] = str(article.pk)
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert client.get("/articles/drafted/").status_code == 200
    assert "/articles/drafted/" in client.get("/").content.decode()


def test_slug_must_be_unique(admin_client):
    make_article("Taken", slug="taken")
    response = admin_client.post(ADD_URL, add_form_data("Other", "taken", timezone.now()))
    assert response.status_code == 200
    assert "Article with this Slug already exists" in response.content.decode()
    assert Article.objects.filter(slug="taken").count() == 1


def test_article_list_shows_status_and_date_searches_and_filters(admin_client):
    make_article("Gait basics", status=Article.Status.PUBLISHED)
    make_article("Knee draft", status=Article.Status.DRAFT)
    listing = BeautifulSoup(admin_client.get("/admin/articles/article/").content, "html.parser")
    headers = [th.get_text(strip=True) for th in listing.select("#result_list thead th")]
    assert headers[1:] == ["Title", "Status", "Publication", "Next review", "Reading age", "Home page"]
    assert listing.select_one("#nav-sidebar") is None  # beside the filters, the table has the width it needs
    found = admin_client.get("/admin/articles/article/?q=knee").content.decode()
    assert "Knee draft" in found and "Gait basics" not in found
    drafts = admin_client.get("/admin/articles/article/?status__exact=draft").content.decode()
    assert "Knee draft" in drafts and "Gait basics" not in drafts


def test_reference_admin_is_searchable_and_filterable(admin_client):
    make_reference(key="kjaer2009", authors=("Kjaer",), title="Collagen synthesis")
    found = admin_client.get("/admin/references/reference/?q=Kjaer").content.decode()
    assert "kjaer2009" in found and "neumann2017" not in found
    books = admin_client.get("/admin/references/reference/?kind__exact=book").content.decode()
    assert "neumann2017" in books and "kjaer2009" not in books
