"""An Author drafts with the live preview, an Editor schedules: the two roles in a real browser."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from tests.factories import make_practitioner, make_reference

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def roles(live_server):
    """The Author and Editor groups. The live server's database is emptied between tests, taking
    the groups its data migration made; put them back with the migration's own code."""
    migration = importlib.import_module("articles.migrations.0003_author_and_editor_roles")
    migration.assign_roles(django_apps)


def user_in(django_user_model, role):
    user = django_user_model.objects.create_user(role.lower(), password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and references")).to_be_visible()


def preview_of(page, textarea):
    return page.locator(".markdownx", has=page.locator(textarea)).locator(".markdownx-preview")


def test_author_drafts_with_live_preview_and_editor_schedules(new_page, live_server, django_user_model, screenshot):
    user_in(django_user_model, "Author")
    user_in(django_user_model, "Editor")
    practitioner = make_practitioner("Alex Morgan", slug="alex-morgan")
    make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")

    # The Author writes a draft.
    page = new_page()
    log_in(page, "author")
    page.goto("/admin/articles/article/add/")
    expect(page.locator("#id_status option")).to_have_count(1)  # only "Draft" is offered
    page.locator("#id_title").fill("Heel pain in runners")
    page.locator("#id_summary").fill("Why heel pain lingers, and what helps.")
    page.locator("#authorships-group").get_by_role("button", name="Add another Author").click()
    page.locator("#id_authorships-0-practitioner").select_option(str(practitioner.pk))
    page.locator("#sections-group").get_by_role("button", name="Add another Section").click()
    expect(page.locator("#id_sections-0-position")).to_have_value("1")
    page.locator("#id_sections-0-heading").fill("Where it hurts")
    page.locator("#id_sections-0-body").press_sequentially("The heel takes *load* first (Neumann, 2017).")
    preview = preview_of(page, "#id_sections-0-body")
    expect(preview.locator("em")).to_have_text("load")
    expect(preview.locator("a.citation")).to_have_text("Neumann, 2017")
    screenshot(page, "author-draft-preview", widths=(1280,))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Heel pain in runners")
    assert article.status == Article.Status.DRAFT and article.sections.get().heading == "Where it hurts"
    assert live_server.url  # the public does not see a draft:
    assert page.request.get(f"{live_server.url}/articles/{article.slug}/").status == 200  # staff may
    page.context.clear_cookies()
    assert page.request.get(f"{live_server.url}/articles/{article.slug}/").status == 404

    # The Editor schedules it for tomorrow.
    editor = new_page()
    log_in(editor, "editor")
    editor.goto(f"/admin/articles/article/{article.pk}/change/")
    tomorrow = timezone.localtime(timezone.now() + datetime.timedelta(days=1))
    editor.locator("#id_status").select_option("published")
    editor.locator("#id_published_at_0").fill(tomorrow.strftime("%Y-%m-%d"))
    editor.locator("#id_published_at_1").fill("09:00:00")
    editor.locator("input[name=_save]").click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(editor.locator("#result_list")).to_contain_text("Scheduled")
    article.refresh_from_db()
    assert article.is_scheduled and timezone.localtime(article.published_at).date() == tomorrow.date()
