"""Every stored image is re-encoded (uploads.images): no metadata, nothing after its end, turned upright, within
one byte and pixel cap, on all three paths: the editor's upload, an article's featured image, a practitioner's
photo. The bytes checked are the ones in storage, and every rendition made from them."""

import io
import struct
import zlib

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from articles.models import Article
from practitioners.models import Practitioner
from tests.factories import make_article, make_practitioner
from tests.helpers import admin_form_data, store_image, stored_files
from tests.test_admin import ADD_URL, add_form_data
from uploads.images import ReencodedImageFormField

pytestmark = pytest.mark.django_db

ORIENTATION, ARTIST, GPS = 0x0112, 0x013B, 0x8825
AUTHOR = "Jane Artist"
COMMENT = b"SECRET-COMMENT"
TRAILER = b"TRAILING-BYTES"
PHOTO_ADD_URL = "/admin/practitioners/practitioner/add/"
MEBIBYTE = 1024 * 1024


# --- Images built here, small ------------------------------------------------------------------------------------


def jpeg_with_metadata(size=(700, 500)):
    """A JPEG stored sideways whose EXIF says to turn it a quarter (orientation 6), with the author, a GPS
    position, a comment and bytes after its end."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[ARTIST] = AUTHOR
    exif.get_ifd(GPS).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG", exif=exif, comment=COMMENT)
    data = buffer.getvalue() + TRAILER
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)[1] == "N"  # the position is really in there
    return data


def png_with_metadata(size=(600, 400)):
    """A half-transparent PNG with an Author text chunk and bytes after IEND."""
    text = PngInfo()
    text.add_text("Author", AUTHOR)
    buffer = io.BytesIO()
    Image.new("RGBA", size, (40, 120, 110, 128)).save(buffer, "PNG", pnginfo=text)
    return buffer.getvalue() + TRAILER


def png_claiming(width, height):
    """A PNG whose header says width × height, with almost no pixel data: what a pixel bomb looks like."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def encoded(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


METADATA_IMAGES = {"JPEG": (jpeg_with_metadata, "jpg", (500, 700)), "PNG": (png_with_metadata, "png", (600, 400))}
WHAT_PILLOW_READS_FROM_A_BARE_FILE = {
    "JPEG": {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"},
    "PNG": set(),
}


def stored_bytes(name):
    with default_storage.open(name, "rb") as file:
        return file.read()


def assert_bare(name, image_format):
    data = stored_bytes(name)
    for secret in (AUTHOR.encode(), COMMENT, TRAILER, b"Exif", b"eXIf", b"tEXt", b"iCCP"):
        assert secret not in data, f"{name} keeps {secret!r}"
    assert data.endswith(b"\xff\xd9" if image_format == "JPEG" else b"IEND\xaeB`\x82"), "bytes after the image"
    image = Image.open(io.BytesIO(data))
    assert image.format == image_format and not image.getexif() and not image.getexif().get_ifd(GPS)
    assert set(image.info) <= WHAT_PILLOW_READS_FROM_A_BARE_FILE[image_format], image.info
    return image


# --- The three paths ---------------------------------------------------------------------------------------------


def upload_in_editor(client, upload):
    """(stored name or None, the errors shown)."""
    response = client.post("/markdownx/upload/", {"image": upload})
    if response.status_code != 200:
        assert response.status_code == 400
        return None, response.json()["image"]
    name = response.json()["image_code"].removeprefix("![](/media/").removesuffix(")")
    make_article(intro=f"![A knee]({default_storage.url(name)})")  # its renditions are made when saved
    return name, []


def upload_as_featured_image(client, upload):
    data = add_form_data("Featured", "featured", timezone.now())
    data.update(featured_image=upload, featured_image_alt="A runner's foot")
    response = client.post(ADD_URL, data)
    if response.status_code != 302:
        assert response.status_code == 200
        return None, response.context["adminform"].form.errors["featured_image"]
    return Article.objects.get(slug="featured").featured_image.name, []


def upload_as_photo(client, upload):
    data = {"name": "Alex Morgan", "slug": "alex-morgan", "credentials": "MSc", "role": "", "position": "0"}
    data.update(photo=upload, photo_alt="Alex in the gait lab")
    response = client.post(PHOTO_ADD_URL, data)
    if response.status_code != 302:
        assert response.status_code == 200
        return None, response.context["adminform"].form.errors["photo"]
    return Practitioner.objects.get(slug="alex-morgan").photo.name, []


PATHS = {
    "editor": (upload_in_editor, "markdownx", "Image"),
    "featured image": (upload_as_featured_image, "articles/featured", "Featured image"),
    "photo": (upload_as_photo, "practitioners", "Photo"),
}


@pytest.mark.parametrize("image_format", list(METADATA_IMAGES))
@pytest.mark.parametrize("path", list(PATHS))
def test_what_is_stored_and_every_rendition_is_bare_and_upright(admin_client, neumann, path, image_format):
    upload, folder, _ = PATHS[path]
    make_bytes, extension, upright_size = METADATA_IMAGES[image_format]
    name, errors = upload(admin_client, SimpleUploadedFile(f"holiday.{extension}", make_bytes()))

    assert errors == [] and name.startswith(f"{folder}/") and name.endswith(f".{extension}")
    assert stored_files(folder) == [name]  # the upload as it came is stored nowhere
    stored = assert_bare(name, image_format)
    assert stored.size == upright_size  # the JPEG's orientation 6 applied: 700 × 500 stored as 500 × 700
    if image_format == "PNG":
        assert stored.mode == "RGBA" and stored.getpixel((0, 0)) == (40, 120, 110, 128)  # transparency kept
    made = stored_files("renditions")
    assert [Image.open(io.BytesIO(stored_bytes(n))).width for n in made] == [480]
    for rendition in made:
        assert_bare(rendition, image_format)


def test_the_featured_images_src_and_largest_srcset_entry_are_the_bare_file(admin_client, neumann, client):
    name, _ = upload_as_featured_image(admin_client, SimpleUploadedFile("run.jpg", jpeg_with_metadata()))
    article = Article.objects.get(slug="featured")
    tag = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser").select_one(".featured-image img")
    largest = tag["srcset"].split(", ")[-1].split()
    assert tag["src"] == largest[0] == default_storage.url(name) and largest[1] == "500w"
    assert (tag["width"], tag["height"]) == ("500", "700")


LARGE_BY_BYTES = encoded(Image.new("RGB", (8, 8)), "PNG") + bytes(int(5.85 * MEBIBYTE))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (LARGE_BY_BYTES, "this file is 5.9 MB; the limit is 5 MB."),
        (png_claiming(9000, 9000), "this image is 81 megapixels; the limit is 25."),
    ],
    ids=["bytes", "pixels"],
)
@pytest.mark.parametrize("path", list(PATHS))
def test_one_byte_and_pixel_cap_on_every_path_named_in_its_error(admin_client, neumann, path, data, reason):
    upload, folder, label = PATHS[path]
    name, errors = upload(admin_client, SimpleUploadedFile("big.png", data, content_type="image/png"))
    assert name is None and errors == [f"{label}: {reason}"]
    assert stored_files(folder) == []


