"""Markdown to safe HTML: the one renderer for the editor preview and the site.

Practitioners write Markdown; python-markdown turns it into HTML (raw HTML in
the source passes through it), and nh3 then keeps only the tags, attributes and
URL schemes listed here. Citation links are added to the sanitized HTML and
the result is sanitized again; timeline charts, built by our own code from
parsed numbers and escaped labels, go in last.
"""

import markdown
import nh3

from . import timeline

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
# What our own citation markup adds (references.citations). Allowed only in the pass after
# linking, so an author's raw HTML can never borrow the page's ids or classes.
CITATION_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "a": {"href", "title", "id", "class"}, "span": {"class"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def sanitize(html, attributes=ALLOWED_ATTRIBUTES):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


# Python-Markdown slows down with the square of unclosed "[" (its issue 798): thousands take
# seconds, a hundred thousand hang a worker. Real articles are far below both limits.
MAX_LENGTH = 30_000
MAX_OPEN_BRACKETS = 1_000


class MarkdownRefused(ValueError):
    """Markdown too long or too odd to render safely; the message says why."""


def check_renderable(text):
    if len(text or "") > MAX_LENGTH:
        raise MarkdownRefused(f"it is longer than {MAX_LENGTH:,} characters: split it into more sections")
    if (text or "").count("[") > MAX_OPEN_BRACKETS:
        raise MarkdownRefused(f"it has more than {MAX_OPEN_BRACKETS:,} “[” characters")


def render_markdown(text, link=None):
    """Markdown source -> sanitized HTML; markdownx's preview function too.

    `link`, if given, takes sanitized HTML and returns it with citations linked.
    Raises timeline.TimelineError for a malformed ```timeline block, MarkdownRefused
    for text too long or odd to render.
    """
    check_renderable(text)
    text, charts = timeline.extract(text or "")
    html = sanitize(markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html"))
    if link:
        html = sanitize(link(html), CITATION_ATTRIBUTES)
    return timeline.insert(html, charts)


def render_inline(text, link=None):
    """One line of Markdown (a key point) without the paragraph around it."""
    check_renderable(text)
    html = sanitize(markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitize(link(html), CITATION_ATTRIBUTES) if link else html
