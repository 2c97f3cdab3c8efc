"""Every image the site stores comes in here: editor uploads, featured images and practitioner photos.

One check and one re-encoding for all of them. An upload is refused, with a reason, unless it is a PNG or
JPEG within the byte and pixel caps (settings.IMAGE_UPLOAD_MAX_BYTES, IMAGE_UPLOAD_MAX_PIXELS) that
Pillow can decode whole. What is stored is never the uploaded file: Pillow decodes it, turns it upright as
its EXIF orientation says and encodes the pixels again, in sRGB, with no metadata (EXIF and its GPS
position and author, XMP, ICC profile, comments, text chunks) and nothing after the image's end. The
stored name is ours: a random one with the extension of the format we wrote.

The paths: the editor's upload view calls `clean_upload` and `store`; ImageFields are `ReencodedImageField`,
whose form field refuses a bad upload naming the field, and which re-encodes any other unsaved file it is
given before storage sees it. `reencode_stored` serves the `reencode_images` command, for files stored
before this was so.
"""

import dataclasses
import io
import math
import posixpath
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Pillow's name for what was uploaded -> the format stored. MPO is a camera's JPEG with extra pictures
# (a preview, a depth map): the first picture is the photo. An animated PNG keeps its first frame; GIF,
# WebP and the rest are refused, as the editor always refused them.
STORED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg"}
NAME_EXTENSIONS = {"PNG": {".png"}, "JPEG": {".jpg", ".jpeg"}}  # what names stored before this module say
# Quality 90 for the stored image: it is the largest entry of every srcset, and what renditions are made from.
SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {}}
DAMAGED = (OSError, SyntaxError, ValueError, IndexError, TypeError, ImageCms.PyCMSError)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
MEBIBYTE = 1024 * 1024


class UploadRefused(ValueError):
    """Why an image is not stored: `reason` reads after the field's name ("Photo: this file is …")."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def message(self, label):
        return f"{label}: {self.reason}."


@dataclasses.dataclass(frozen=True)
class CleanImage:
    """An image as we store it: re-encoded bytes, their format, and the upright size."""

    data: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return EXTENSIONS[self.format]

    def as_file(self):
        return CleanImageFile(self)


class CleanImageFile(ContentFile):
    """A CleanImage as a file, which ReencodedImageField stores without decoding it again. Its name only
    carries the extension to ServerChosenName."""

    def __init__(self, image):
        super().__init__(image.data, name=f"image.{image.extension}")
        self.image = image


def _number(value):
    return f"{value:g}"


def _limits():
    return settings.IMAGE_UPLOAD_MAX_BYTES, settings.IMAGE_UPLOAD_MAX_PIXELS


def _refuse_size(size):
    max_bytes, _ = _limits()
    if size > max_bytes:
        shown = math.ceil(size * 10 / MEBIBYTE) / 10  # never "5 MB" for a file over a 5 MB limit
        raise UploadRefused(
            f"this file is {_number(shown)} MB; the limit is {_number(round(max_bytes / MEBIBYTE, 1))} MB"
        )


def clean_upload(upload):
    """The uploaded file (Django's UploadedFile or any File) checked and re-encoded: a CleanImage."""
    _refuse_size(upload.size)
    upload.seek(0)
    return reencode(upload.read())


def reencode(data):
    """`data` decoded and encoded again as we store images (see the module's docstring); UploadRefused if not."""
    _refuse_size(len(data))
    _, max_pixels = _limits()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below by our own, lower cap
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise UploadRefused(
            f"this image has too many pixels to open; the limit is {_number(max_pixels / 1e6)} megapixels"
        ) from error
    except UnidentifiedImageError as error:
        raise UploadRefused("this file is not a PNG or JPEG image") from error
    except DAMAGED as error:
        raise UploadRefused("this image is damaged or incomplete") from error
    with image:
        stored_format = STORED_FORMATS.get(image.format)
        if stored_format is None:
            raise UploadRefused(f"this is a {image.format} image; upload a PNG or JPEG")
        width, height = image.size
        if width * height > max_pixels:
            raise UploadRefused(
                f"this image is {_number(round(width * height / 1e6, 1))} megapixels; "
                f"the limit is {_number(max_pixels / 1e6)}"
            )
        try:
            image.load()  # decodes it all: a truncated or corrupt file fails here
            clean = _srgb(ImageOps.exif_transpose(image), stored_format)
            clean.info = {}  # Pillow writes a comment, EXIF or ICC profile it finds here: none
            buffer = io.BytesIO()
            clean.save(buffer, stored_format, **SAVE_OPTIONS[stored_format])
        except DAMAGED as error:
            raise UploadRefused("this image is damaged or incomplete") from error
    return CleanImage(buffer.getvalue(), stored_format, *clean.size)


def _srgb(image, stored_format):
    """The image's pixels in sRGB, in a mode the stored format keeps: L or RGB, with alpha where PNG can keep it.

    Browsers take an image without a profile as sRGB, so converting with the embedded ICC profile keeps the
    colours the photographer saw (a CMYK or Adobe RGB file included) while the profile itself, which can name
    the camera or the software, is dropped. Wide-gamut colours beyond sRGB are clipped: a small price here.
    """
    if image.mode == "P" or image.mode == "1":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode.startswith("I") or image.mode == "F":  # 16-bit or wider grey: scaled, not clipped, to 8 bits
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    elif image.mode in ("L", "RGB") and "transparency" in image.info:  # a tRNS colour key
        image = image.convert("RGBA")
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA", "PA") and stored_format == "PNG" else None
    base = image.convert("L" if image.mode in ("L", "LA") else "RGB") if image.mode != "CMYK" else image
    profile = image.info.get("icc_profile")
    if profile:
        try:
            base = ImageCms.profileToProfile(
                base, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB"
            )
        except ImageCms.PyCMSError:
            pass  # a profile that does not fit the pixels: shown as browsers would show them without it
    if base.mode == "CMYK":
        base = base.convert("RGB")
    if alpha is not None:
        base = base.convert("RGBA" if base.mode == "RGB" else "LA")
        base.putalpha(alpha)
    return base


# --- Names ------------------------------------------------------------------------------------------------------


def server_chosen_name(folder, extension):
    """A random name of ours in `folder`: the uploader's file name never reaches the storage or a URL."""
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def store(folder, clean):
    """Save a CleanImage in default_storage under a server-chosen name; returns the name stored."""
    return default_storage.save(server_chosen_name(folder, clean.extension), ContentFile(clean.data))


@deconstructible
class ServerChosenName:
    """An ImageField's upload_to: `server_chosen_name` in `folder`, with the extension of the name the file
    arrives with, which is always ours (ReencodedImageField hands storage only CleanImage files)."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return server_chosen_name(self.folder, posixpath.splitext(filename)[1].lower().lstrip("."))

    def __eq__(self, other):
        return isinstance(other, ServerChosenName) and other.folder == self.folder


# --- Image fields -----------------------------------------------------------------------------------------------


class ReencodedImageFormField(forms.FileField):
    """An upload checked and re-encoded; a refusal is a form error naming the field."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/png,image/jpeg"}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return clean_upload(upload).as_file()
        except UploadRefused as refused:
            raise ValidationError(refused.message(self.label or "Image"), code="invalid_image") from refused


