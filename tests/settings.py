"""Settings for the test suite: production settings with test-only secrets and storage."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from bodylab.settings import *  # noqa: E402,F403

DEBUG = False
SECURE_SSL_REDIRECT = False
# The test servers speak plain http, so browsers must not be told to upgrade to https (settings.py does the same).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = SECURE_SSL_REDIRECT  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest to build before tests run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# A folder of its own, unless the environment names one (tests/public_pages.py reads a restored backup's).
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="bodylab-test-media-")
# Serve static files from the source folders, as runserver does, without collectstatic.
STATIC_ROOT = tempfile.mkdtemp(prefix="bodylab-test-static-")
WHITENOISE_USE_FINDERS = True

# The cache the suite runs on: the throwaway Redis of `make test` (tests/with-redis.sh sets REDIS_URL) on
# one run, the embedded file cache in a temporary folder on the other. Emptied before every test.
if not REDIS_URL and not os.environ.get("CACHE_DIR"):  # noqa: F405
    CACHES = {"default": {**CACHES["default"], "LOCATION": tempfile.mkdtemp(prefix="bodylab-test-cache-")}}  # noqa: F405
