"""Images in articles and profiles: the alt-text rule and responsive renditions.

Practitioners drop PNG or JPEG images into the editor (articles/editor.py stores
them in default_storage) and upload featured images and profile photos. Every
image needs alt text; the content pipeline (content.pipeline) reports an image without it.

When an article is saved, `responsive_images()` gives each image stored in
default_storage smaller copies ("renditions", made once and reused) and rewrites its
tag with the original's width and height, lazy loading and a srcset, so phones
download a small file and the page does not jump as images arrive. Requests
only read the stored HTML. `image_html()` does the same for featured images and
practitioner photos, which templates show directly.
"""

import dataclasses
import hashlib
import io
import logging
import posixpath
import uuid
from html.parser import HTMLParser
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.deconstruct import deconstructible
from django.utils.html import escape
from django.utils.safestring import mark_safe
from PIL import Image, ImageOps, UnidentifiedImageError

from content.sanitize import ALLOWED_ATTRIBUTES

RENDITION_WIDTHS = (480, 800, 1200)
RENDITIONS_FOLDER = "renditions"
# The article column: 68ch less its padding on wide screens, the viewport less the padding on phones.
CONTENT_SIZES = "(min-width: 40rem) 37.5rem, calc(100vw - 2.5rem)"
# Pillow format -> the format renditions are written in. Others (GIF, ...) get width and height only.
RENDITION_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WEBP"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80},
}
EXIF_ORIENTATION = 0x0112
NOT_AN_IMAGE = (
    OSError,
    SuspiciousOperation,
    UnidentifiedImageError,
    Image.DecompressionBombError,
    SyntaxError,
    ValueError,
)
CACHE_SECONDS = 24 * 60 * 60
logger = logging.getLogger(__name__)
UNREADABLE = "unreadable"  # cached for files that are not images, so they are not reopened on every request


# --- Image tags in rendered HTML ---------------------------------------------------------------------------------