class ReencodedImageField(models.ImageField):
    """An ImageField that stores only re-encoded images (see the module's docstring), whatever the path."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ReencodedImageFormField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed and not isinstance(file.file, CleanImageFile):
            try:  # set in code rather than through a form: cleaned here, before storage sees it
                clean = clean_upload(file.file)
            except UploadRefused as refused:
                raise ValidationError({self.name: refused.message(self.verbose_name.capitalize())}) from refused
            setattr(model_instance, self.attname, clean.as_file())
        return super().pre_save(model_instance, add)


# --- Images stored before this module existed (the reencode_images command) -------------------------------------


def reencode_stored(name):
    """Re-encode the stored image `name` in place, under the same name (pages link to it).

    Returns False if it was already as we store images, True once rewritten. The new bytes are saved beside
    it first, so a failure between deleting and saving again loses nothing. UploadRefused if the file is not
    an image we would store, or not the format its name says; it is then left as it is.
    """
    with default_storage.open(name, "rb") as file:
        data = file.read()
    if is_bare(data):
        return False
    clean = reencode(data)
    if posixpath.splitext(name)[1].lower() not in NAME_EXTENSIONS[clean.format]:
        raise UploadRefused(f"it is a {clean.format} image under another name")
    spare = default_storage.save(f"{name}.reencoding", ContentFile(clean.data))
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(clean.data))
    default_storage.delete(spare)
    if saved != name:
        raise OSError(f"{name} was saved again as {saved}")
    return True


def is_bare(data):
    """True if `data` holds a PNG or JPEG with nothing but the image: what `reencode` writes (and then it is
    upright, since nothing says otherwise). Lets `reencode_images` leave its own work alone when run again."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_chunks(data) is not None and set(_png_chunks(data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    if data.startswith(b"\xff\xd8"):
        markers = _jpeg_markers(data)
        allowed = {0xE0, 0xDA, 0xDB, 0xDD} | set(range(0xC0, 0xD0))  # JFIF, scans, frames, tables
        return markers is not None and set(markers) <= allowed
    return False


def _png_chunks(data):
    """The PNG's chunk types in order, or None if anything follows IEND or a chunk runs past the end."""
    chunks, at = [], 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        chunks.append(kind)
        at += 12 + length
        if kind == b"IEND":
            return chunks if at == len(data) else None
    return None


def _jpeg_markers(data):
    """The JPEG's markers in order, or None if it does not end with its end marker (EOI)."""
    if not data.endswith(b"\xff\xd9"):
        return None
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.append(marker)
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA:  # a scan: entropy-coded data runs to the next marker (0xFF not followed by 0 or RSTn)
            while at + 1 < len(data) and not (data[at] == 0xFF and data[at + 1] not in RESTARTS_AND_STUFFING):
                at += 1
        if at == len(data) - 2:
            return markers  # at EOI
    return None


RESTARTS_AND_STUFFING = {0x00, *range(0xD0, 0xD8)}
