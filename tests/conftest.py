from pathlib import Path

import pytest
from django.core.management import call_command

DATA = Path(__file__).parent / "data"


@pytest.fixture
def demo_content(db):
    """The gait article, its two neighbours and the twelve references, as `make run` loads them."""
    call_command("load_demo_content", stdout=open("/dev/null", "w"))


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("practitioner", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def seed_text():
    return (DATA / "seed_gait_article.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
