"""The Content-Security-Policy in Chromium: every public page and the admin pages a practitioner uses
open, and the editor's live preview works, with no policy violation and no console message at all."""

import pytest
import reversion
from reversion.models import Version

from articles.models import Article
from practitioners.models import Practitioner
from references.models import Reference
from tests.factories import GAIT_SLUG, GAIT_URL, make_article

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser

# Before any script of the page runs: each violation is sent to the test as it happens.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


def test_no_policy_violation_or_console_message_on_public_and_admin_pages(demo_site, new_page, django_user_model):
    gait = Article.objects.get(slug=GAIT_SLUG)
    archived = make_article("An old piece", status=Article.Status.ARCHIVED, slug="an-old-piece")
    for title in ("A first title", gait.title):  # two revisions to compare
        with reversion.create_revision():
            gait.title = title
            gait.save()
    older, newer = Version.objects.get_for_object(gait).order_by("pk")[:2]
    django_user_model.objects.create_superuser("practitioner", password="a-long-test-password")

    page = new_page()
    violations, messages = [], []
    page.expose_function("reportViolation", lambda text: violations.append(f"{page.url}: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: messages.append(f"{page.url}: {message.type}: {message.text}"))

    public = {
        "/": 200,
        GAIT_URL: 200,
        "/topics/": 200,
        gait.topics.first().get_absolute_url(): 200,
        "/practitioners/": 200,
        Practitioner.objects.first().get_absolute_url(): 200,
        "/references/": 200,
        Reference.objects.public().first().get_absolute_url(): 200,
        "/search/?q=walking": 200,
        "/no-such-page/": 404,
        archived.get_absolute_url(): 410,
    }
    for url, status in public.items():
        assert page.goto(url).status == status, url
    # Chromium logs an error page's own status: that one message is expected, nothing else.
    expected_messages = [
        f"{demo_site.url}{url}: error: Failed to load resource: the server responded with a status of {status} "
        + ("(Not Found)" if status == 404 else "(Gone)")
        for url, status in public.items()
        if status != 200
    ]
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert messages == expected_messages
    messages.clear()
    # The structured data is there, read as data and not blocked, without a nonce.
    page.goto(GAIT_URL)
    assert page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)['@type']")

    page.goto("/admin/")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and references")).to_be_visible()

    for url in ("/admin/articles/article/add/", f"/admin/articles/article/{gait.pk}/change/"):
        page.goto(url)
        page.locator("#id_intro").press_sequentially(" *typed*")
        preview = page.locator(".markdownx", has=page.locator("#id_intro")).locator(".markdownx-preview")
        expect(preview.locator("em").last).to_have_text("typed")
    page.once("dialog", lambda dialog: dialog.accept())  # leaving unsaved changes asks first
    for url in (
        f"/admin/articles/article/{gait.pk}/history/",
        f"/admin/articles/article/{gait.pk}/history/compare/?from={older.pk}&to={newer.pk}",
        "/admin/references/reference/",
        "/admin/references/reference/import/",
        "/admin/references/reference/add/",
        f"/admin/references/reference/{Reference.objects.first().pk}/change/",
    ):
        assert page.goto(url).status == 200, url

    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert messages == [], "console messages:\n" + "\n".join(messages)
