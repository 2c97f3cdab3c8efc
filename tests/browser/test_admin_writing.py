"""Writing in the admin in a real browser: the citation picker (mouse and keyboard), the preview beside
the text (below it on a phone), the scheduling message; screenshots of the forms at 390 and 1280 px."""

import pytest

from articles.models import Article
from tests.factories import make_article, make_practitioner, make_reference

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(page, django_user_model):
    django_user_model.objects.create_user("editor", password="a-long-test-password", is_staff=True, is_superuser=True)
    make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")
    make_reference(key="kjaer2009", authors=("Kjaer", "Langberg"), year=2009, title="From mechanical loading")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and references")).to_be_visible()
    return page


def test_citation_picker_by_mouse_and_by_keyboard_and_preview_beside_the_text(editor_page, screenshot):
    page = editor_page
    page.goto("/admin/articles/article/add/")
    intro = page.locator("#id_intro")
    picker = page.get_by_role("dialog", name="Cite a reference")

    # Mouse: the toolbar button, a search by author, a click on the work.
    intro.fill("Walking is a system ")
    page.locator(".markdown-editor:has(#id_intro) .cite-open").click()
    expect(picker).to_be_visible()
    page.get_by_label("Search the library by author, title, year or key").fill("neumann")
    picker.get_by_role("option").filter(has_text="Kinesiology").click()
    expect(picker).to_be_hidden()
    expect(intro).to_have_value("Walking is a system [@neumann2017]")
    expect(page.locator(".markdown-editor:has(#id_intro) .markdownx-preview a.citation")).to_have_text("Neumann, 2017")

    # Keyboard only: typing "[@" opens it, a year finds the work, Enter inserts, focus comes back.
    intro.press("End")
    intro.press_sequentially(" and tendons adapt [@")
    expect(picker).to_be_visible()
    page.keyboard.type("2009")
    expect(picker.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(intro).to_be_focused()
    expect(intro).to_have_value("Walking is a system [@neumann2017] and tendons adapt [@kjaer2009]")
    page.keyboard.type(" slowly.")
    expect(intro).to_have_value("Walking is a system [@neumann2017] and tendons adapt [@kjaer2009] slowly.")

    # Escape closes it and leaves what was typed.
    page.keyboard.type(" [@")
    expect(picker).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(intro).to_have_value("Walking is a system [@neumann2017] and tendons adapt [@kjaer2009] slowly. [@")

    # Wide screen: the labelled preview stands beside the text; on a phone, below it.
    pane = page.locator(".markdown-editor:has(#id_intro) .markdown-preview-pane")
    expect(page.get_by_role("region", name="Preview, as patients will read it").first).to_be_visible()
    text_box, preview = intro.bounding_box(), pane.bounding_box()
    assert preview["x"] >= text_box["x"] + text_box["width"] and abs(preview["y"] - text_box["y"]) < 40
    page.set_viewport_size({"width": 390, "height": 844})
    text_box, preview = intro.bounding_box(), pane.bounding_box()
    assert preview["y"] >= text_box["y"] + text_box["height"]
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "admin-article-form-picker")


def test_the_preview_follows_the_part_being_written(editor_page):
    page = editor_page
    page.goto("/admin/articles/article/add/")
    intro = page.locator("#id_intro")
    filler = "\n\n".join(f"Paragraph {n} of the opening, long enough to fill the preview." for n in range(30))
    intro.fill(f"First part.\n\n{filler}\n\nThe end.")
    preview = page.locator(".markdown-editor:has(#id_intro) .markdownx-preview")
    expect(preview.locator("p")).to_have_count(32)
    intro.press("Control+End")
    expect(preview.locator("p.preview-current")).to_have_text("The end.")
    assert preview.evaluate("(pane) => pane.scrollTop") > 0
    intro.press("Control+Home")
    expect(preview.locator("p.preview-current")).to_have_text("First part.")
    assert preview.evaluate("(pane) => pane.scrollTop") == 0


def test_scheduling_is_said_in_words_and_forms_fit_phone_and_laptop(editor_page, screenshot):
    page = editor_page
    article = make_article("Heel pain", status=Article.Status.DRAFT, authors=[make_practitioner()])
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_status").select_option("published")
    page.locator("#id_published_at_0").fill("2035-06-03")
    page.locator("#id_published_at_1").fill("09:00")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Scheduled for 3 June 2035, 09:00: it appears on the site by itself at that time."
    )
    expect(page.locator(".schedule-note")).to_have_text(
        "Scheduled for 3 June 2035, 09:00: it appears on the site by itself at that time."
    )
    screenshot(page, "admin-article-form-scheduled")
    page.goto("/admin/articles/article/")
    expect(page.locator("td.field-publication")).to_have_text("Scheduled for 3 June 2035, 09:00")
    page.goto("/admin/references/reference/add/")
    screenshot(page, "admin-reference-form")
    page.goto("/admin/references/reference/import/")
    screenshot(page, "admin-reference-import")
