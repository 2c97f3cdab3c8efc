"""Media files go only through Django's storage API, so another storage (S3, with django-storages) is a settings change.

The image, photo and editor tests run with each storage in conftest.MEDIA_STORAGES, InMemoryStorage among them:
a file opened by its path is not there, and one written by its path would create the MEDIA_ROOT that the
in-memory runs check is never made. This file adds what running code cannot show: no application code,
on any path the tests miss, reaches for a media file's place on disk.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["articles", "practitioners", "uploads", "references", "topics", "content", "search", "bodylab"]
# Where MEDIA_ROOT may be named: its definition, and runserver's serving of it (DEBUG only, files on disk only).
MEDIA_ROOT_ALLOWED = {"bodylab/settings.py", "bodylab/urls.py"}


def application_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def named(node):
    """The name a node says: a variable's, an attribute's, or one brought in by an import."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.ImportFrom):
        return {alias.name for alias in node.names}
    return set()


def path_uses(relative, source):
    """What in `source` reaches for a file by its place on disk rather than through a storage."""
    found = []
    for node in ast.walk(ast.parse(source, relative)):
        where = f"{relative}:{getattr(node, 'lineno', '?')}"
        if "MEDIA_ROOT" in named(node) and relative not in MEDIA_ROOT_ALLOWED:
            found.append(f"{where} names MEDIA_ROOT")
        if "FileSystemStorage" in named(node):
            found.append(f"{where} names FileSystemStorage")  # which storage is for the settings alone to say
        if isinstance(node, ast.Attribute) and node.attr == "path":
            owner = node.value
            is_request = (isinstance(owner, ast.Name) and owner.id == "request") or (
                isinstance(owner, ast.Attribute) and owner.attr == "request"
            )
            if not is_request:  # request.path is a URL; os.path, FieldFile.path, storage.path(...) are places on disk
                found.append(f"{where} uses .path")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            found.append(f"{where} calls open()")
    return found


def test_no_application_code_opens_a_media_file_by_its_path():
    found = [use for relative, source in application_sources() for use in path_uses(relative, source)]
    assert found == []


def test_no_template_asks_for_a_files_path():
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in re.finditer(r"[\w.]+\.path\b", path.read_text(encoding="utf-8"))
        if not match.group().startswith("request.")
    ]
    assert found == []


@pytest.mark.parametrize(
    "code",
    [
        "open(settings.MEDIA_ROOT / name)",
        "Image.open(article.featured_image.path)",
        "default_storage.path(name)",
        "os.path.join(root, name)",
        "from django.core.files.storage import FileSystemStorage",
    ],
)
def test_the_scan_finds_what_it_looks_for(code):
    assert path_uses("articles/example.py", code)


def test_the_scan_lets_urls_and_storage_calls_through():
    code = "request.path\nself.request.path\ndefault_storage.open(name, 'rb')\nposixpath.splitext(name)\nphoto.url"
    assert path_uses("articles/example.py", code) == []


def test_production_keeps_files_on_disk_by_default():
    from bodylab import settings

    assert settings.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
