"""The page cache (pagecache/): who it serves, and that every change refreshes exactly the pages showing it.

The suite runs twice (Makefile): on PostgreSQL with the throwaway Redis of tests/with-redis.sh, and on
SQLite with the embedded file cache, so each test here runs on both caches. "miss" means the page was
rendered (and stored), "hit" that it came from the cache, "bypass" that the cache was not used.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

import pagecache
from articles.models import Article
from tests.factories import make_article, make_practitioner, make_reference
from topics.models import Topic

ROOT = Path(__file__).resolve().parent.parent
HEADER = "X-Page-Cache"


def state(client, url, **headers):
    return client.get(url, **headers).headers.get(HEADER)


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert state(client, url) == "hit", url


@pytest.fixture
def site(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as if each step were committed
        return _site()


def _site():
    """Five published articles a..e, oldest first (so a's Next is b), and what they show.

    a: topic Gait, by Jo Hart, cites Smith (2020). d: topic Knee, by Sam Lee, cites Jones (2021) and shares
    nothing with a, and is no neighbour of a: a change to a leaves d's page alone.
    """
    gait, knee = Topic.objects.create(name="Gait", slug="gait"), Topic.objects.create(name="Knee", slug="knee")
    hart, lee = make_practitioner("Jo Hart", slug="jo-hart"), make_practitioner("Sam Lee", slug="sam-lee")
    smith = make_reference("smith2020", authors=("Smith",), year=2020, title="Walking and pain")
    jones = make_reference("jones2021", authors=("Jones",), year=2021, title="Knees under load")
    articles = {}
    for name, days_ago in zip("abcde", (50, 40, 30, 20, 10), strict=True):
        articles[name] = make_article(f"Article {name.upper()}", slug=f"article-{name}", days_ago=days_ago)
    a, d = articles["a"], articles["d"]
    a.intro, d.intro = "Walking helps (Smith, 2020).", "Loading helps (Jones, 2021)."
    a.save()
    d.save()
    a.topics.add(gait)
    d.topics.add(knee)
    a.authorships.create(practitioner=hart, position=1)
    d.authorships.create(practitioner=lee, position=1)
    for article in (a, d):
        article.render_content()
    cache.clear()  # every test starts with nothing cached
    return {**articles, "gait": gait, "knee": knee, "hart": hart, "lee": lee, "smith": smith, "jones": jones}


def url(article):
    return article.get_absolute_url()


# Who is served from the cache


def test_an_anonymous_reader_gets_a_stored_page_without_the_database(client, site, django_assert_num_queries):
    first = client.get(url(site["a"]))
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url(site["a"]))
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"


PUBLIC_PAGES = [
    "/",
    "/articles/article-a/",
    "/topics/",
    "/topics/gait/",
    "/practitioners/",
    "/practitioners/jo-hart/",
    "/references/",
    "/references/smith2020/",
    "/references/export/library.bib",
    "/references/export/articles/article-a.ris",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_is_served_from_the_cache(client, site, page):
    assert state(client, page) == "miss"
    assert state(client, page) == "hit"


def test_a_shared_link_s_tracking_parameters_are_the_page_without_them(client, site):
    """A post on social media adds one fbclid per click: each would be a miss, and a page of its own."""
    warm(client, url(site["a"]))
    for shared in ("?fbclid=IwAR0abc", "?fbclid=IwAR0xyz&utm_source=facebook", "?UTM_Medium=social&gclid=x", "?&&"):
        assert state(client, url(site["a"]) + shared) == "hit", shared
    assert state(client, url(site["a"]) + "?utm_source=x&page=2") == "miss"  # other parameters still count


def test_a_list_first_asked_for_with_tracking_parameters_links_without_them(client, site):
    for number in range(6):  # eleven articles: two pages of ten
        make_article(f"More {number}", slug=f"more-{number}", days_ago=number + 1, render=False)
    first = client.get("/?utm_source=newsletter&page=1&fbclid=abc")
    assert first[HEADER] == "miss"
    assert [a["href"] for a in BeautifulSoup(first.content, "html.parser").select(".pagination a")] == ["?page=2"]
    assert state(client, "/?page=1") == "hit"


def test_logged_in_readers_never_read_or_fill_the_cache(client, site, admin_client):
    assert state(admin_client, "/") is None  # rendered for them, not stored
    assert state(client, "/") == "miss"
    response = admin_client.get("/")
    assert response.status_code == 200 and HEADER not in response  # not served the anonymous copy
    assert state(client, "/") == "hit"


def test_drafts_previews_and_errors_are_never_stored(client, site, admin_client):
    draft = make_article("Not yet", slug="not-yet", status=Article.Status.DRAFT)
    staff_page = admin_client.get(url(draft))
    assert staff_page.status_code == 200 and "private" in staff_page["Cache-Control"]
    for _ in range(2):
        response = client.get(url(draft))
        assert (response.status_code, response[HEADER]) == (404, "bypass")
    for _ in range(2):
        assert state(client, "/search/?q=walking") == "bypass"  # any words: search pages are not kept


def test_other_methods_never_come_from_the_cache(client, site):
    warm(client, "/")
    response = client.post("/")
    assert response.status_code == 405 and HEADER not in response


def set_a_cookie(request):
    response = HttpResponse("a page that sets a cookie")
    response.set_cookie("chosen", "yes")
    return response


urlpatterns = [path("cookie/", pagecache.public_page(set_a_cookie)), path("", include("bodylab.urls"))]


def test_an_answer_that_sets_a_cookie_is_not_stored(client, settings, db):
    settings.ROOT_URLCONF = __name__
    for _ in range(2):
        response = client.get("/cookie/")
        assert response[HEADER] == "bypass" and response.cookies["chosen"].value == "yes"


def test_page_cache_0_turns_it_off(client, site, settings):
    settings.PAGE_CACHE = False
    for _ in range(2):
        response = client.get(url(site["a"]))
        assert response.status_code == 200 and HEADER not in response


def test_pages_are_served_without_the_cache_when_it_is_unreachable(client, site, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    response = client.get(url(site["a"]))
    assert response.status_code == 200 and HEADER not in response
    assert "Article A" in response.content.decode()
    site["a"].title = "Article A, saved while the cache is down"
    site["a"].save()  # the change is saved; the cache's failure is logged
    assert "The page cache could not be told" in caplog.text


def test_a_release_with_other_static_files_reads_none_of_the_pages_stored_before(client, site, monkeypatch):
    """Pages name hashed CSS and JS files (site.d0ba215b1a80.css): another manifest, other pages."""
    monkeypatch.setattr(pagecache.store, "staticfiles_storage", SimpleNamespace(manifest_hash="release-1"))
    warm(client, url(site["a"]))
    monkeypatch.setattr(pagecache.store, "staticfiles_storage", SimpleNamespace(manifest_hash="release-2"))
    assert [state(client, url(site["a"])) for _ in range(2)] == ["miss", "hit"]


# HTTP caching


def test_public_pages_tell_browsers_to_revalidate_and_shared_caches_to_keep_them(client, site, settings):
    response = client.get(url(site["a"]))
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", f"s-maxage={settings.SHARED_CACHE_SECONDS}"}


@pytest.mark.parametrize("page_cache", [True, False])
def test_an_unchanged_page_answers_304_to_its_etag(client, site, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    etag = client.get(url(site["a"]))["ETag"]
    assert etag.startswith('"')
    assert client.get(url(site["a"]), HTTP_IF_NONE_MATCH=etag).status_code == 304
    site["a"].title = "Article A, corrected"
    site["a"].save()
    changed = client.get(url(site["a"]), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# Exact invalidation: the pages showing a change are fresh on the next request, the others stay cached.


def test_editing_an_article_refreshes_its_page_its_neighbours_and_the_lists_it_is_on(client, site):
    a = site["a"]
    shows_a = [url(a), url(site["b"]), "/", "/topics/gait/", "/practitioners/jo-hart/", "/feeds/atom/"]
    shows_nothing_of_a = [url(site["d"]), "/topics/knee/", "/practitioners/sam-lee/", "/references/jones2021/"]
    warm(client, *shows_a, *shows_nothing_of_a)
    a.title = "Walking, corrected"
    a.save()
    for page in shows_a:
        response = client.get(page)
        assert (response[HEADER], "Walking, corrected" in response.content.decode()) == ("miss", True), page
    for page in shows_nothing_of_a:
        assert state(client, page) == "hit", page


def test_editing_a_section_refreshes_its_article(client, site):
    warm(client, url(site["a"]), url(site["d"]))
    section = site["a"].sections.get()
    section.body = "Newly written advice."
    section.save()
    site["a"].render_content()
    response = client.get(url(site["a"]))
    assert response[HEADER] == "miss" and "Newly written advice." in response.content.decode()
    assert state(client, url(site["d"])) == "hit"


def test_editing_a_reference_refreshes_the_articles_citing_it(client, site, django_capture_on_commit_callbacks):
    warm(client, url(site["a"]), "/references/smith2020/", "/references/", url(site["d"]))
    smith = site["smith"]
    smith.title = "Walking and foot pain"
    with django_capture_on_commit_callbacks(execute=True):
        smith.save()  # the articles citing it are rendered again once the change commits
    for page in (url(site["a"]), "/references/smith2020/", "/references/"):
        response = client.get(page)
        assert (response[HEADER], "Walking and foot pain" in response.content.decode()) == ("miss", True), page
    assert state(client, url(site["d"])) == "hit"


def test_citing_a_work_for_the_first_time_shows_it_in_the_public_library(client, site):
    make_reference("brown2018", authors=("Brown",), year=2018, title="Arches at rest")  # cited nowhere yet
    warm(client, "/references/", url(site["b"]))
    assert "Arches at rest" not in client.get("/references/").content.decode()
    b = site["b"]
    b.intro = "Arches matter (Brown, 2018)."
    b.save()
    b.render_content()
    library = client.get("/references/")
    assert (library[HEADER], "Arches at rest" in library.content.decode()) == ("miss", True)
    page = BeautifulSoup(client.get(url(b)).content, "html.parser")
    assert [item["id"] for item in page.select(".reference-list li")] == ["ref-brown2018"]


def test_renaming_a_practitioner_refreshes_their_pages_and_bylines(client, site):
    warm(client, url(site["a"]), "/practitioners/", "/practitioners/jo-hart/", url(site["d"]))
    site["hart"].name = "Jo Hart-Evans"
    site["hart"].save()
    for page in (url(site["a"]), "/practitioners/", "/practitioners/jo-hart/"):
        response = client.get(page)
        assert (response[HEADER], "Jo Hart-Evans" in response.content.decode()) == ("miss", True), page
    assert state(client, url(site["d"])) == "hit"


def test_renaming_a_topic_refreshes_its_pages_and_its_articles(client, site):
    warm(client, url(site["a"]), "/topics/", "/topics/gait/", url(site["d"]), "/topics/knee/")
    site["gait"].name = "Walking"
    site["gait"].save()
    for page in (url(site["a"]), "/topics/", "/topics/gait/"):
        response = client.get(page)
        assert (response[HEADER], "Walking" in response.content.decode()) == ("miss", True), page
    assert state(client, url(site["d"])) == "hit"
    assert state(client, "/topics/knee/") == "hit"


def test_adding_a_topic_to_an_article_refreshes_that_topic_s_pages(client, site):
    warm(client, "/topics/knee/", "/topics/", "/topics/gait/")
    site["a"].topics.add(site["knee"])
    knee = client.get("/topics/knee/")
    assert knee[HEADER] == "miss" and "Article A" in knee.content.decode()
    assert state(client, "/topics/") == "miss"  # its count of articles


def test_adding_an_author_refreshes_the_practitioner_s_page(client, site):
    warm(client, "/practitioners/sam-lee/", url(site["b"]))
    site["b"].authorships.create(practitioner=site["lee"], position=1)
    page = client.get("/practitioners/sam-lee/")
    assert page[HEADER] == "miss" and "Article B" in page.content.decode()
    assert state(client, url(site["b"])) == "miss"


def test_further_reading_added_shows_on_the_article(client, site):
    warm(client, url(site["c"]), url(site["e"]))
    extra = make_reference("brown2019", authors=("Brown",), year=2019, title="Shoes and feet")
    site["c"].further_reading.add(extra)
    response = client.get(url(site["c"]))
    assert response[HEADER] == "miss" and "Shoes and feet" in response.content.decode()
    assert state(client, url(site["e"])) == "hit"
    assert client.get("/references/brown2019/").status_code == 200


def test_publishing_an_article_adds_it_to_the_lists_and_to_its_neighbours(client, site):
    between_b_and_c = timezone.now() - datetime.timedelta(days=35)
    draft = make_article("Fresh news", slug="fresh-news", status=Article.Status.DRAFT, published_at=between_b_and_c)
    warm(client, "/", url(site["b"]), url(site["c"]), "/feeds/atom/", "/sitemap.xml")
    draft.status = Article.Status.PUBLISHED
    draft.save()
    for page in ("/", url(site["b"]), url(site["c"]), "/feeds/atom/"):
        response = client.get(page)
        assert (response[HEADER], "Fresh news" in response.content.decode()) == ("miss", True), page
    assert "/articles/fresh-news/" in client.get("/sitemap.xml").content.decode()


def test_a_draft_s_changes_refresh_nothing_public(client, site):
    draft = make_article("Work in progress", slug="wip", status=Article.Status.DRAFT)
    warm(client, "/", url(site["e"]), "/feeds/atom/")
    draft.title = "Still in progress"
    draft.save()
    draft.sections.create(heading="More", body="Text.", position=2)
    draft.render_content()
    for page in ("/", url(site["e"]), "/feeds/atom/"):
        assert state(client, page) == "hit", page


def test_archiving_an_article_takes_it_off_every_page(client, site):
    warm(client, url(site["c"]), "/", url(site["b"]), url(site["d"]))
    site["c"].status = Article.Status.ARCHIVED
    site["c"].save()
    assert client.get(url(site["c"])).status_code == 410
    for page in ("/", url(site["b"]), url(site["d"])):
        response = client.get(page)
        assert (response[HEADER], "Article C" in response.content.decode()) == ("miss", False), page


def test_deleting_an_article_takes_it_off_every_page(client, site):
    warm(client, url(site["e"]), url(site["d"]), "/")
    site["e"].delete()
    assert client.get(url(site["e"])).status_code == 404
    for page in (url(site["d"]), "/"):
        assert "Article E" not in client.get(page).content.decode(), page


def test_a_new_address_redirects_from_the_cached_old_one(client, site):
    warm(client, url(site["a"]))
    site["a"].slug = "walking-and-feet"
    site["a"].save()
    response = client.get("/articles/article-a/")
    assert (response.status_code, response["Location"]) == (301, "/articles/walking-and-feet/")


def test_a_scheduled_article_appears_at_its_time_without_any_request_to_the_admin(client, site):
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    make_article("Coming soon", slug="coming-soon", published_at=due)
    warm(client, "/", url(site["e"]))
    assert "Coming soon" not in client.get("/").content.decode()
    assert client.get("/articles/coming-soon/").status_code == 404
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)
    home = client.get("/")
    assert home[HEADER] == "miss" and "Coming soon" in home.content.decode()
    assert "Coming soon" in client.get(url(site["e"])).content.decode()  # e's Next
    assert client.get("/articles/coming-soon/").status_code == 200


def test_every_model_shown_on_pages_says_how_its_changes_refresh_them():
    """A new model in a content app must declare itself, or its changes would leave pages stale."""
    undeclared = [
        model._meta.label
        for app in ("articles", "references", "practitioners", "topics", "glossary")
        for model in apps.get_app_config(app).get_models()
        if not (getattr(model, "shown_on_pages", False) or getattr(model, "shown_with", ()))
    ]
    assert undeclared == []


# Shared by every process


@pytest.mark.postgresql_only
@pytest.mark.parametrize("backend", ["redis", "files"])
def test_a_change_made_in_another_process_is_seen_at_once(client, transactional_db, settings, tmp_path, backend):
    """Another process (a second gunicorn worker, the admin on another server) saves; this one serves."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    if backend == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs the throwaway Redis of tests/with-redis.sh (make test starts it)")
    else:
        env.pop("REDIS_URL", None)
        env["CACHE_DIR"] = str(tmp_path / "cache")
        settings.CACHES = {"default": {"BACKEND": "pagecache.backends.FileCache", "LOCATION": env["CACHE_DIR"]}}
    database = django_settings.DATABASES["default"]
    env["DATABASE_URL"] = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    article = make_article("Before the change", slug="shared")
    warm(client, url(article), "/")
    change = "from articles.models import Article; a = Article.objects.get(slug='shared'); a.title = 'After'; a.save()"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", change], cwd=ROOT, env=env, check=True)
    for page in (url(article), "/"):
        response = client.get(page)
        assert (response[HEADER], "After" in response.content.decode()) == ("miss", True), page


