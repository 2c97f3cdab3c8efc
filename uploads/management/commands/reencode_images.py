import posixpath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

import pagecache
from uploads.images import ReencodedImageField, UploadRefused, reencode_stored
from uploads.renditions import RENDITIONS_FOLDER, cached_picture


class Command(BaseCommand):
    help = (
        "Once, when upgrading: re-encode every image stored before uploads were re-encoded (editor images, "
        "featured images, photos) in place, under the same names, without metadata; then make their renditions "
        "and render the articles again. Images already clean are left alone, so running it again is safe."
    )

    def handle(self, *args, **options):
        in_fields = _images_in_fields()  # {name: [the rows whose image field holds it]}
        names = sorted(set(in_fields) | set(_files(settings.MARKDOWNX_MEDIA_PATH.rstrip("/"))))
        rewritten = set()
        for name in names:
            try:
                if reencode_stored(name):
                    rewritten.add(name)
                    _delete_renditions(name)
            except FileNotFoundError:
                self.stdout.write(self.style.WARNING(f"{name}: missing from the storage"))
            except UploadRefused as refused:
                self.stdout.write(self.style.WARNING(f"{name}: left as it is, {refused.reason}; replace it"))
        self.stdout.write(f"Re-encoded {len(rewritten)} of {len(names)} images.")
        if not rewritten:
            return
        call_command("render_articles", stdout=self.stdout)  # new renditions for the images in articles' text
        for name in sorted(rewritten & set(in_fields)):
            cached_picture(name)  # featured images and photos: their renditions now, not for the first reader
            pagecache.invalidate(*(pagecache.tag_for(row) for row in in_fields[name]))  # pages showing the old ones


def _images_in_fields():
    """The names every ReencodedImageField of every model holds, with the rows holding each."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, ReencodedImageField):
                for row in model._default_manager.exclude(**{field.name: ""}):
                    found.setdefault(getattr(row, field.attname).name, []).append(row)
    return found


def _files(folder):
    """Every file default_storage holds under `folder`."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{file}" for file in files if not file.endswith(".reencoding")]
    for sub in folders:
        found += _files(f"{folder}/{sub}")
    return found


def _delete_renditions(name):
    """The renditions of the image as it was (renditions.rendition_name: its name, a hash, a width)."""
    stem = posixpath.splitext(name)[0]
    folder, prefix = posixpath.split(f"{RENDITIONS_FOLDER}/{stem}-")
    for file in _files(folder):
        if posixpath.basename(file).startswith(prefix):
            default_storage.delete(file)
