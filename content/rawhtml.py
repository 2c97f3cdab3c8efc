"""The author's inline raw HTML as Python-Markdown leaves it while parsing: a placeholder per tag.

"<a href=…>see (Neumann, 2017)</a>" reaches the tree processors as placeholder, text, placeholder: the text
between is inside the link though no element says so. `RawTags` follows those placeholders through the text
of a field, in reading order, and says how deep inside tags of some names the text read so far stands.
"""

import re
from html.parser import HTMLParser

from markdown.util import ETX, STX

RAW_HTML = re.compile(f"{STX}wzxhzdk:(\\d+){ETX}")
# Any placeholder Python-Markdown (or a reader of ours: a citation's token) leaves in the text while parsing.
PLACEHOLDER = re.compile(f"{STX}[^{ETX}]*{ETX}")
RAW_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")  # one tag alone: a whole stashed block closes itself


def _tag_of(html, names):
    """The match of a stashed piece of raw HTML that is one tag alone (opening or closing) of `names`, or None."""
    tag = RAW_TAG.fullmatch(html.strip())
    return tag if tag and tag.group(2).lower() in names else None


def is_raw_tag(html, names):
    return _tag_of(html, names) is not None


# The elements of HTML (WHATWG's list, with the obsolete ones still written): a "tag" of another name is
# words in angle brackets ("x<y and y>z", "<plantar fascia>") that Python-Markdown takes for HTML.
HTML_ELEMENTS = frozenset(
    """
a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br button canvas
caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset
figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img
input ins kbd label legend li link main map mark marquee math menu meta meter nav nobr noembed noframes
noscript object ol optgroup option output p param picture plaintext pre progress q rb rp rt rtc ruby s samp
script search section select slot small source span strike strong style sub summary sup svg table tbody td
template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
""".split()
)


# A tag as Python-Markdown takes one: any name ("<Kjær>" too), then what stands for attributes.
TAG_LIKE = re.compile(r"<(/?)([a-zA-Z][^\s/<>]*)([^<>]*)>")
ATTRIBUTE = re.compile(r"""\s*([^\s=/>]+)(\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
# Attributes written without a value on purpose; any other bare word is a word of the text ("<a few days>").
BOOLEAN_ATTRIBUTES = {"hidden", "open", "disabled", "checked", "selected", "controls", "reversed", "download"}


def words_taken_for_tags(stash):
    """The author's inline "tags" that are words in angle brackets: of no HTML element's name, or with a bare
    word for an attribute. The allow-list would leave them out of the page without a word."""
    taken = []
    for html in stash:
        tag = TAG_LIKE.fullmatch(str(html).strip())
        if not tag:
            continue
        bare = [
            name
            for name, value in ATTRIBUTE.findall(tag.group(3))
            if not value and name.lower() not in BOOLEAN_ATTRIBUTES
        ]
        if tag.group(2).lower() not in HTML_ELEMENTS or bare:
            taken.append(tag.group(0))
    return taken


def blocks_of(stash):
    """The author's raw HTML blocks ("<p>…</p>", "<table>…</table>"): what Python-Markdown stashed whole and
    never reads as Markdown, unlike an inline tag, stashed alone with its text read around it."""
    blocks = (str(html).strip() for html in stash)  # entities ("&amp;") and comments are stashed too: not blocks
    return [
        html for html in blocks if html.startswith("<") and not html.startswith("<!") and not RAW_TAG.fullmatch(html)
    ]


class _Text(HTMLParser):
    SKIPPED = {"code", "pre", "script", "style"}  # code is never read as citations; the others are not shown
    # Tags between which text does not run on: a table's cells, a list's items ("Smith" | "(2019)").
    APART = {"p", "div", "br", "li", "dt", "dd", "td", "th", "tr", "caption", "blockquote", "figcaption", "hr",
             "h1", "h2", "h3", "h4", "h5", "h6"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED
        if tag in self.APART:
            self.pieces.append(" | ")

    def handle_endtag(self, tag):
        self.skipping = max(0, self.skipping - (tag in self.SKIPPED))
        if tag in self.APART:
            self.pieces.append(" | ")

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append(data)


def text_of(html):
    """The words of a piece of HTML a reader sees, outside code; " | " where a cell, item or paragraph ends."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.pieces).split())


class RawTags:
    def __init__(self, names, stash):
        self.names = names  # tag names, lower case
        self.stash = stash  # Python-Markdown's htmlStash.rawHtmlBlocks of the field
        self.depth = 0

    def follow(self, placeholder):
        """Read one placeholder: an opening or closing tag of `names` moves the depth."""
        stashed = RAW_HTML.fullmatch(placeholder)
        if not stashed or int(stashed.group(1)) >= len(self.stash):
            return
        tag = _tag_of(str(self.stash[int(stashed.group(1))]), self.names)
        if tag:
            self.depth = max(0, self.depth + (-1 if tag.group(1) else 1))