# The embedded cache (pagecache.backends.FileCache)


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "pagecache.backends.FileCache", "LOCATION": str(tmp_path)}}
    return tmp_path


def test_the_file_cache_keeps_a_page_as_it_was_served(client, site, file_cache):
    """Uncompressed (Django's file cache zlib-compresses): a hit reads the page, it does not inflate it."""
    page = client.get(url(site["a"])).content
    assert state(client, url(site["a"])) == "hit"
    assert [stored.name for stored in file_cache.iterdir() if page in stored.read_bytes()] != []


def test_emptying_the_file_cache_also_drops_what_django_s_file_cache_kept_there(file_cache):
    (file_cache / "0123abcd.djcache").write_bytes(b"compressed, from before")
    cache.set("kept", 1)
    cache.clear()
    assert list(file_cache.iterdir()) == []


def test_the_file_cache_answers_as_django_s_does(file_cache, monkeypatch):
    cache.set("kept", {"a": 1}, timeout=60)
    assert (cache.get("kept"), cache.get("absent", "default")) == ({"a": 1}, "default")
    assert (cache.add("kept", 2), cache.add("new", 2)) == (False, True)
    assert cache.get_many(["kept", "new", "absent"]) == {"kept": {"a": 1}, "new": 2}
    assert (cache.incr("new"), cache.get("new")) == (3, 3)
    assert (cache.touch("kept", timeout=None), cache.touch("absent")) == (True, False)
    cache.set("short", "gone soon", timeout=60)
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    assert (cache.touch("short"), cache.get("short"), cache.get("kept")) == (False, None, {"a": 1})  # touched: kept
    cache.delete("kept")
    assert cache.get("kept") is None
