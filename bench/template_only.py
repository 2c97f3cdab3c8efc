"""Settings and URLs of a Django that serves the saved article page from a template, with no database.

Issue 9's reference point for a cached page ("plain Django rendering the same HTML from a template, no
database"): a cache hit must cost no more than this. bench/run.sh runs it under gunicorn like the site:

    BENCH_TEMPLATE_DIR=DIR DJANGO_SETTINGS_MODULE=template_only gunicorn --pythonpath bench,. \
        django.core.wsgi:get_wsgi_application()

DIR holds the saved page as article.html; every URL answers it (bench/template_only_urls.py), rendered by
Django's template engine through the site's own middleware (less the page cache), with no database configured.
"""

import os

from bodylab.settings import *  # noqa: F403

DATABASES = {}
# The site's middleware, less the page cache (what this row is the yardstick for).
MIDDLEWARE = [name for name in MIDDLEWARE if name != "pagecache.middleware.PageCacheMiddleware"]  # noqa: F405
ROOT_URLCONF = "template_only_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.environ["BENCH_TEMPLATE_DIR"]],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