class _ImageTags(HTMLParser):
    """Collects every <img> start tag: its attributes, and where its text starts and ends in the input."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for line in text.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.images = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            line, column = self.getpos()
            start = self.line_starts[line - 1] + column
            attributes = {}
            for name, value in attrs:
                attributes.setdefault(name, value)  # as browsers do: the first of repeated attributes wins
            self.images.append((start, start + len(self.get_starttag_text()), attributes))

    handle_startendtag = handle_starttag


# --- Renditions --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Picture:
    """What a tag needs to show a stored image responsively."""

    url: str
    width: int
    height: int
    srcset: str = ""  # empty when the image is no wider than the smallest rendition


def media_url_prefix():
    """What default_storage's URLs have before a file's name: "/media/" on disk, a bucket's or CDN's address
    with django-storages (whose S3 storage has no base_url). None when its URLs are not prefix + name, as
    signed URLs are (they expire: the editor's links to them would break, so they get no renditions)."""
    probe = "probe.png"
    url = default_storage.url(probe)
    if "?" in url or "#" in url or not url.endswith(probe):
        return None
    return url.removesuffix(probe)


def media_name(src):
    """The default_storage name an image URL points at, or None if it is not one of our media URLs."""
    if not src or "?" in src or "#" in src:
        return None
    base = media_url_prefix()
    if not base or not src.startswith(base):
        return None
    name = unquote(src[len(base) :])
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or posixpath.normpath(name) != name:
        return None  # ../ and friends: never outside the storage's folder
    return name


def rendition_name(name, digest, width):
    """renditions/<folder>/<name>-<content hash>-<width>w.<ext>: a new image under an old name gets new files."""
    stem, extension = posixpath.splitext(name)
    return f"{RENDITIONS_FOLDER}/{stem}-{digest}-{width}w{extension.lower()}"


def picture(name):
    """Width, height and srcset of the image stored as `name`, making missing renditions. None if unreadable.

    Renditions are made at RENDITION_WIDTHS narrower than the original (never
    upscaled), in its format, turned upright as its EXIF orientation says.
    """
    try:
        with default_storage.open(name, "rb") as file:
            data = file.read()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.getexif().get(EXIF_ORIENTATION) in (5, 6, 7, 8):  # shown rotated a quarter turn
                width, height = height, width
            url = default_storage.url(name)
            output_format = RENDITION_FORMATS.get(image.format)
            widths = [w for w in RENDITION_WIDTHS if w < width]
            if not output_format or not widths or width * height > settings.EDITOR_IMAGE_MAX_PIXELS:
                return Picture(url, width, height)
            digest = hashlib.sha256(data).hexdigest()[:12]
            candidates = []
            upright = None
            for target in widths:
                target_height = max(1, round(height * target / width))
                rendition = rendition_name(name, digest, target)
                if not default_storage.exists(rendition):
                    if upright is None:
                        upright = ImageOps.exif_transpose(image)
                    _save(rendition, _resized(upright, target, target_height, output_format), output_format, image)
                candidates.append(f"{default_storage.url(rendition)} {target}w")
            candidates.append(f"{url} {width}w")
            return Picture(url, width, height, ", ".join(candidates))
    except NOT_AN_IMAGE:
        return None


def _resized(image, width, height, output_format):
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    if output_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _save(name, image, output_format, original):
    buffer = io.BytesIO()
    options = dict(SAVE_OPTIONS[output_format])
    if original.info.get("icc_profile"):
        options["icc_profile"] = original.info["icc_profile"]  # keeps the colours the photographer saw
    image.save(buffer, output_format, **options)
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    if saved != name:  # another process made it meanwhile and the storage renamed ours: keep theirs
        default_storage.delete(saved)


def img_tag(attributes):
    """An <img> tag built from (name, value) pairs, every value escaped; None values are left out."""
    parts = [f'{name}="{escape(value)}"' for name, value in attributes.items() if value is not None]
    return f"<img {' '.join(parts)}>"


def responsive_images(html):
    """Give <img> tags in rendered HTML width, height, lazy loading and a srcset of renditions.

    `html` is sanitized HTML (content.sanitize). Images in default_storage
    get renditions and the original's width and height; others (external URLs,
    missing or unreadable files) only gain loading="lazy". Each rewritten tag is
    built here, from the sanitizer's allowed attributes, with escaped values.
    """
    allowed = ALLOWED_ATTRIBUTES["img"]
    pieces, done = [], 0
    for start, end, attributes in _ImageTags(html).images:
        kept = {name: value or "" for name, value in attributes.items() if name in allowed}
        name = media_name(kept.get("src"))
        found = picture(name) if name else None
        if found:
            kept.update(width=str(found.width), height=str(found.height))
            if found.srcset:
                kept.update(srcset=found.srcset, sizes=CONTENT_SIZES)
            kept.update(loading="lazy", decoding="async")
        else:
            kept["loading"] = "lazy"
        pieces += [html[done:start], img_tag(kept)]
        done = end
    pieces.append(html[done:])
    return "".join(pieces)


# --- Featured images and photos, shown by templates --------------------------------------------------------------


def cached_picture(name):
    """`picture(name)`, remembered in the cache while the file is unchanged (templates call this per request)."""
    try:
        stamp = f"{default_storage.get_modified_time(name).timestamp()}:{default_storage.size(name)}"
    except (OSError, NotImplementedError, SuspiciousOperation):
        return None
    where = getattr(default_storage, "location", "")
    key = "picture:" + hashlib.sha256(f"{where}|{name}|{stamp}".encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:  # the cache server is down: work it out now rather than fail the page
        logger.exception("The cache could not be read for the picture %s", name)
        return picture(name)
    if found is None:
        found = picture(name) or UNREADABLE
        cache.set(key, found, CACHE_SECONDS)
    return None if found == UNREADABLE else found


def image_html(image, alt, *, sizes=CONTENT_SIZES, lazy=True, css_class=None):
    """A safe <img> for a stored image (an ImageField's file or a storage name): srcset, width, height, alt.

    Renditions are made the first time an image is shown and reused after that.
    Pass lazy=False for an image at the top of the page (the featured image).
    """
    name = getattr(image, "name", image)
    if not name:
        return ""
    found = cached_picture(name)
    attributes = {"src": found.url if found else default_storage.url(name), "alt": alt or "", "class": css_class}
    if found:
        attributes.update(width=str(found.width), height=str(found.height))
        if found.srcset:
            attributes.update(srcset=found.srcset, sizes=sizes)
    attributes.update(loading="lazy" if lazy else None, decoding="async")
    if not lazy:
        attributes["fetchpriority"] = "high"
    return mark_safe(img_tag(attributes))  # every value is escaped by img_tag


# --- Uploads through ImageFields ---------------------------------------------------------------------------------

UPLOAD_EXTENSIONS = {"PNG": {".png"}, "JPEG": {".jpg", ".jpeg"}}


def upload_problem(upload):
    """Why an ImageField upload is refused, or None. Like editor uploads: PNG or JPEG, named for what it is.

    Django's ImageField accepts anything Pillow can open, under any image-like
    extension; the site serves only PNG and JPEG, with an extension that says so.
    """
    image = getattr(upload, "image", None)  # set by forms.ImageField on a new upload, absent on a stored file
    if image is None:
        return None
    extension = posixpath.splitext(upload.name or "")[1].lower()
    if extension not in UPLOAD_EXTENSIONS.get(image.format, ()):
        return "Upload a PNG or JPEG image, named .png, .jpg or .jpeg."
    return None


@deconstructible
class ServerChosenName:
    """An ImageField's upload_to: a random name of ours in `folder`, keeping only the extension
    (which the form has checked against the image's real format). The uploader's file name never
    reaches the disk or a URL."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{uuid.uuid4().hex}{posixpath.splitext(filename)[1].lower()}"

    def __eq__(self, other):
        return isinstance(other, ServerChosenName) and other.folder == self.folder
