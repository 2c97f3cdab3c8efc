"""Writing in the admin in a real browser: the citation picker (mouse and keyboard), the preview beside
the text (below it on a phone), the scheduling message; screenshots of the forms at 390 and 1280 px."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from articles.models import Article
from practitioners.models import Practitioner
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


def new_article_form(page):
    """The add form, its intro's text box and its citation picker (hidden until opened)."""
    page.goto("/admin/articles/article/add/")
    return page, page.locator("#id_intro"), page.get_by_role("dialog", name="Cite a reference")


def test_citation_picker_by_mouse_and_by_keyboard_and_preview_beside_the_text(editor_page, screenshot):
    page, intro, picker = new_article_form(editor_page)

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

    # Nothing typed is lost: a citation written by hand goes on in the text at its "]" (or ";"),
    # and a search closed without a choice leaves its words after the "[@".
    intro.fill("Tendons adapt ")
    intro.press("End")
    intro.press_sequentially("[@kjaer2009, p. 45] over months.")
    expect(picker).to_be_hidden()
    expect(intro).to_have_value("Tendons adapt [@kjaer2009, p. 45] over months.")
    intro.press_sequentially(" See [@kja")
    expect(picker).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(intro).to_be_focused()
    expect(intro).to_have_value("Tendons adapt [@kjaer2009, p. 45] over months. See [@kja")

    # A search may be typed as a citation is written, comma and all.
    intro.press_sequentially(" or [@Neumann, 2017")
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option")).to_contain_text("Kinesiology")
    page.keyboard.press("Enter")
    expect(intro).to_have_value("Tendons adapt [@kjaer2009, p. 45] over months. See [@kja or [@neumann2017]")

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
    expect(preview.locator(":scope > p")).to_have_count(32)  # the text's paragraphs, not the reading level's
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
    page.goto("/admin/practitioners/practitioner/add-user/")
    screenshot(page, "admin-add-practitioner-user")


@pytest.fixture
def roles(live_server):
    """The Author and Editor groups, as the migrations make them (the live server's database is emptied)."""
    importlib.import_module("articles.migrations.0003_author_and_editor_roles").assign_roles(django_apps)
    importlib.import_module("practitioners.migrations.0005_authors_keep_their_profile").assign_profile_rights(
        django_apps
    )


