from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils.module_loading import import_string
from hypothesis import settings as hypothesis_settings

from tests.factories import make_reference

DATA = Path(__file__).parent / "data"

# The same examples on every run and every machine (a failure in CI is one anyone can run again); no deadline,
# since two cores shared by several test runs make any example slow now and then.
hypothesis_settings.register_profile("bodylab", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("bodylab")


def pytest_collection_modifyitems(config, items):
    """On SQLite, what needs running once is left out: it runs on PostgreSQL, the production database.
    That is what is marked postgresql_only (the bad-input sweep, the outage and backup tests, the reference library's
    round-trip properties) and the browser tests, which test pages, not SQL.
    The sweep's cases that differ by database (NUL characters, integer overflow, long text) are marked
    every_database and run on both."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return

    def once(item):
        if item.get_closest_marker("every_database"):  # a case of a postgresql_only module that SQLite must meet too
            return False
        return item.get_closest_marker("postgresql_only") or item.get_closest_marker("browser")

    left_out = [item for item in items if once(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not once(item)]


@pytest.fixture
def demo_content(db):
    """The gait article, its two neighbours and the twelve references, as `make run` loads them."""
    call_command("load_demo_content", stdout=open("/dev/null", "w"))


@pytest.fixture
def admin_client(django_user_model):
    """A superuser in the admin, in a client of its own: the `client` fixture stays an anonymous patient."""
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("editor", password="pw"))
    return editor


@pytest.fixture
def neumann(db):
    """The work that tests.test_admin.add_form_data's intro cites."""
    return make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")


def login_as(django_user_model, role):
    """A client logged in as a staff member of the role's group (Author or Editor)."""
    user = django_user_model.objects.create_user(role.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author(django_user_model):
    return login_as(django_user_model, "Author")


@pytest.fixture
def editor(django_user_model):
    return login_as(django_user_model, "Editor")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("practitioner", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def seed_text():
    return (DATA / "seed_gait_article.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages and tags cached by one test never answer another (the database is rolled back, the cache not)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


MEDIA_STORAGES = {
    "filesystem": "django.core.files.storage.FileSystemStorage",
    "memory": "django.core.files.storage.InMemoryStorage",
}


@pytest.fixture(params=list(MEDIA_STORAGES))
def media_storage(request, settings, tmp_path):
    """default_storage as each backend in turn: on disk, as in production now, and in memory, as an S3-like
    storage is (nothing on a path the site could open). Setting STORAGES sends setting_changed, which makes
    Django rebuild default_storage, the lazy object every ImageField without its own storage uses.

    In memory, MEDIA_ROOT names a folder that does not exist and must still not exist afterwards: a file read
    by its path is not there, and a file written by its path would create it."""
    from django.core.files.storage import default_storage

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": MEDIA_STORAGES[request.param]}}
    if request.param == "memory":
        settings.MEDIA_ROOT = tmp_path / "no-media-on-disk"
    assert default_storage.__class__ is import_string(MEDIA_STORAGES[request.param])  # rebuilt, not left over
    yield default_storage
    if request.param == "memory":
        assert not settings.MEDIA_ROOT.exists(), "a media file was written by its path, not through the storage"
