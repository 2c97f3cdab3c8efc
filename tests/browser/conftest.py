"""Real-browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

Chromium comes from Debian (`make test` installs it as root); Playwright's own browser downloads
are never used. Without /usr/bin/chromium (or $CHROMIUM) or the playwright package, every test
marked `browser` is reported as skipped with the reason, never silently passed.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but the live server: any other host name fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tag names).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Viewport heights for the screenshot widths: a phone (390 × 844) and a laptop.
HEIGHTS = {320: 640, 390: 844, 1280: 800}


def why_no_browser():
    if sync_playwright is None:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM}: run `make test` as root or `apt-get install chromium`"
    return None


def pytest_collection_modifyitems(config, items):
    """Skip browser tests, with the reason, where there is no browser; run them after the rest."""
    reason = why_no_browser()
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if reason:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))
    # Last, so fast failures show first and the browser's event loop (see `browser`) outlives no other test.
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser_items


@pytest.fixture(scope="session")
def browser():
    reason = why_no_browser()
    if reason:
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread while the browser is open,
    # and Django then refuses ORM calls from the test (SynchronousOnlyOperation). The tests are plain
    # synchronous code, so allow them for as long as the browser lives, and no longer.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """new_page(**context_options): a page in a fresh browser context whose base URL is the live server.

    Uncaught JavaScript errors in any such page fail the test.
    """
    contexts, errors = [], []

    def make(**options):
        options = {"viewport": {"width": 1280, "height": 800}, "base_url": live_server.url, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page):
    """A page at 1280 × 800, light colour scheme, JavaScript on."""
    return new_page(color_scheme="light")


@pytest.fixture
def demo_site(live_server):
    """The live server with the demo content `make run` loads (the gait article, neighbours, references)."""
    call_command("load_demo_content", stdout=io.StringIO())
    return live_server


def axe_violations(page, tags=WCAG_TAGS):
    """Run axe-core (the vendored copy) on the page as it is now; return its violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy (script-src 'self')
        # would block it as an added <script> tag, as it blocks any inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const results = await axe.run(document, options);
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary, html: n.html})),
            }));
        }""",
        tags,
    )


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(selector) for selector in node["target"])
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, label=""):
    violations = axe_violations(page)
    where = f" on {label or page.url}"
    assert not violations, f"axe found {len(violations)} WCAG A/AA violation(s){where}:\n" + describe_violations(
        violations
    )


def save_screenshots(page, name, widths=(390, 1280)):
    """Full-page screenshots of the page at each width, as test-artifacts/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": HEIGHTS.get(width, 800)})
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        paths.append(path)
    page.set_viewport_size(original)
    return paths


@pytest.fixture
def axe():
    """axe(page, label=""): fail with axe-core's WCAG A/AA violations on the page, listed readably."""
    return assert_no_axe_violations


@pytest.fixture
def screenshot():
    """screenshot(page, name, widths=(390, 1280)): full-page PNGs in test-artifacts/screenshots/."""
    return save_screenshots
