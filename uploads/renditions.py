"""Responsive renditions of stored images, in articles and profiles.

Practitioners drop PNG or JPEG images into the editor (articles/editor.py) and upload
featured images and profile photos; uploads.images checks and re-encodes each before it is
stored. Every image needs alt text; the content pipeline (content.pipeline) reports an image without it.

When an article is saved, `responsive_images()` gives each image stored in
default_storage smaller copies ("renditions", made once and reused) and rewrites its
tag with the original's width and height, lazy loading and a srcset, so phones
download a small file and the page does not jump as images arrive. Requests
only read the stored HTML. `image_html()` does the same for featured images and
practitioner photos, which templates show directly.

Inside `without_writing()` (the admin's preview) nothing is written to storage: a srcset lists
only the renditions that exist already, and nothing is cached.
"""

import contextlib
import contextvars
import dataclasses
import hashlib
import io
import logging
import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
_writing = contextvars.ContextVar("renditions_writing", default=True)


@contextlib.contextmanager
def without_writing():
    """Within it, pictures are worked out from what is stored and nothing is written: no rendition, no cache."""
    token = _writing.set(False)
    try:
        yield
    finally:
        _writing.reset(token)


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
    upscaled), in its format, turned upright as its EXIF orientation says (images stored
    before uploads.images re-encoded them may still have one). Without writing, only
    renditions already stored are offered.
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
            if not output_format or not widths or width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                return Picture(url, width, height)
            digest = hashlib.sha256(data).hexdigest()[:12]
            candidates = []
            upright = None
            for target in widths:
                target_height = max(1, round(height * target / width))
                rendition = rendition_name(name, digest, target)
                if not default_storage.exists(rendition):
                    if not _writing.get():
                        continue
                    if upright is None:
                        upright = ImageOps.exif_transpose(image)
                    _save(rendition, _resized(upright, target, target_height, output_format), output_format)
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
    resized = image.resize((width, height), Image.Resampling.LANCZOS)
    resized.info = {}  # Pillow would write the original's comment, EXIF or profile into the copy
    return resized


def _save(name, image, output_format):
    buffer = io.BytesIO()
    image.save(buffer, output_format, **SAVE_OPTIONS[output_format])
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
    if "<img" not in html:
        return html  # most parts of an article have no image: no parse
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
        if _writing.get():  # without writing, a srcset may lack renditions not made yet: not one to keep
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
