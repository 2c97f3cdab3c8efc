"""Settings and URLs of a Django that serves the saved article page from a template, with no database.

Issue 9's reference point for a cached page ("plain Django rendering the same HTML from a template, no
database"): a cache hit must cost no more than this. bench/run.sh runs it under gunicorn like the site:

    BENCH_TEMPLATE_DIR=DIR DJANGO_SETTINGS_MODULE=template_only gunicorn --pythonpath bench,. \
        django.core.wsgi:get_wsgi_application()

DIR holds the saved page as article.html; every URL answers it, rendered by Django's template engine
through the site's own middleware (less the admin's guard and the page cache), with no database configured.
"""

import os

from django.shortcuts import render
from django.urls import re_path

from bodylab.settings import *  # noqa: F403

DATABASES = {}
# The site's middleware, less those that guard the admin's URLs (there is no admin here) and the page
# cache (what this row is the yardstick for).
LEFT_OUT = {
    "bodylab.middleware.RefuseNulInAdminRequests",
    "signin.middleware.RequireTwoStepForEditors",
    "pagecache.middleware.PageCacheMiddleware",
}
MIDDLEWARE = [name for name in MIDDLEWARE if name not in LEFT_OUT]  # noqa: F405
ROOT_URLCONF = "template_only"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.environ["BENCH_TEMPLATE_DIR"]],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]


def article(request, path=""):
    return render(request, "article.html")


urlpatterns = [re_path(r"^(?P<path>.*)$", article)]
