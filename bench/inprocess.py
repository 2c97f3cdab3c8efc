"""What the benchmark measures inside Django, against the benchmark's database: SQL queries and an admin save.

    inprocess.py queries OUT.json URL...   queries and size of one GET of each URL (the second of two), and the
                                           median time of five more
    inprocess.py admin-save OUT.json SLUG  server time and queries of saving an article's admin change form

Both go through Django's test Client: the whole middleware stack and the views, as under gunicorn, with
no HTTP in between. The settings come from the environment, as the site's do: run it with the same
variables as the gunicorn it stands for (PAGE_CACHE=0 or unset).
"""

import contextlib
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodylab.settings")

import django  # noqa: E402

django.setup()

from bs4 import BeautifulSoup  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from reversion.models import Version  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.helpers import admin_form_data  # noqa: E402

SAVES = 5  # timed admin saves, after one that warms the process up
ALONE = 5  # timed requests of each page, one at a time: their median is "one request alone"


def client():
    # The host the gunicorn under test answers as (ALLOWED_HOSTS), not the test Client's "testserver".
    return Client(SERVER_NAME="127.0.0.1")


def queries(out, urls):
    browser, results = client(), {}
    for url in urls:
        browser.get(url)  # the first request of a process fills Django's own caches (content types, templates)
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(url)
        count = len(captured.captured_queries)  # now: the next request resets the log it reads
        alone = []
        for _ in range(ALONE):  # timed without capturing queries: the page alone, no concurrency
            started = time.perf_counter()
            browser.get(url)
            alone.append((time.perf_counter() - started) * 1000)
        alone_ms = statistics.median(alone)
        body = response.content
        results[url] = {
            "alone_ms": alone_ms,
            "status": response.status_code,
            "queries": count,
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
            "content_encoding": response.get("Content-Encoding", ""),
        }
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code} in-process, not 200")
    Path(out).write_text(json.dumps(results, indent=2))


def admin_save(out, slug):
    """Open the change form, edit one sentence of a section, save: a practitioner's save, timed on the server.

    One save first warms the process up; then SAVES timed saves (wall time of the POST, in-process:
    from the request entering Django to the redirect leaving it, database round trips included),
    then one more save inside CaptureQueriesContext for its query count (capturing costs time too).
    """
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    browser = client()
    browser.force_login(user)
    article = Article.objects.get(slug=slug)
    url = f"/admin/articles/article/{article.pk}/change/"

    def one_save(n, captured=None):
        page = browser.get(url)
        assert page.status_code == 200, page.status_code
        data = admin_form_data(page.content.decode())
        body = data["sections-0-body"][0]
        edit = " This sentence was edited by the benchmark."
        data["sections-0-body"] = [body.replace(edit, "") if edit in body else body + edit]
        with captured if captured is not None else contextlib.nullcontext():
            started, cpu_started = time.perf_counter(), time.process_time()
            response = browser.post(url, data)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 302:
            errors = BeautifulSoup(response.content, "html.parser").select(".errorlist, .errornote")
            sys.exit(f"the admin save {n} answered {response.status_code}: {[e.get_text(' ') for e in errors]}")
        return elapsed * 1000, cpu * 1000

    one_save("warm-up")
    timings = [one_save(n) for n in range(1, SAVES + 1)]
    captured = CaptureQueriesContext(connection)
    one_save("counted", captured)
    wall = [t[0] for t in timings]
    result = {
        "saves": SAVES,
        "wall_ms_median": statistics.median(wall),
        "wall_ms_max": max(wall),
        "cpu_ms_median": statistics.median(t[1] for t in timings),
        "queries": len(captured.captured_queries),
        "revisions_made": Version.objects.get_for_object(article).count(),
    }
    Path(out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    command, out, *rest = sys.argv[1:]
    if command == "queries":
        queries(out, rest)
    elif command == "admin-save":
        admin_save(out, *rest)
    else:
        sys.exit(__doc__)