def log_in(page, django_user_model, role):
    user = django_user_model.objects.create_user(role.lower(), password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(role.lower())
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and references")).to_be_visible()


def test_a_walk_as_an_author_then_as_an_editor(roles, new_page, django_user_model, screenshot):
    make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")
    live = make_article("Walking and foot pain", authors=[make_practitioner("Sam Lee")])

    # The Author makes their own profile, without help.
    page = new_page()
    log_in(page, django_user_model, "Author")
    page.goto("/admin/practitioners/practitioner/add/")
    page.locator("#id_name").fill("Alex Morgan")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    me = Practitioner.objects.get(name="Alex Morgan")
    assert me.user.username == "author"

    # ...writes a draft, citing with the picker by keyboard alone...
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").fill("Heel pain in runners")
    page.locator("#id_summary").fill("Why heel pain lingers.")
    page.locator("#authorships-group").get_by_role("button", name="Add another Author").click()
    page.locator("#id_authorships-0-practitioner").select_option(str(me.pk))
    page.locator("#id_intro").press_sequentially("The heel takes load first [@")
    page.keyboard.type("neumann")
    expect(page.get_by_role("dialog", name="Cite a reference").get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#id_intro")).to_have_value("The heel takes load first [@neumann2017]")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    draft = Article.objects.get(title="Heel pain in runners")
    assert draft.status == Article.Status.DRAFT and draft.intro == "The heel takes load first [@neumann2017]"

    # ...and meets a published article: read-only, told why, its history open to read.
    page.goto(f"/admin/articles/article/{live.pk}/change/")
    expect(page.locator(".read-only-reason")).to_contain_text("only an Editor can change it")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#content-main")).to_contain_text("Every save is kept.")

    # The Editor schedules the draft: the list says when.
    editor = new_page()
    log_in(editor, django_user_model, "Editor")
    editor.goto("/admin/articles/article/")
    editor.get_by_role("link", name="Heel pain in runners").click()
    editor.locator("#id_status").select_option("published")
    editor.locator("#id_published_at_0").fill("2035-06-03")
    editor.locator("#id_published_at_1").fill("09:00")
    editor.locator("input[name=_save]").click()
    expect(editor.locator(".messagelist")).to_contain_text("Scheduled for 3 June 2035, 09:00")
    expect(editor.locator("#result_list")).to_contain_text("Scheduled for 3 June 2035, 09:00")
    editor.goto(f"/admin/practitioners/practitioner/{me.pk}/change/")
    screenshot(editor, "admin-practitioner-form")


def test_a_new_reference_added_in_the_pop_up_is_cited_at_the_cursor(editor_page):
    page = editor_page
    page.goto("/admin/articles/article/add/")
    page.locator("#id_intro").fill("Tendons adapt slowly ")
    page.locator(".markdown-editor:has(#id_intro) .cite-open").click()
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Add a new reference…").click()
    popup = opened.value
    popup.locator("#id_key").fill("magnusson2010")
    popup.locator("#id_kind").select_option("article-journal")
    popup.locator("#id_year").fill("2010")
    popup.locator("#id_title").fill("The pathogenesis of tendinopathy")
    popup.locator("#id_container_title").fill("Nature Reviews Rheumatology")
    popup.locator("#id_contributors-0-surname").fill("Magnusson")
    popup.locator("#id_contributors-0-initials").fill("S.P.")
    with popup.expect_event("close"):  # waiting from before the click: the pop-up may close at once
        popup.locator("input[name=_save]").click()
    expect(page.locator("#id_intro")).to_have_value("Tendons adapt slowly [@magnusson2010]")
    expect(page.get_by_role("dialog", name="Cite a reference")).to_be_hidden()


def test_a_pop_up_saved_after_the_picker_closed_offers_the_work_at_the_cursor(editor_page):
    page, intro, picker = new_article_form(editor_page)
    intro.fill("Tendons adapt ")
    intro.press("End")
    intro.press_sequentially("[@magn")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Add a new reference…").click()
    popup = opened.value
    # The practitioner gives up on the picker and writes on while the pop-up is still open.
    page.bring_to_front()
    picker.get_by_role("button", name="Cancel").click()
    expect(picker).to_be_hidden()
    intro.press("End")
    intro.press_sequentially(" slowly")
    expect(intro).to_have_value("Tendons adapt [@magn slowly")
    popup.bring_to_front()
    popup.locator("#id_key").fill("magnusson2010")
    popup.locator("#id_kind").select_option("book")
    popup.locator("#id_year").fill("2010")
    popup.locator("#id_title").fill("Tendinopathy")
    popup.locator("#id_contributors-0-surname").fill("Magnusson")
    with popup.expect_event("close"):
        popup.locator("input[name=_save]").click()
    # Nothing is put in at the old place: the picker offers the new work where the cursor is.
    expect(picker).to_be_visible()
    expect(picker.get_by_role("status")).to_have_text(
        "Added to the library. Enter cites it at the cursor; Escape leaves the text as it is."
    )
    expect(intro).to_have_value("Tendons adapt [@magn slowly")
    page.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(intro).to_have_value("Tendons adapt [@magn slowly[@magnusson2010]")


def test_citing_keeps_a_selection_and_ctrl_z_takes_the_citation_back(editor_page):
    page, intro, picker = new_article_form(editor_page)
    intro.fill("Tendons adapt to loading over months.")
    intro.evaluate("(box) => box.setSelectionRange(box.value.indexOf('loading'), box.value.indexOf(' over'))")
    page.locator(".markdown-editor:has(#id_intro) .cite-open").click()
    page.get_by_label("Search the library by author, title, year or key").fill("neumann")
    picker.get_by_role("option").filter(has_text="Kinesiology").click()
    expect(intro).to_have_value("Tendons adapt to loading[@neumann2017] over months.")
    page.keyboard.press("Control+z")
    expect(intro).to_have_value("Tendons adapt to loading over months.")


def test_enter_before_the_results_come_cites_the_first_and_keeps_what_is_typed_after(editor_page):
    """Enter pressed before the search answered did nothing, and what was typed next went into the search."""
    import time

    page = editor_page

    def slowly(route):
        time.sleep(0.8)
        route.continue_()

    page.route("**/picker-search/**", slowly)
    page.goto("/admin/articles/article/add/")
    intro = page.locator("#id_intro")
    intro.fill("Walking ")
    intro.press("End")
    intro.press_sequentially("[@neumann")
    page.keyboard.press("Enter")
    page.keyboard.type(" is a system.")
    expect(page.get_by_role("dialog", name="Cite a reference")).to_be_hidden()
    expect(intro).to_have_value("Walking [@neumann2017] is a system.")


def test_the_slug_filled_in_from_the_title_is_counted(editor_page):
    """The slug's counter stayed at 0 while Django's script filled the slug in from the title."""
    page = editor_page
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Knees on stairs")
    expect(page.locator("#id_slug")).to_have_value("knees-on-stairs")
    expect(page.locator("#id_slug-length")).to_have_text("15 / 200 characters")


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ({"status": 200, "json": {"results": []}}, "No work in the library matches “nobody 2019”."),
        ({"status": 500, "json": {"error": "The library is resting."}}, "The library is resting."),
    ],
)
def test_what_is_typed_after_enter_stays_in_the_search_when_no_work_comes(editor_page, answer, status):
    """Typed while Enter waited for a search that then found nothing (or failed), it was kept aside and never
    searched; after a failure, every key typed next was swallowed."""
    import time

    page = editor_page

    def slowly(route):
        time.sleep(0.5)
        route.fulfill(**answer)

    page.route("**/picker-search/**", slowly)
    page.goto("/admin/articles/article/add/")
    intro = page.locator("#id_intro")
    intro.press_sequentially("[@nobody")
    page.keyboard.press("Enter")
    page.keyboard.type(" 2019")
    search = page.get_by_label("Search the library by author, title, year or key")
    expect(search).to_have_value("nobody 2019")
    expect(page.get_by_role("dialog", name="Cite a reference").get_by_role("status")).to_have_text(status)
    page.keyboard.type("x")  # typing goes on in the search
    expect(search).to_have_value("nobody 2019x")
