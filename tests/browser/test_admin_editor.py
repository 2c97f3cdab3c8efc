"""The practitioners' editor in a real browser: log in, live Markdown preview, "Add another section", save."""

import pytest

from articles.models import Article

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(page, django_user_model):
    django_user_model.objects.create_user(
        "practitioner", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    page.goto("/admin/")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and references")).to_be_visible()
    return page


def preview_of(page, textarea):
    """The live preview next to a Markdown text box (markdownx's widget: textarea + preview in one div)."""
    return page.locator(".markdownx", has=page.locator(textarea)).locator(".markdownx-preview")


def test_live_preview_in_intro_and_in_an_added_section_then_save(admin_page, screenshot):
    page = admin_page
    page.goto("/admin/articles/article/add/")

    page.locator("#id_intro").press_sequentially("*hello* world")
    expect(preview_of(page, "#id_intro").locator("em")).to_have_text("hello")
    expect(preview_of(page, "#id_intro")).to_contain_text("hello world")

    sections = page.locator("#sections-group")
    sections.get_by_role("button", name="Add another Section").click()
    new_body = "#id_sections-0-body"
    expect(page.locator(new_body)).to_be_visible()
    page.locator("#id_sections-0-position").fill("1")
    page.locator("#id_sections-0-heading").fill("Why it matters")
    page.locator(new_body).press_sequentially("Walking is *a system*, not **one joint**.")
    # The new row's own preview renders; the hidden template row's preview stays empty.
    expect(preview_of(page, new_body).locator("em")).to_have_text("a system")
    # The text's own bold, not the reading level's figures below it.
    expect(preview_of(page, new_body).locator(":scope > p > strong")).to_have_text("one joint")
    expect(preview_of(page, "#id_sections-__prefix__-body")).to_be_empty()
    expect(preview_of(page, "#id_intro").locator("em")).to_have_text("hello")

    # A second added row gets its own working preview too, and the first keeps its own.
    sections.get_by_role("button", name="Add another Section").click()
    page.locator("#id_sections-1-position").fill("2")
    page.locator("#id_sections-1-heading").fill("Second")
    page.locator("#id_sections-1-body").press_sequentially("- *two*")
    expect(preview_of(page, "#id_sections-1-body").locator("li em")).to_have_text("two")
    expect(preview_of(page, new_body).locator("em")).to_have_text("a system")

    screenshot(page, "admin-article-add-preview")

    page.locator("#id_title").fill("Browser test article")
    page.locator("#id_summary").fill("Written by the browser tests.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(title="Browser test article")
    assert article.slug == "browser-test-article"
    assert "<em>hello</em>" in article.intro_html
    assert [(s.position, s.heading, s.body) for s in article.sections.order_by("position")] == [
        (1, "Why it matters", "Walking is *a system*, not **one joint**."),
        (2, "Second", "- *two*"),
    ]


def test_leaving_a_form_with_unsaved_changes_asks_first(admin_page):
    page = admin_page
    page.goto("/admin/articles/article/add/")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto("/admin/")  # nothing typed yet: leaves without asking
    assert asked == []
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").fill("Half-written")
    page.evaluate("() => { window.location.href = '/admin/'; }")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.locator("#id_title").input_value() == "Half-written"


def test_a_form_sent_back_with_errors_opens_at_the_first_one(admin_page):
    """ "Please correct the error below." stood at the top while the field at fault was far down the page."""
    page = admin_page
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").fill("Knees on stairs")
    page.locator("#sections-group").get_by_role("button", name="Add another Section").click()
    page.locator("#id_sections-0-position").fill("1")
    page.locator("#id_sections-0-heading").fill("Why it matters")
    page.locator("#id_sections-0-body").fill("A photo: ![](/media/x.png)")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#id_sections-0-body")).to_be_focused()
    expect(page.locator("#id_sections-0-body")).to_be_in_viewport()
