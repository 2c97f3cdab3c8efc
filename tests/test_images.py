"""Images: alt text is required, and stored images get renditions, dimensions and lazy loading."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.encoding import filepath_to_uri
from PIL import Image

from articles.forms import ArticleForm
from articles.models import Article
from tests.factories import make_article, make_practitioner
from tests.helpers import markdown_html, render_text, store_image, stored_files, stored_image
from tests.test_admin import ADD_URL, add_form_data
from uploads.renditions import responsive_images

pytestmark = pytest.mark.django_db

WIDTHS = {480, 800, 1200}


def image_bytes(image_format="PNG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def admin_client(admin_client, neumann):
    """The conftest's admin client, with the work add_form_data's intro cites in the library."""
    return admin_client


def img(html):
    return BeautifulSoup(html, "html.parser").img


def renditions():
    return stored_files("renditions")


# --- images without alt text ------------------------------------------------------------------------------------------


def test_images_without_alt_finds_markdown_reference_and_html_images():
    text = """Inline ![](/media/a.png) and blank ![  ](/media/b.png "title") but ![A knee](/media/ok.png).

Reference style ![][knee] and ![Described][ankle].

<img src="/media/html-none.png"> <img alt="" src="/media/html-empty.png"> <img alt="Fine" src="/media/html-ok.png">

