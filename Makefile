# The two commands: `make run` (the site on http://127.0.0.1:8000 with SQLite)
# and `make test` (lint, then the whole suite on PostgreSQL and on SQLite).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The test suite uses its own settings module; these are only for manage.py calls below.
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

# The browser tests (tests/browser) drive Debian's Chromium with Playwright; Playwright's own
# browser downloads are never used. Without it they are reported as skipped, with the reason.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test lint format clean chromium bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo_content
	DEBUG=1 $(PY) manage.py render_articles
	DEBUG=1 $(PY) manage.py ensure_admin
	@echo "Serving The Body Lab on http://127.0.0.1:8000 (admin: http://127.0.0.1:8000/admin/). Ctrl-C stops it."
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Installs Debian's chromium when missing and running as root (as CI does); otherwise says so.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "$(CHROMIUM) not found: installing Debian's chromium package for the browser tests."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "WARNING: $(CHROMIUM) is missing and this is not root: the browser tests will be SKIPPED."; \
	  echo "         Install it with: sudo apt-get install chromium"; \
	fi

# Both databases always run, side by side, each into its own log, shown when all are done; the target fails
# if any failed. PostgreSQL runs in two halves, each on a throwaway server of its own, so the three runs share
# the two cores evenly: the suite, and what runs once (the bad-input sweep, the browser and outage tests,
# marked postgresql_only or browser). SQLite runs the suite less what runs once (tests/conftest.py).
LOGS := test-artifacts
ONCE := browser or postgresql_only
test: lint chromium
	@mkdir -p $(LOGS); status=0; \
	echo "== Test suite on PostgreSQL (throwaway servers) and on SQLite, side by side =="; \
	tests/with-postgres.sh tests/with-redis.sh $(VENV)/bin/pytest -m "not ($(ONCE))" > $(LOGS)/pytest-postgresql.log 2>&1 & suite=$$!; \
	tests/with-postgres.sh tests/with-redis.sh $(VENV)/bin/pytest -m "$(ONCE)" > $(LOGS)/pytest-postgresql-once.log 2>&1 & once=$$!; \
	env -u DATABASE_URL $(VENV)/bin/pytest > $(LOGS)/pytest-sqlite.log 2>&1 || status=1; \
	wait $$suite || status=1; \
	wait $$once || status=1; \
	echo "== Test suite on PostgreSQL =="; cat $(LOGS)/pytest-postgresql.log; \
	echo "== On PostgreSQL, what runs once: the bad-input sweep, browser and outage tests =="; cat $(LOGS)/pytest-postgresql-once.log; \
	echo "== Test suite on SQLite =="; cat $(LOGS)/pytest-sqlite.log; \
	exit $$status

# The benchmark (bench/run.sh): the site under gunicorn on a throwaway PostgreSQL with a generated large
# site, against nginx serving the same article as a static file, driven by wrk on 127.0.0.1. Installs
# Debian's wrk and nginx when missing (as root). Prints and writes bench/results.md. Not part of `make test`.
bench: $(VENV)/.installed-dev
	PY=$(PY) bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts
