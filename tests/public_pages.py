"""The public pages as anonymous readers get them, rendered with Django's test Client (page cache off).

Used by tests/test_backups.py in its own process and, against the restored database, in another:
    python -m tests.public_pages OUTPUT.json REFERENCE_KEY     (with DATABASE_URL, PAGE_CACHE=0)
"""

import base64
import json
import sys

GAIT = "/articles/walking-foot-pain-and-why-real-change-takes-time/"


def paths(reference_key):
    return ["/", GAIT, "/references/", f"/references/{reference_key}/", "/topics/", "/practitioners/"] + [
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap.xml",
        "/references/export/library.bib",
    ]


def render(reference_key):
    """{path: (status, the body's bytes)}."""
    from django.test import Client

    client = Client()
    return {path: _answer(client.get(path)) for path in paths(reference_key)}


def _answer(response):
    return response.status_code, b"".join(response) if response.streaming else response.content


if __name__ == "__main__":
    import os

    import django
    from django.test.utils import setup_test_environment

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    setup_test_environment()  # the test Client's host, "testserver", is allowed
    output, key = sys.argv[1:]
    pages = {path: [status, base64.b64encode(body).decode()] for path, (status, body) in render(key).items()}
    with open(output, "w") as file:
        json.dump(pages, file)