# --- What the field makes of odd files ---------------------------------------------------------------------------


def cleaned(data, name="upload.png"):
    return ReencodedImageFormField(label="Photo").clean(SimpleUploadedFile(name, data))


def stored_as(data):
    file = cleaned(data)
    return Image.open(io.BytesIO(file.read())), file.name


def animated_gif():
    frames = [Image.new("P", (4, 4), colour) for colour in (1, 2)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text in a file named .png", "Photo: this file is not a PNG or JPEG image."),
        (encoded(Image.new("RGB", (64, 64), "teal"), "PNG")[:80], "Photo: this image is damaged or incomplete."),
        (encoded(Image.new("RGB", (64, 64), "teal"), "JPEG")[:300], "Photo: this image is damaged or incomplete."),
        (png_claiming(20000, 20000), "Photo: this image has too many pixels to open; the limit is 25 megapixels."),
        (animated_gif(), "Photo: this is a GIF image; upload a PNG or JPEG."),
    ],
    ids=["text", "truncated PNG", "truncated JPEG", "decompression bomb", "animated GIF"],
)
def test_files_that_are_not_whole_png_or_jpeg_images_are_refused_naming_the_field(data, message):
    with pytest.raises(ValidationError) as refused:
        cleaned(data)
    assert refused.value.messages == [message]


def test_a_cmyk_jpeg_is_stored_as_rgb_with_its_colours():
    image, name = stored_as(encoded(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))  # red, in ink
    assert name == "image.jpg" and image.mode == "RGB"
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((4, 4)), (255, 0, 0), strict=True))


def test_colours_are_converted_to_srgb_and_the_profile_dropped():
    srgb_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image, _ = stored_as(encoded(Image.new("RGB", (8, 8), (10, 200, 30)), "PNG", icc_profile=srgb_profile))
    assert "icc_profile" not in image.info and image.getpixel((1, 1)) == (10, 200, 30)


def test_a_16_bit_png_is_scaled_to_8_bits_not_clipped():
    grey = Image.new("I;16", (4, 4), 32768)
    image, _ = stored_as(encoded(grey, "PNG"))
    assert image.mode == "L" and image.getpixel((0, 0)) == 128


