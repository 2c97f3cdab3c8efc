"""django-markdownx's endpoints, replaced by ours: staff only, sanitized, real images only."""

import io
import random

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.factories import make_article
from tests.helpers import markdown_html, stored_files, stored_image

pytestmark = pytest.mark.django_db

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
HOSTILE_MARKDOWN = """
Hello <script>alert("x")</script> world.

<img src="x.png" onerror="alert(1)">

[click me](javascript:alert(1)) and <a href="javascript:alert(2)">this</a>

<svg onload="alert(3)"></svg> <iframe src="https://example.com"></iframe>
"""


def image_bytes(image_format, size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format)
    return buffer.getvalue()


def assert_harmless(html):
    lowered = html.lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<svg", "<iframe"):
        assert bad not in lowered, bad


def test_anonymous_preview_is_refused(client):
    response = client.post(PREVIEW, {"content": "*hi*"})
    assert response.status_code == 403


def test_anonymous_upload_is_refused_and_writes_nothing(media_storage, client):
    upload = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(UPLOAD, {"image": upload})
    assert response.status_code == 403
    assert stored_files("markdownx") == []


def test_non_staff_user_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("patient", password="pw"))
    assert client.post(PREVIEW, {"content": "*hi*"}).status_code == 403


def test_preview_renders_markdown_for_staff(staff_client):
    response = staff_client.post(PREVIEW, {"content": "Some *emphasis*\n\n- a list"})
    assert response.status_code == 200
    assert "<em>emphasis</em>" in response.content.decode() and "<li>a list</li>" in response.content.decode()


def test_preview_removes_scripts_handlers_and_javascript_urls(staff_client):
    html = staff_client.post(PREVIEW, {"content": HOSTILE_MARKDOWN}).content.decode()
    assert_harmless(html)
    assert "Hello" in html and "world." in html


def test_public_page_removes_scripts_handlers_and_javascript_urls(client):
    article = make_article(
        intro=HOSTILE_MARKDOWN, sections=[("Section", HOSTILE_MARKDOWN)], key_points=["<b onclick=x>k</b>"]
    )
    html = client.get(article.get_absolute_url()).content.decode()
    body = str(BeautifulSoup(html, "html.parser").select_one("article"))
    assert_harmless(body)
    assert "onclick" not in body


def test_renderer_keeps_safe_markup():
    html = markdown_html("> quote\n\n**bold** [site](https://example.org) ![alt text](/media/x.png)")
    assert "<blockquote>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.org">site</a>' in html and 'alt="alt text"' in html


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
            "image/svg+xml",
        ),
        ("evil.gif", b"<html><script>alert(1)</script></html>", "image/gif"),
        ("notes.png", b"just some text pretending to be a picture", "image/png"),
        ("anim.gif", None, "image/gif"),
    ],
)
def test_uploads_that_are_not_png_or_jpeg_get_400(media_storage, staff_client, name, content, content_type):
    content = content if content is not None else image_bytes("GIF")
    response = staff_client.post(UPLOAD, {"image": SimpleUploadedFile(name, content, content_type=content_type)})
    assert response.status_code == 400
    assert response.json()["image"]
    assert stored_files("markdownx") == []


def test_too_many_pixels_gets_400(media_storage, staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 300_000
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", size=(1000, 500)), content_type="image/png")
    response = staff_client.post(UPLOAD, {"image": upload})
    assert response.status_code == 400
    assert response.json() == {"image": ["Image: this image is 0.5 megapixels; the limit is 0.3."]}
    assert stored_files("markdownx") == []


def test_too_many_bytes_gets_400(media_storage, staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100 * 1024
    noise = Image.frombytes("RGB", (200, 200), random.Random(1).randbytes(200 * 200 * 3))  # does not compress
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    upload = SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")
    response = staff_client.post(UPLOAD, {"image": upload})
    assert response.status_code == 400
    assert response.json() == {"image": ["Image: this file is 0.2 MB; the limit is 0.1 MB."]}
    assert stored_files("markdownx") == []


@pytest.mark.parametrize(("image_format", "extension"), [("PNG", "png"), ("JPEG", "jpg")])
def test_real_images_are_stored_under_a_server_chosen_name(media_storage, staff_client, image_format, extension):
    # The client's name and type lie; the stored file follows what Pillow found.
    upload = SimpleUploadedFile("holiday.html", image_bytes(image_format), content_type="text/html")
    response = staff_client.post(UPLOAD, {"image": upload})
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/markdownx/") and code.endswith(f".{extension})")
    assert "holiday" not in code
    stored = stored_files("markdownx")
    assert len(stored) == 1 and stored[0].endswith(f".{extension}")
    assert code == f"![]({media_storage.url(stored[0])})"
    assert stored_image(stored[0]).format == image_format  # re-encoded (tests/test_uploads.py), never as uploaded


def test_authors_html_cannot_borrow_the_pages_ids_or_classes(client):
    hostile = (
        '<a id="references" class="citation" href="https://evil.example">x</a> '
        '<span class="visually-hidden">hidden</span>'
    )
    article = make_article(sections=[("S", hostile)])
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    section = page.select_one(".article-section")
    link = section.select_one("a[href='https://evil.example']")
    assert not link.has_attr("id") and not link.has_attr("class")
    assert not section.select(".visually-hidden") and "hidden" in section.get_text()


def test_preview_says_which_citations_saving_would_refuse(staff_client):
    html = staff_client.post(PREVIEW, {"content": "Text (Nobody, 1999) and [@missing]."}).content.decode()
    problems = BeautifulSoup(html, "html.parser").select(".preview-problems li")
    assert [li.get_text() for li in problems] == [
        "The citation “(Nobody, 1999)” in this text matches no reference: add the work with “Cite a reference” and "
        "then “Add a new reference…”, or put a backslash before it if it is no citation.",
        "Unknown reference key “@missing” in this text: no work in the library has it; add the work with “Cite a "
        "reference” and then “Add a new reference…”.",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x" * 30_001, "it is longer than 30,000 characters: split it into more sections"),
        ("> " * 13 + "deep", "it has quotes inside quotes more than 12 deep"),
        ("- " * 7 + "deep", "it has lists inside lists more than 6 deep on one line"),
        ("* * *\n" * 101, "it has more than 100 horizontal rules"),
    ],
)
def test_markdown_too_long_or_too_deep_is_refused_not_rendered(staff_client, admin_client, neumann, text, reason):
    from tests.test_admin import ADD_URL, add_form_data

    preview = BeautifulSoup(staff_client.post(PREVIEW, {"content": text}).content, "html.parser")
    assert [li.get_text() for li in preview.select(".preview-problems li")] == [f"This text cannot be saved: {reason}."]
    data = add_form_data("Odd", "odd", timezone.now(), sections=[("1", "Heading", text)])
    response = admin_client.post(ADD_URL, data)
    assert f"The section “Heading” cannot be saved: {reason}." in response.content.decode()
    assert not Article.objects.filter(slug="odd").exists()
