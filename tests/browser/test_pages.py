"""The public pages in a real browser: accessibility (axe-core), phone widths, and no JavaScript."""

from pathlib import Path

import pytest

from articles.models import Section
from tests.factories import GAIT_SLUG, GAIT_URL

pytestmark = pytest.mark.browser

PAGES = {
    "home": ("/", 200),
    "contact": ("/contact/", 200),
    "gait-article": (GAIT_URL, 200),
    "topic": ("/topics/gait/", 200),
    "search": ("/search/?q=knee", 200),
    "practitioners": ("/practitioners/", 200),
    "references": ("/references/", 200),
    "reference-detail": ("/references/neumann2017/", 200),
    "glossary": ("/glossary/", 200),
    "not-found": ("/no-such-page/", 404),
}


def open_page(page, name):
    url, status = PAGES[name]
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}, expected {status}"
    return page


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_and_screenshots(demo_site, page, axe, screenshot, name):
    open_page(page, name)
    screenshot(page, name)
    axe(page, name)


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_in_dark_mode(demo_site, new_page, axe, screenshot, name):
    """Phones often follow the system's dark mode; site.css has a dark palette whose contrast must hold too."""
    page = open_page(new_page(color_scheme="dark"), name)
    screenshot(page, f"{name}-dark", widths=(390,))
    axe(page, f"{name} (dark)")


WIDTHS = "() => ({scroll: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth})"


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_320px(demo_site, new_page, name):
    page = open_page(new_page(viewport={"width": 320, "height": 640}), name)
    widths = page.evaluate(WIDTHS)
    assert widths["scroll"] <= widths["viewport"], f"{name} scrolls sideways at 320 px: {widths}"
    # Nor when a link has focus (a tapped citation shows its reference card).
    links = page.locator("main a[href]")
    for index in range(links.count()):
        link = links.nth(index)
        link.focus()
        widths = page.evaluate(WIDTHS)
        assert widths["scroll"] <= widths["viewport"], (
            f"{name} scrolls sideways at 320 px while {link.inner_text()!r} has focus: {widths}"
        )


def seed_reference_count():
    """How many entries the seed article's reference list has."""
    seed = Path(__file__).resolve().parents[1] / "data" / "seed_gait_article.txt"
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines.index("Previous") - lines.index("References") - 1


def test_gait_article_is_readable_without_javascript(demo_site, new_page):
    page = open_page(new_page(java_script_enabled=False), "gait-article")

    expected = list(
        Section.objects.filter(article__slug=GAIT_SLUG).order_by("position").values_list("heading", flat=True)
    )
    assert len(expected) == 8
    headings = page.locator("main h2")
    shown = [text.strip() for text in headings.all_inner_texts()]
    for heading in expected:
        assert heading in shown, f"section heading {heading!r} is missing without JavaScript"
        assert page.locator("main h2", has_text=heading).first.is_visible(), f"{heading!r} is hidden"

    references = page.locator("section.references").filter(has=page.locator("h2#references"))
    assert references.is_visible(), "the reference list is hidden without JavaScript"
    entries = references.locator(".reference-list > li")
    assert entries.count() == seed_reference_count()
    for index in range(entries.count()):
        entry = entries.nth(index)
        assert entry.is_visible() and entry.inner_text().strip(), f"reference {index + 1} is not shown"