def test_a_palette_png_keeps_its_transparent_colour_as_alpha():
    palette = Image.new("P", (4, 4), 0)
    palette.putpixel((1, 1), 1)
    image, _ = stored_as(encoded(palette, "PNG", transparency=0))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0 and image.getpixel((1, 1))[3] == 255


def test_an_animated_png_keeps_its_first_frame():
    frames = [Image.new("RGB", (4, 4), colour) for colour in ("red", "blue")]
    image, _ = stored_as(encoded(frames[0], "PNG", save_all=True, append_images=frames[1:]))
    assert getattr(image, "n_frames", 1) == 1 and image.getpixel((0, 0)) == (255, 0, 0)


def test_a_file_given_to_the_model_in_code_is_re_encoded_too():
    alex = make_practitioner(photo=ContentFile(jpeg_with_metadata(), name="../holiday.jpg"))
    assert alex.photo.name.startswith("practitioners/") and alex.photo.name.endswith(".jpg")
    assert assert_bare(alex.photo.name, "JPEG").size == (500, 700)
    with pytest.raises(ValidationError) as refused:
        make_practitioner(slug="sam", photo=ContentFile(b"not an image", name="sam.png"))
    assert refused.value.message_dict == {"photo": ["Photo: this file is not a PNG or JPEG image."]}
    assert stored_files("practitioners") == [alex.photo.name]


# --- The admin's preview -----------------------------------------------------------------------------------------


def test_the_preview_writes_nothing_to_storage(media_storage, admin_client, neumann):
    article = make_article(
        featured_image=store_image("articles/featured/run.png", (1000, 500)),
        featured_image_alt="A runner",
        authors=[make_practitioner()],
    )
    store_image("markdownx/knee.png", (1000, 500))
    for name in stored_files("renditions"):
        media_storage.delete(name)  # as if no page had shown the featured image yet
    cache.clear()  # nor remembered its renditions
    before = stored_files("articles") + stored_files("markdownx") + stored_files("renditions")

    data = admin_form_data(admin_client.get(f"/admin/articles/article/{article.pk}/change/").content)
    data.update(intro=["![A knee](/media/markdownx/knee.png)"], _preview=["Preview"])
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 200
    assert stored_files("articles") + stored_files("markdownx") + stored_files("renditions") == before
    page = BeautifulSoup(response.content, "html.parser")
    for tag in (page.select_one(".intro img"), page.select_one(".featured-image img")):
        assert [entry.split()[0] for entry in tag["srcset"].split(", ")] == [tag["src"]]  # the original alone


# --- Images stored before: the reencode_images command -----------------------------------------------------------


def test_reencode_images_cleans_stored_images_in_place_once_and_the_pages_change(media_storage, client):
    default_storage.save("markdownx/old.jpg", ContentFile(jpeg_with_metadata()))
    default_storage.save("articles/featured/old.png", ContentFile(png_with_metadata()))
    default_storage.save("practitioners/old.jpg", ContentFile(jpeg_with_metadata()))
    alex = make_practitioner(photo="practitioners/old.jpg", photo_alt="Alex")
    article = make_article(
        intro="![A knee](/media/markdownx/old.jpg)", featured_image="articles/featured/old.png", featured_image_alt="A"
    )

    def images_shown():
        article_page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
        photo_page = BeautifulSoup(client.get(alex.get_absolute_url()).content, "html.parser")
        tags = [article_page.select_one(".intro img"), article_page.select_one(".featured-image img")]
        return [tag["srcset"] for tag in [*tags, photo_page.select_one("main img")]]

    shown_before = images_shown()
    assert client.get(alex.get_absolute_url())["X-Page-Cache"] == "hit"  # the pages are in the cache
    old_renditions = stored_files("renditions")
    out = io.StringIO()
    call_command("reencode_images", stdout=out)

    assert "Re-encoded 3 of 3 images." in out.getvalue()
    assert assert_bare("markdownx/old.jpg", "JPEG").size == (500, 700)  # upright now
    assert assert_bare("practitioners/old.jpg", "JPEG").size == (500, 700)
    assert assert_bare("articles/featured/old.png", "PNG").size == (600, 400)
    shown_after = images_shown()
    assert all(before != after for before, after in zip(shown_before, shown_after, strict=True))
    new_renditions = stored_files("renditions")
    assert not set(old_renditions) & set(new_renditions)  # the copies of the old files are gone
    for name in new_renditions:
        assert_bare(name, "JPEG" if name.endswith(".jpg") else "PNG")
    assert stored_files("markdownx") == ["markdownx/old.jpg"]  # nothing left beside it

    again = io.StringIO()
    call_command("reencode_images", stdout=again)
    assert "Re-encoded 0 of 3 images." in again.getvalue() and stored_files("renditions") == new_renditions
