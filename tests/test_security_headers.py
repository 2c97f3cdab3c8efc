"""Content-Security-Policy and Permissions-Policy: strict on public pages, what the admin needs there,
the same header on a page from the cache, and no inline script or style on any public page."""

import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from articles.models import Article
from bodylab.settings import _origin
from practitioners.models import Practitioner
from references.models import Reference
from tests.factories import GAIT_URL
from topics.models import Topic

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' https:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
ADMIN_POLICY = PUBLIC_POLICY | {"style-src": "'self' 'unsafe-inline'"}
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()"
)


def directives(response):
    header = response["Content-Security-Policy"]
    parts = [part.partition(" ") for part in header.split("; ")]
    assert [name for name, _, _ in parts] == sorted(name for name, _, _ in parts), "one order in every process"
    return {name: value for name, _, value in parts}


def public_urls():
    """Every kind of public page, with the demo content's gait article (citations, timeline, JSON-LD)."""
    article = Article.objects.published().get(slug="walking-foot-pain-and-why-real-change-takes-time")
    return {
        "/": 200,
        GAIT_URL: 200,
        "/topics/": 200,
        Topic.objects.filter(articles=article).first().get_absolute_url(): 200,
        "/practitioners/": 200,
        Practitioner.objects.first().get_absolute_url(): 200,
        "/references/": 200,
        Reference.objects.public().first().get_absolute_url(): 200,
        "/search/?q=walking": 200,
        "/feeds/rss/": 200,
        "/feeds/atom/": 200,
        "/sitemap.xml": 200,
        "/robots.txt": 200,
        "/no-such-page/": 404,
    }


def test_public_pages_carry_the_strict_policies_and_no_inline_script_or_style(client, demo_content):
    for url, status in public_urls().items():
        response = client.get(url)
        assert response.status_code == status, url
        assert directives(response) == PUBLIC_POLICY, url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        soup = BeautifulSoup(response.content, "html.parser")
        inline_scripts = [
            script
            for script in soup.find_all("script")
            if not script.get("src") and script.get("type") != "application/ld+json"
        ]
        assert inline_scripts == [], url
        assert soup.find_all("style") == [], url
        assert soup.find_all(style=True) == [], url
        assert [tag.name for tag in soup.find_all() if any(name.startswith("on") for name in tag.attrs)] == [], url


def test_a_page_from_the_cache_carries_the_same_headers(client, demo_content):
    first = client.get(GAIT_URL)
    second = client.get(GAIT_URL)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for header in ("Content-Security-Policy", "Permissions-Policy"):
        assert second[header] == first[header]
    assert directives(second) == PUBLIC_POLICY


def test_the_admin_may_use_inline_styles_but_no_inline_script(admin_client):
    for url in ("/admin/", "/admin/articles/article/add/", "/admin/references/reference/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == ADMIN_POLICY, url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url


def test_static_files_carry_the_permissions_policy_too(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_static_and_media_on_another_host_are_allowed_by_origin():
    assert _origin("https://cdn.example.org/static/") == "https://cdn.example.org"
    assert _origin("static/") is None and _origin("/media/") is None


@pytest.mark.parametrize(
    ("environment", "upgrades"),
    [({}, True), ({"SECURE_SSL_REDIRECT": "0"}, False), ({"DEBUG": "1"}, False)],
)
def test_browsers_are_told_to_upgrade_to_https_where_the_site_is_served_over_https(environment, upgrades):
    """Production (https, the default without DEBUG) asks for https everywhere; plain http must not."""
    read = "import bodylab.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", **environment}
    printed = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == str(upgrades)