def test_the_axe_check_does_find_violations(new_page):
    """The checker itself: a page with known faults must fail it, with a readable message."""
    from tests.browser.conftest import assert_no_axe_violations

    page = new_page()
    page.set_content('<html><body><main><img src="data:,"><a href="/x"></a></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page, "a faulty page")
    message = str(failure.value)
    assert "html-has-lang (serious)" in message
    assert "image-alt (critical)" in message and "at img:" in message
    assert "link-name (serious)" in message


def test_a_citation_card_opens_on_focus_and_closes_with_escape(demo_site, page):
    page.goto(GAIT_URL)
    citation = page.locator(".intro a.citation").first
    card = page.locator(".intro .cite-card").first
    assert not card.is_visible()
    citation.focus()
    assert card.is_visible()
    assert "Kinesiology of the Musculoskeletal System" in card.inner_text()
    page.keyboard.press("Escape")
    assert not card.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('citation')")  # focus stayed put
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert card.is_visible()  # back on the citation: the card opens again


def test_every_card_opens_under_its_line_inside_the_page_on_a_desktop(demo_site, new_page):
    """A citation near the end of a line opened its card past the page's right edge (and a sideways scroll)."""
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(GAIT_URL)
    for kind in ("cite", "term"):
        words = page.locator(f".{kind} > a, .{kind} > dfn > a")
        for number in range(words.count()):
            word = words.nth(number)
            word.scroll_into_view_if_needed()
            word.hover()
            card = page.locator(f".{kind}-card").nth(number)
            word_box, card_box = word.bounding_box(), card.bounding_box()
            where = f"{kind} {number + 1}: {word.inner_text()}"
            assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 1280, where
            assert 0 <= card_box["y"] - (word_box["y"] + word_box["height"]) < 12, where  # just under its line
    assert page.evaluate("document.documentElement.scrollWidth") == 1280


WIDE_TABLE = """| Option | Cost per pair in pounds | How long it takes to get used to it | Evidence | Notes |
|---|---|---|---|---|
| Off-the-shelf insoles | 20–40 | 1–2 weeks | Mixed [@neumann2017] | Often enough for mild, recent pain in the arch |
| Custom orthoses | 150–400 | 2–4 weeks | Some [@standring2021, p. 1402] | Worth considering after six months of pain |
"""


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone_and_its_cards_open_whole_on_a_desktop(demo_site, new_page, axe):
    """Tables had no style: on a phone a wide one pushed the whole page sideways, and on a desktop a card in a
    cell was as narrow as the cell."""
    from tests.factories import make_article

    article = make_article("Footwear compared", sections=(("The options compared", WIDE_TABLE),))
    phone = new_page(viewport={"width": 390, "height": 844})
    phone.goto(article.get_absolute_url())
    assert phone.evaluate(WIDTHS) == {"scroll": 390, "viewport": 390}
    box = phone.get_by_role("region", name="Table")
    assert box.evaluate("(box) => box.scrollWidth > box.clientWidth"), "the table's own box does not scroll"
    box.focus()
    phone.keyboard.press("ArrowRight")  # scrolled from the keyboard too
    box.evaluate("(box) => new Promise((done) => setTimeout(done, 400))")  # a smooth scroll's time
    assert box.evaluate("(box) => box.scrollLeft") > 0
    axe(phone, "an article with a wide table, on a phone")

    desktop = new_page(viewport={"width": 1280, "height": 800})
    desktop.goto(article.get_absolute_url())
    assert desktop.evaluate(WIDTHS) == {"scroll": 1280, "viewport": 1280}
    citation = desktop.locator("td .cite > a").first
    citation.hover()
    card, cell = desktop.locator("td .cite-card").first, desktop.locator("td:has(.cite)").first
    assert card.is_visible()
    assert card.bounding_box()["width"] > 1.5 * cell.bounding_box()["width"]
    assert card.bounding_box()["x"] + card.bounding_box()["width"] <= 1280
    axe(desktop, "an article with a wide table")


def test_a_glossary_word_is_reached_by_keyboard_and_its_explanation_read_as_its_description(demo_site, page):
    """The gait article's first glossary word: Tab reaches it, its explanation opens beside it and is its
    accessible description (what a screen reader announces); Escape closes it; following it without
    JavaScript's help lands on its entry in "Words explained on this page"."""
    from playwright.sync_api import expect

    page.goto(GAIT_URL)
    word = page.locator("a.term-link").first
    card = page.locator(".term-card").first
    assert word.inner_text() == "tibiofemoral"
    assert not card.is_visible()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('term-link')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "tibiofemoral"
    assert card.is_visible()
    explanation = "tibiofemoral joint: The main knee joint, where the thigh bone (femur) meets the shin bone (tibia)."
    expect(word).to_have_accessible_description(f"{explanation} (Moore, Dalley and Agur, 2023)")
    assert page.evaluate("document.activeElement.parentElement.tagName") == "DFN"
    page.keyboard.press("Escape")
    assert not card.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#word-tibiofemoral-joint")
    entry = page.locator("#word-tibiofemoral-joint")
    assert entry.is_visible() and entry.inner_text() == "tibiofemoral joint"
    page.locator(".words-explained a.backlink").first.click()
    assert page.url.endswith("#term-tibiofemoral-joint")


# A phone: a touch screen 390 px wide.
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
SHOWN_CARDS = (
    "() => [...document.querySelectorAll('.cite-card')].filter((c) => getComputedStyle(c).display !== 'none').length"
)


def test_on_a_phone_one_tap_on_a_citation_goes_to_its_reference_and_pins_no_card(demo_site, new_page):
    page = new_page(**PHONE)
    page.goto(GAIT_URL)
    citation = page.locator(".intro a.citation").first
    target = citation.get_attribute("href")
    citation.tap()
    page.wait_for_url(f"**/{GAIT_SLUG}/{target}")
    entry = page.locator(target)
    box = entry.bounding_box()
    assert 0 <= box["y"] < 844, f"the reference is off the screen: {box}"
    assert page.evaluate(SHOWN_CARDS) == 0
    page.evaluate("window.scrollBy(0, -600)")  # reading on: nothing stays pinned over the text
    assert page.evaluate(SHOWN_CARDS) == 0


def test_the_footer_lines_up_with_the_page_and_an_open_ended_timeline_bar_fades(demo_site, page):
    page.goto(GAIT_URL)
    left = "(selector) => document.querySelector(selector).getBoundingClientRect().left"
    right = "(selector) => document.querySelector(selector).getBoundingClientRect().right"
    for edge in (left, right):
        assert page.evaluate(edge, ".site-footer .wrap") == page.evaluate(edge, "main.wrap")
    mask = page.evaluate("getComputedStyle(document.querySelector('.timeline-bar-open')).maskImage")
    assert mask.startswith("linear-gradient(to right"), mask
