"""The documented backup and restore (deploy/backup.sh, deploy/restore.sh) gives back the same site.

On the suite's PostgreSQL: the demo content with a featured image, its public pages rendered; a backup;
a restore into a new database and media folder; the site pointed at them, in another process, renders
the same pages byte for byte.
"""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from references.models import Reference
from tests import public_pages
from tests.helpers import store_image

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgresql_only


def database_url(name):
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


def files_under(folder):
    return {path.relative_to(folder): path.read_bytes() for path in Path(folder).rglob("*") if path.is_file()}


@pytest.fixture
def restored_database(transactional_db):
    name = connection.settings_dict["NAME"] + "_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # a new, empty database, as the README's procedure asks
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_restored_backup_serves_the_same_public_pages(restored_database, settings, tmp_path):
    settings.PAGE_CACHE = False
    call_command("load_demo_content", stdout=open(os.devnull, "w"))
    store_image("articles/featured/walking.png", (1600, 900))
    Article.objects.filter(slug="walking-foot-pain-and-why-real-change-takes-time").update(
        featured_image="articles/featured/walking.png", featured_image_alt="A patient walking on a treadmill"
    )
    call_command("render_articles", stdout=open(os.devnull, "w"))  # the stored page shows it too
    key = Reference.objects.public().order_by("key").first().key
    before = public_pages.render(key)
    assert {status for status, _ in before.values()} == {200}
    for page in ("/", public_pages.GAIT):  # the pages show the image's copies, made from the file
        assert b'width="1600" height="900" srcset="/media/renditions/articles/featured/walking-' in before[page][1]

    environment = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "CACHE_DIR")}
    environment.update(DATABASE_URL=database_url(connection.settings_dict["NAME"]), MEDIA_ROOT=settings.MEDIA_ROOT)
    backup = subprocess.run(
        ["deploy/backup.sh", tmp_path / "backups"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip())
    assert sorted(path.name for path in folder.iterdir()) == ["database.dump", "media.tar"]

    restored_media = tmp_path / "restored-media"
    environment.update(
        DATABASE_URL=database_url(restored_database),
        MEDIA_ROOT=str(restored_media),
        DJANGO_SETTINGS_MODULE="tests.settings",
        PAGE_CACHE="0",
        PY=sys.executable,
    )
    restore = subprocess.run(["deploy/restore.sh", folder], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert restore.returncode == 0, restore.stderr
    assert files_under(restored_media) == files_under(settings.MEDIA_ROOT)

    rendered = tmp_path / "restored-pages.json"
    subprocess.run(
        [sys.executable, "-m", "tests.public_pages", rendered, key], cwd=ROOT, env=environment, check=True, timeout=120
    )
    after = {
        path: (status, base64.b64decode(body)) for path, (status, body) in json.loads(rendered.read_text()).items()
    }
    assert list(after) == list(before)
    for path in before:
        assert after[path] == before[path], f"{path} differs after the restore"