[knee]: /media/ref.png
[ankle]: /media/ref-ok.png
"""
    assert [problem.split("”")[0].removeprefix("The image “") for problem in render_text(text)[1]] == [
        "/media/a.png",
        "/media/b.png",
        "/media/ref.png",
        "/media/html-none.png",
        "/media/html-empty.png",
    ]


def test_images_without_alt_ignores_code_and_text_without_images():
    assert render_text("Code: `![](/media/a.png)`\n\n    ![](/media/b.png)\n")[1] == []
    assert render_text("")[1] == [] and render_text("Plain *text*.")[1] == []


def test_admin_refuses_a_section_image_without_alt_text_naming_it(admin_client):
    data = add_form_data(
        "With an image",
        "with-an-image",
        timezone.now(),
        sections=[("1", "Heading", "Look:\n\n![](/media/markdownx/0123abcd.png)")],
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = " ".join(e.get_text() for e in BeautifulSoup(response.content, "html.parser").select(".errorlist"))
    assert "The image “/media/markdownx/0123abcd.png” in the section “Heading” has no alt text" in errors
    assert not Article.objects.filter(slug="with-an-image").exists()


def test_admin_accepts_the_same_image_with_alt_text(admin_client):
    data = add_form_data(
        "With an image",
        "with-an-image",
        timezone.now(),
        sections=[("1", "Heading", "Look:\n\n![A swollen ankle](/media/markdownx/0123abcd.png)")],
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert Article.objects.filter(slug="with-an-image").exists()


def test_admin_refuses_an_intro_image_without_alt_text(admin_client):
    data = add_form_data("Intro image", "intro-image", timezone.now())
    data["intro"] = "An intro citing (Neumann, 2017).\n\n![](/media/markdownx/intro.png)"
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "The image “/media/markdownx/intro.png” in the intro has no alt text" in response.content.decode()
    assert not Article.objects.filter(slug="intro-image").exists()


# --- The featured image's alt text -------------------------------------------------------------------------------

FEATURED_FIELDS = ["title", "slug", "summary", "status", "published_at", "featured_image", "featured_image_alt"]
FeaturedImageForm = modelform_factory(Article, form=ArticleForm, fields=FEATURED_FIELDS)


def featured_form(alt, image_name="knee.png", image_format="PNG"):
    now = timezone.localtime()
    data = {
        "title": "Featured",
        "slug": "featured",
        "summary": "A summary.",
        "status": "draft",
        "published_at": now.strftime("%Y-%m-%d %H:%M:%S"),
        "featured_image_alt": alt,
    }
    upload = SimpleUploadedFile(image_name, image_bytes(image_format), content_type="image/png")
    return FeaturedImageForm(data, {"featured_image": upload})


def test_featured_image_needs_alt_text():
    form = featured_form("   ")
    assert not form.is_valid()
    assert form.errors["featured_image_alt"] == ["Describe the featured image: alt text is required with an image."]
    assert featured_form("A runner's foot landing on a treadmill").is_valid()


def test_featured_image_alt_is_required_on_the_admin_add_form(media_storage, admin_client):
    data = add_form_data("Featured", "featured", timezone.now())
    data["featured_image"] = SimpleUploadedFile("knee.png", image_bytes(), content_type="image/png")
    data["featured_image_alt"] = ""
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "alt text is required with an image" in response.content.decode()
    assert not Article.objects.filter(slug="featured").exists()
    assert stored_files("articles") == []


def test_featured_image_must_be_png_or_jpeg_whatever_its_name():
    assert featured_form("A foot", image_name="foot.gif", image_format="GIF").errors["featured_image"] == [
        "Featured image: this is a GIF image; upload a PNG or JPEG."
    ]
    dressed_as_pdf = featured_form("A foot", image_name="foot.pdf")  # a PNG: the name is not ours to keep
    assert dressed_as_pdf.is_valid() and dressed_as_pdf.cleaned_data["featured_image"].name == "image.png"
    assert featured_form("A foot", image_name="foot.JPG", image_format="JPEG").is_valid()


# --- Renditions --------------------------------------------------------------------------------------------------


def test_stored_image_gets_renditions_dimensions_lazy_loading_and_srcset(media_storage):
    store_image("markdownx/wide.png", (1600, 900))
    html = responsive_images(markdown_html("![A knee brace](/media/markdownx/wide.png)"))

    made = {stored_image(name).size for name in renditions()}
    assert made == {(480, 270), (800, 450), (1200, 675)}
    tag = img(html)
    assert tag["src"] == "/media/markdownx/wide.png" and tag["alt"] == "A knee brace"
    assert (tag["width"], tag["height"]) == ("1600", "900")
    assert tag["loading"] == "lazy" and tag["decoding"] == "async" and tag["sizes"]
    candidates = dict(reversed(c.split()) for c in tag["srcset"].split(", "))
    assert set(candidates) == {"480w", "800w", "1200w", "1600w"}
    assert candidates["1600w"] == "/media/markdownx/wide.png"
    for width in WIDTHS:
        name = candidates[f"{width}w"].removeprefix("/media/")
        assert name.startswith("renditions/markdownx/wide-") and name.endswith(f"-{width}w.png")
        assert stored_image(name).width == width


def test_renditions_are_made_once_and_reused(media_storage, monkeypatch):
    store_image("markdownx/wide.jpg", (1300, 1000), "JPEG")
    html = markdown_html("![A foot](/media/markdownx/wide.jpg)")
    first = responsive_images(html)
    stamps = {name: media_storage.get_modified_time(name) for name in renditions()}
    assert len(stamps) == 3 and all(name.endswith(".jpg") for name in stamps)

    monkeypatch.setattr(Image.Image, "resize", lambda *a, **k: pytest.fail("a rendition was made again"))
    monkeypatch.setattr(media_storage.__class__, "save", lambda *a, **k: pytest.fail("a rendition was stored again"))
    assert responsive_images(html) == first
    assert {name: media_storage.get_modified_time(name) for name in renditions()} == stamps


def test_no_upscaling(media_storage):
    store_image("markdownx/medium.jpg", (900, 600), "JPEG")
    store_image("markdownx/small.png", (300, 200))
    html = responsive_images(
        markdown_html("![Medium](/media/markdownx/medium.jpg)\n\n![Small](/media/markdownx/small.png)")
    )

    assert [stored_image(name).size for name in renditions()] == [(480, 320), (800, 533)]
    medium, small = BeautifulSoup(html, "html.parser").select("img")
    assert [c.split()[1] for c in medium["srcset"].split(", ")] == ["480w", "800w", "900w"]
    assert (small["width"], small["height"], small["loading"]) == ("300", "200", "lazy")
    assert not small.has_attr("srcset")  # nothing smaller to offer


@pytest.mark.parametrize(
    "src",
    ["https://example.org/knee.png", "/media/markdownx/missing.png", "/media/../settings.py", "/static/logo.png"],
)
def test_images_not_stored_here_only_gain_lazy_loading(media_storage, src):
    html = markdown_html(f'![A knee]({src} "Title")')
    tag = img(responsive_images(html))
    assert tag.attrs == {**img(html).attrs, "loading": "lazy"}
    assert renditions() == []


def test_a_file_that_is_not_an_image_is_left_alone(media_storage):
    media_storage.save("markdownx/fake.png", ContentFile(b"not a png"))
    tag = img(responsive_images(markdown_html("![Fake](/media/markdownx/fake.png)")))
    assert tag.attrs == {"alt": "Fake", "src": "/media/markdownx/fake.png", "loading": "lazy"}


def test_hostile_alt_text_stays_text(media_storage, client):
    store_image("markdownx/wide.png", (1000, 500))
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) alt="'
    body = f"![{hostile}](/media/markdownx/wide.png)\n\n<img src=\"/media/markdownx/wide.png\" alt='{hostile}'>"
    article = make_article(sections=[("Pictures", body)])

    stored = article.sections.get().body_html
    assert "<script" not in stored and "<img src=x" not in stored
    images = BeautifulSoup(stored, "html.parser").select("img")
    assert len(images) == 2
    for tag in images:
        assert tag["alt"] == hostile  # kept exactly, as text
        assert tag["srcset"] and not tag.has_attr("onerror")
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert not page.select(".article-section script") and len(page.select(".article-section img[srcset]")) == 2


def test_renditions_are_made_when_the_article_is_saved_not_per_request(media_storage, client):
    store_image("markdownx/wide.png", (1000, 500))
    article = make_article(intro="![A gait lab](/media/markdownx/wide.png)")
    assert len(renditions()) == 2
    for name in renditions():
        media_storage.delete(name)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one(".intro img")["width"] == "1000"
    assert renditions() == []  # the request only read the stored HTML


# --- Featured image and photos -----------------------------------------------------------------------------------


def test_featured_image_is_shown_with_alt_srcset_and_dimensions(media_storage, client):
    store_image("articles/featured/run.jpg", (2000, 1000), "JPEG")
    article = make_article(featured_image="articles/featured/run.jpg", featured_image_alt='A runner <"mid-stride">')

    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    tag = page.select_one("figure.featured-image img")
    assert tag["alt"] == 'A runner <"mid-stride">'
    assert (tag["width"], tag["height"]) == ("2000", "1000")
    assert [c.split()[1] for c in tag["srcset"].split(", ")] == ["480w", "800w", "1200w", "2000w"]
    assert not tag.has_attr("loading")  # the top of the page: fetched at once

    card = BeautifulSoup(client.get("/").content, "html.parser").select_one(".article-card img")
    assert card["alt"] == 'A runner <"mid-stride">' and card["loading"] == "lazy" and card["srcset"]


def test_no_featured_image_no_figure(client):
    page = BeautifulSoup(client.get(make_article().get_absolute_url()).content, "html.parser")
    assert not page.select(".featured-image")


def test_missing_featured_image_file_still_shows_its_alt_text(media_storage, client):
    article = make_article(featured_image="articles/featured/gone.jpg", featured_image_alt="A knee")
    tag = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser").select_one(".featured-image img")
    assert tag["src"] == "/media/articles/featured/gone.jpg" and tag["alt"] == "A knee"
    assert not tag.has_attr("srcset")


def test_practitioner_photo_gets_the_same_treatment(media_storage, client):
    store_image("practitioners/alex.jpg", (1000, 1250), "JPEG")
    practitioner = make_practitioner(photo="practitioners/alex.jpg", photo_alt="Alex in the gait lab")
    for url in ("/practitioners/", practitioner.get_absolute_url()):
        tag = BeautifulSoup(client.get(url).content, "html.parser").select_one("main img")
        assert tag["alt"] == "Alex in the gait lab" and (tag["width"], tag["height"]) == ("1000", "1250")
        assert [c.split()[1] for c in tag["srcset"].split(", ")] == ["480w", "800w", "1000w"]


def test_featured_images_and_photos_are_stored_under_names_the_server_chose():
    from articles.models import Article
    from practitioners.models import Practitioner

    article_name = Article._meta.get_field("featured_image").generate_filename(None, "My Holiday <x>.PNG")
    photo_name = Practitioner._meta.get_field("photo").generate_filename(None, "../../etc/passwd.jpg")
    assert re.fullmatch(r"articles/featured/[0-9a-f]{32}\.png", article_name)
    assert re.fullmatch(r"practitioners/[0-9a-f]{32}\.jpg", photo_name)


def test_image_fields_store_through_default_storage_whatever_it_is(media_storage):
    from practitioners.models import Practitioner

    for field in (Article._meta.get_field("featured_image"), Practitioner._meta.get_field("photo")):
        assert field.storage is default_storage  # the lazy object: follows STORAGES, never a storage bound at import
        assert field.storage.__class__ is media_storage.__class__


def test_an_editor_upload_gets_renditions_and_is_shown_from_the_storage(media_storage, staff_client):
    upload = SimpleUploadedFile("knee.jpg", image_bytes("JPEG", size=(1000, 600)), content_type="image/jpeg")
    code = staff_client.post("/markdownx/upload/", {"image": upload}).json()["image_code"]
    name = code.removeprefix("![](/media/").removesuffix(")")
    assert media_storage.exists(name) and stored_image(name).size == (1000, 600)

    article = make_article(intro=code.replace("![]", "![A knee]"))
    assert len(renditions()) == 2
    page = staff_client.get(article.get_absolute_url()).content
    tag = BeautifulSoup(page, "html.parser").select_one(".intro img")
    assert tag["src"] == media_storage.url(name) and (tag["width"], tag["height"]) == ("1000", "600")
    assert [c.split()[0] for c in tag["srcset"].split(", ")] == [media_storage.url(n) for n in renditions()] + [
        tag["src"]
    ]


class BucketLikeStorage(InMemoryStorage):
    """Like django-storages' S3 storage: no base_url, and URLs on the bucket's own address (signed if asked)."""

    base_url = None
    signed = False

    def url(self, name):
        return f"https://bucket.example.org/site-media/{filepath_to_uri(name)}" + ("?X-Amz-Signature=0f" * self.signed)


class SignedBucketLikeStorage(BucketLikeStorage):
    signed = True


def test_images_in_a_bucket_get_renditions_at_the_buckets_address(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.BucketLikeStorage"}}
    store_image("markdownx/wide.png", (1000, 500))
    tag = img(responsive_images(markdown_html("![A knee](https://bucket.example.org/site-media/markdownx/wide.png)")))
    assert (tag["width"], tag["height"]) == ("1000", "500")
    assert [c.split()[0] for c in tag["srcset"].split(", ")] == [
        f"https://bucket.example.org/site-media/{name}" for name in renditions()
    ] + [tag["src"]]
    elsewhere = img(responsive_images(markdown_html("![A knee](/media/markdownx/wide.png)")))
    assert set(elsewhere.attrs) == {"src", "alt", "loading"}  # not the storage's address: left alone


def test_signed_storage_urls_are_not_taken_for_stored_images(settings):
    """A signed URL expires, so an article cannot keep one; its storage gets no renditions, and nothing breaks."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.SignedBucketLikeStorage"}}
    store_image("markdownx/wide.png", (1000, 500))
    src = "https://bucket.example.org/site-media/markdownx/wide.png"
    tag = img(responsive_images(markdown_html(f"![A knee]({src})")))
    assert tag.attrs == {"src": src, "alt": "A knee", "loading": "lazy"}
    assert renditions() == []
