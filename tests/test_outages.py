"""When the database is down, frozen or slow: 503 pages, health endpoints, and recovery without a restart.

The outage tests run the site as production does, under gunicorn with deploy/gunicorn.conf.py, against
the suite's throwaway PostgreSQL, and stop, freeze or lock that real server (tests/postgres_server.py).
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tests import postgres_server

ROOT = Path(__file__).resolve().parent.parent
GAIT = "/articles/walking-foot-pain-and-why-real-change-takes-time/"
TENDONS = "/articles/rebuilding-injured-tendons/"
NEVER_CACHED = "max-age=0, no-cache, no-store, must-revalidate, private"  # Django's never_cache
UNAVAILABLE_HEADING = "<h1>This page is temporarily unavailable</h1>"


# --- The database connection's limits ---------------------------------------------------------------------


@pytest.mark.django_db
def test_connections_carry_the_connect_and_statement_timeouts():
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("15s",)
        assert connection.connection.info.dsn_parameters["connect_timeout"] == "3"
    else:
        assert connection.get_connection_params()["timeout"] == 15


@pytest.mark.postgresql_only
@pytest.mark.django_db
def test_management_commands_have_no_statement_timeout_unless_asked():
    environment = {key: value for key, value in os.environ.items() if key != "DB_STATEMENT_TIMEOUT"}
    script = "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script + "; print(c.fetchone()[0])"],
        cwd=ROOT,
        env={**environment, "SECRET_KEY": "k" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "0"  # PostgreSQL's "no limit"


# --- Health endpoints, in-process on both databases -------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == NEVER_CACHED
    assert response["X-Page-Cache"] == "bypass"


@pytest.mark.django_db
def test_readyz_lists_each_check(client, settings):
    Path(settings.MEDIA_ROOT).mkdir(parents=True)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"database: ok\ncache: ok\nmedia: ok\n")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == NEVER_CACHED
    assert response["X-Page-Cache"] == "bypass"
    assert client.get("/readyz")["X-Page-Cache"] == "bypass"  # never stored


@pytest.mark.django_db
def test_readyz_names_the_media_storage_when_its_folder_is_missing(client, settings):
    assert not Path(settings.MEDIA_ROOT).exists()  # a volume not mounted
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"database: ok\ncache: ok\nmedia: failed\n")


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_does_not_answer(client, settings, caplog):
    Path(settings.MEDIA_ROOT).mkdir(parents=True)
    with socket.socket() as closed:  # a port nothing listens on: connection refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.CACHES = {
        "default": {"BACKEND": "pagecache.backends.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    settings.PAGE_CACHE = False
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"database: ok\ncache: failed\nmedia: ok\n")
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "health.views"] == [
        "Readiness check cache failed"
    ]


def test_a_programming_error_is_still_the_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in response.content.decode()
    assert "Retry-After" not in response


# --- The site under gunicorn, with the real PostgreSQL stopped, frozen or locked --------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """gunicorn serving the test database with deploy/gunicorn.conf.py; its log is kept to read."""

    def __init__(self, port, process, log):
        self.port, self.process, self.log = port, process, log

    def get(self, path, **headers):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)  # a safety net, not a measure
        try:
            client.request("GET", path, headers={"Host": "localhost", **headers})
            response = client.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            client.close()

    def log_lines(self, text):
        return [line for line in self.log.read_text().splitlines() if text in line]

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return sorted(int(pid) for pid in children.split())


@pytest.fixture(scope="module")
def site(django_db_setup, tmp_path_factory):
    postgres_server.require()
    database = connections["default"].settings_dict
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}  # its own file cache
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        DB_STATEMENT_TIMEOUT="1",  # so that a locked table times out quickly
        WEB_CONCURRENCY="1",
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as output:
        process = subprocess.Popen([*command, "bodylab.wsgi"], cwd=ROOT, env=environment, stdout=output, stderr=output)
    server = Site(port, process, log)
    try:
        for _ in range(300):
            try:
                if server.get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.postgresql_only
def test_database_down_gives_503_pages_and_the_site_recovers_by_itself(site, transactional_db):
    call_command("load_demo_content", stdout=open(os.devnull, "w"))
    workers = site.worker_pids()
    assert site.get(GAIT)[1]["X-Page-Cache"] == "miss"  # now in the page cache

    with postgres_server.stopped():
        status, headers, body = site.get(TENDONS)  # not in the page cache
        assert (status, headers["Retry-After"], headers["Cache-Control"]) == (503, "30", "no-store")
        assert UNAVAILABLE_HEADING in body
        assert "<title>Temporarily unavailable — The Body Lab</title>" in body  # the site's frame
        assert site.get("/readyz")[::2] == (503, "database: failed\ncache: ok\nmedia: ok\n")
        assert site.get("/healthz")[::2] == (200, "ok\n")
        status, headers, _ = site.get("/static/css/site.css")
        assert (status, headers["Content-Type"]) == (200, 'text/css; charset="utf-8"')
        status, headers, body = site.get(GAIT)  # a page cache hit needs no database
        assert (status, headers["X-Page-Cache"]) == (200, "hit")
        assert "<h1>Walking, Foot Pain, and Why Real Change Takes Time</h1>" in body

    # Logged once, in one line, naming the cause and the page; no traceback.
    [logged] = site.log_lines("The database did not answer")
    assert logged.startswith("The database did not answer (OperationalError: connection to server at")
    assert logged.endswith(f"GET {TENDONS} got the 503 page")
    assert site.log_lines("Traceback") == []

    status, headers, body = site.get(TENDONS)
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert "<h1>Rebuilding Injured Tendons" in body
    assert site.get("/readyz")[::2] == (200, "database: ok\ncache: ok\nmedia: ok\n")
    assert site.worker_pids() == workers  # no worker was restarted


@pytest.mark.postgresql_only
def test_a_query_past_the_statement_timeout_gives_503(site, transactional_db):
    missing = "/articles/no-such-article/"  # never stored: its 404 is not cached
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")  # the page's query waits
        status, headers, body = site.get(missing)
    assert (status, headers["Retry-After"]) == (503, "30")
    assert UNAVAILABLE_HEADING in body
    assert site.log_lines("canceling statement due to statement timeout") != []
    assert site.get(missing)[0] == 404  # the lock is gone, so is the 503


@pytest.mark.postgresql_only
def test_a_frozen_database_gives_503_after_the_connect_timeout(site, transactional_db):
    with connection.cursor() as cursor:  # the worker's open connection ends: its next request connects anew
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
    with postgres_server.frozen():
        status, headers, body = site.get(TENDONS + "?frozen")  # a page not in the cache
        assert (status, headers["Retry-After"]) == (503, "30")
        assert site.log_lines("timeout expired") != []  # libpq's connect_timeout
    assert site.get("/readyz")[::2] == (200, "database: ok\ncache: ok\nmedia: ok\n")
