"""Markdown to safe HTML: the one renderer for the editor preview and the site.

Practitioners write Markdown; python-markdown turns it into HTML (raw HTML in
the source passes through it), and nh3 then keeps only the tags, attributes and
URL schemes listed here. Nothing else reaches a page.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"class"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


def render_markdown(text):
    """Markdown source -> sanitized HTML. Also markdownx's preview function."""
    return sanitize(markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html"))


def render_inline(text):
    """One line of Markdown (a key point) without the paragraph around it."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
