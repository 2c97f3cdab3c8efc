"""Settings for The Body Lab.

Everything that differs between a laptop and production comes from the
environment (see the README's table). The defaults are the safe ones: DEBUG is
off unless asked for, and without DEBUG a SECRET_KEY must be given.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "signin",
    "csp",
    "pagecache",
    "uploads",
    "markdownx",
    "reversion",
    "references",
    "practitioners",
    "topics",
    "glossary",
    "articles",
    "clinic",
    "search",
    "health",
]

MIDDLEWARE = [
    # First: a page from the cache needs nothing the others do (pagecache/middleware.py).
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After the page cache, so the headers they add are stored with a page and served with it.
    "bodylab.security_headers.ContentSecurityPolicy",
    "bodylab.security_headers.PermissionsPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag and 304 for pages rendered
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a code
    "bodylab.middleware.RefuseOversizedBodies",  # after authentication: staff may upload more
    "django.contrib.messages.middleware.MessageMiddleware",
    "signin.middleware.RequireTwoStepForEditors",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bodylab.middleware.RefuseNulInAdminRequests",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a refused login into its page
]

# django-axes first: a locked-out login is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "bodylab.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"site": "bodylab.site_tags"},
        },
    },
]

WSGI_APPLICATION = "bodylab.wsgi.application"

# SQLite next to the code unless DATABASE_URL says otherwise (PostgreSQL in production). A connection
# found broken at the start of a request is replaced (conn_health_checks): the site recovers by itself
# when the database comes back.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# No request waits on the database for long: connecting gives up after DB_CONNECT_TIMEOUT seconds and a
# query after DB_STATEMENT_TIMEOUT (PostgreSQL cancels it), and the reader gets the 503 page
# (health/unavailable.py) well before gunicorn's 30 s timeout. manage.py sets no statement timeout
# unless asked: a migration or `render_articles` on a large site may rightly take longer.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "15"))
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _database_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    # 0 is PostgreSQL's "no limit"; options already in DATABASE_URL (?options=...) are kept.
    _database_options["options"] = " ".join(
        filter(None, [_database_options.get("options"), f"-c statement_timeout={round(DB_STATEMENT_TIMEOUT * 1000)}"])
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no server to lose: its wait is for another process's write lock.
    _database_options.setdefault("timeout", DB_STATEMENT_TIMEOUT or 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Fields one request may post (Django's default is 1,000); more is the site's 400 before any view runs. The
# biggest legitimate forms, measured: a reference with its 100 contributors posts about 940 fields, 1,040 with
# every row's delete box ticked; an article with 60 sections, 20 key points, 12 authors, 30 topics and 50 works
# of further reading about 540 (tests/test_bad_input.py::test_the_biggest_legitimate_forms_fit_under_the_field_cap).
# About twice the biggest.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["bodylab.formats"]  # 24-hour times in the admin too
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Hardening. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers and monitors ask gunicorn directly, over plain HTTP (health/views.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one username, or from one address,
# further attempts are refused for AXES_COOLOFF_MINUTES after the last one, without checking the password.
# Counted in the database, so every gunicorn worker and server sees the same count, and an evicted cache
# key cannot reset it. `manage.py axes_reset_username NAME` unlocks sooner (README).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "signin.lockout.locked_out_page"
AXES_CLIENT_IP_CALLABLE = "signin.lockout.client_ip"
# Behind a proxy every request comes from the proxy: name the header it sets to the client's address
# (deploy/nginx.conf sets X-Real-IP). Never without such a proxy: a client could then choose its address.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Two-step sign-in (django-otp, TOTP). With STAFF_2FA=1 superusers and Editors must sign in with a code
# from an authenticator app, and are sent to enrol one until they have; otherwise it is each user's choice.
STAFF_2FA = env_bool("STAFF_2FA")
OTP_TOTP_ISSUER = "The Body Lab"


def _origin(url):
    """ "https://cdn.example.org" for an absolute STATIC_URL or MEDIA_URL; None for a path on this site."""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp; bodylab.security_headers.ContentSecurityPolicy). Pages run only the site's
# own script files and style sheets: no inline <script>, style="" or <style>, and no nonces (the page cache
# serves one copy of a page to everyone). Images may also come from other sites over https, as articles
# may show them (README, "Images"). JSON-LD (<script type="application/ld+json">) is data, never run.
_STATIC_ORIGINS = [origin for origin in {_origin(STATIC_URL)} if origin]
_MEDIA_ORIGINS = [origin for origin in {_origin(MEDIA_URL)} if origin]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *_STATIC_ORIGINS],
        "style-src": [SELF, *_STATIC_ORIGINS],
        "img-src": [SELF, *_STATIC_ORIGINS, *_MEDIA_ORIGINS, "https:"],
        "font-src": [SELF, *_STATIC_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        # Only where the site is served over https (else a browser would ask for https that is not there).
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}
# Added under /admin/ only: Django's admin templates and scripts write style attributes and a <style>
# block (the change list, the inline rows' show/hide), so there styles may be inline. Scripts may not.
CONTENT_SECURITY_POLICY_ADMIN_ADDITIONS = {"style-src": [UNSAFE_INLINE]}
# Permissions-Policy (bodylab.security_headers.PermissionsPolicy): browser features no page of ours uses, turned
# off for the site and anything it might embed. Only names Chromium knows (an unknown one is a console warning).
PERMISSIONS_POLICY_DENIED = (
    "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "serial", "usb",
)  # fmt: skip

# The Markdown editor. Its own views are replaced by ours (articles.editor),
# mounted at the paths its widget posts to; these settings only matter to any
# markdownx code path we did not replace, and are the safe ones.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.editor.markdownify"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png"]
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_SERVER_CALL_LATENCY = 500

# The caps on every image stored: editor uploads, featured images and photos (uploads.images).
# deploy/nginx.conf lets request bodies up to 6 MB through, so that a 5 MB image gets this message.
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 25_000_000
MARKDOWNX_UPLOAD_MAX_SIZE = IMAGE_UPLOAD_MAX_BYTES

# Request bodies (bodylab.middleware.RefuseOversizedBodies): a declared length over the cap is answered
# 413 before a byte is read. Staff may send more to the endpoints that take images or files: an image
# (IMAGE_UPLOAD_MAX_BYTES) and the form around it; nginx's client_max_body_size matches.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(1024 * 1024)))
UPLOAD_REQUEST_BODY_MAX_BYTES = int(
    os.environ.get("UPLOAD_REQUEST_BODY_MAX_BYTES", str(IMAGE_UPLOAD_MAX_BYTES + 1024 * 1024))
)
# Django's own checks after ours: the form fields of an allowed body are read (the longest article's
# text fits), and a file the site accepts is held in memory rather than spooled to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_REQUEST_BODY_MAX_BYTES

ARTICLES_PER_PAGE = 10

# The cache, shared by every process and server: Redis when REDIS_URL is set (production), otherwise
# files in CACHE_DIR, which every process of one machine shares and which needs no server (`make run`).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis backend, sharing one client per connection pool (pagecache/backends.py says why).
    CACHES = {"default": {"BACKEND": "pagecache.backends.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.FileCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# The page cache (pagecache/): PAGE_CACHE=0 turns it off. A page unchanged for PAGE_CACHE_SECONDS is
# dropped to save room (a change drops it at once); shared caches (nginx, a CDN) keep public pages
# for SHARED_CACHE_SECONDS (Cache-Control: s-maxage).
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 60 * 60)))
SHARED_CACHE_SECONDS = int(os.environ.get("SHARED_CACHE_SECONDS", "60"))

# The UK reading age the clinic writes for (content.readability): the admin flags articles above it.
# The NHS writes for 9 to 11.
READING_AGE_TARGET = int(os.environ.get("READING_AGE_TARGET", "11"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every start and successful login at INFO; lockouts, which matter, are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
