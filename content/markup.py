"""What citations and reference lists look like: written once, used by the page, the preview and the admin.

A citation links to its work's entry in the reference list (`#ref-<key>`), has an
id of its own (`cite-<key>-<n>`, n counting the work's citations in reading
order) for the entry's back-links, and carries the full reference in a card
that CSS shows beside it. Every value is escaped here.
"""

import html
import re
from html.parser import HTMLParser

from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe

from references import harvard

from .rawhtml import PLACEHOLDER

CITE_PREFIX = "cite-"
TERM_PREFIX = "term-"  # a glossary word where the text uses it first
WORD_PREFIX = "word-"  # its entry in "Words explained on this page" and on /glossary/
CARD_PREFIX = "card-"  # its explanation beside it (not "term-<slug>-card": another word's slug may end in "-card")
# Ids a page's own headings must not take: reference-list entries (Reference.anchor), citations, glossary words.
ID_PREFIXES = ("ref-", CITE_PREFIX, TERM_PREFIX, WORD_PREFIX, CARD_PREFIX)


# A table wider than a phone scrolls sideways in a box of its own rather than the page; the box takes
# keyboard focus so it can be scrolled without a mouse (WAI's pattern for a scrolling region), and is
# named by its columns, so that two tables are two regions a screen reader tells apart.
TABLE_BOX = '<div class="table-box" role="region" aria-label="{}" tabindex="0">'
FIRST_ROW = re.compile(r"<table>.*?<tr>(.*?)</tr>", re.DOTALL)
HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)


def boxed_tables(sanitized):
    """Sanitized HTML with each table in its box: added after sanitizing, so no author can write one."""

    def box(match):
        row = FIRST_ROW.match(sanitized, match.start())
        cells = HEADER_CELL.findall(row.group(1)) if row else []
        # A heading's words as read: no tags, entities read, a citation (a parser's token still) left out.
        headings = [" ".join(html.unescape(strip_tags(PLACEHOLDER.sub("", cell))).split()) for cell in cells]
        named = ", ".join(filter(None, headings))
        label = f"Table: {named[:80]}{'…' if len(named) > 80 else ''}" if named else "Table"
        return format_html(TABLE_BOX, label) + "<table>"

    return re.sub("<table>", box, sanitized).replace("</table>", "</table></div>")


def cite_id(reference, number):
    return f"{CITE_PREFIX}{reference.key}-{number}"


def citation_link(reference, text, number, letter):
    return format_html(
        '<span class="cite"><a class="citation" href="#{}" id="{}">{}</a><span class="cite-card">{}</span></span>',
        reference.anchor,
        cite_id(reference, number),
        text,
        mark_safe(reference.harvard_html(letter)),  # harvard_html escapes every field itself
    )


def term(entry, text, letter):
    """A glossary word where the text first uses it: like a citation, a link to its entry at the end of the
    article, and its explanation in a card that CSS shows beside it on hover, focus or tap, which the link
    names as its description (aria-describedby) for screen readers. The <dfn> and its definition share
    the paragraph, as HTML asks."""
    card = f"{CARD_PREFIX}{entry.slug}"
    return format_html(
        '<span class="term"><dfn><a class="term-link" href="#{}" id="{}" aria-describedby="{}">{}</a></dfn>'
        '<span class="term-card" id="{}"><strong>{}</strong>: {}</span></span>',
        f"{WORD_PREFIX}{entry.slug}",
        f"{TERM_PREFIX}{entry.slug}",
        card,
        text,
        card,
        entry.term,
        explanation(entry, letter),
    )


def explanation(entry, letter=""):
    """An entry's explanation, escaped, with its supporting work cited as in articles: (Neumann, 2017)."""
    if entry.reference_id is None:
        return escape(entry.explanation)
    return format_html("{} ({})", entry.explanation, label(entry.reference, letter))


def explanation_source(entry, letter=""):
    """The full reference of an entry's supporting work, for the lists of words (not the card: kept short)."""
    if entry.reference_id is None:
        return ""
    source = mark_safe(entry.reference.harvard_html(letter))  # harvard_html escapes every field itself
    return format_html('<span class="glossary-source">Source: {}</span>', source)


def word_entry(entry, letter, listed):
    """One entry of "Words explained on this page", linked back to where the text uses the word. Its
    supporting work links to the article's reference list when `listed` there, else is given in full."""
    if entry.reference_id is not None and listed:
        cited = format_html('{} (<a href="#{}">{}</a>)', entry.explanation, entry.reference.anchor,
                            label(entry.reference, letter))  # fmt: skip
    else:
        cited = format_html("{} {}", explanation(entry, letter), explanation_source(entry, letter))
    return format_html(
        '<dt id="{}">{}</dt>\n<dd>{} <a class="backlink" href="#{}" aria-label="Back to the text: “{}”">'
        "Back to the text</a></dd>",
        f"{WORD_PREFIX}{entry.slug}",
        entry.term,
        cited,
        f"{TERM_PREFIX}{entry.slug}",
        entry.term,
    )


def label(reference, letter):
    """'Neumann, 2017' / 'Riel, 2019a': how a work is named in a parenthetical citation."""
    return f"{reference.citation_label}, {harvard.year_label(reference.year, letter)}"


def reference_entry(reference, letter, uses):
    """One entry of the reference list, with a link back to each place the work is cited."""
    backlinks = format_html_join(
        " ",
        '<a href="#{}" aria-label="Back to citation {} of {}">{}</a>',
        ((cite_id(reference, n), n, label(reference, letter), n) for n in range(1, uses + 1)),
    )
    return format_html(
        '<li id="{}"><span class="reference-entry">{}</span> <span class="backlinks">Cited in the text: {}</span></li>',
        reference.anchor,
        mark_safe(reference.harvard_html(letter)),
        backlinks,
    )


def further_reading_entry(reference, letter):
    return format_html(
        '<li id="{}"><span class="reference-entry">{}</span></li>',
        reference.anchor,
        mark_safe(reference.harvard_html(letter)),
    )


class _PlainText(HTMLParser):
    """The words of rendered fragments, a line per block, without what repeats them: the full
    reference in each citation's card, a glossary word's explanation, and timeline charts (their
    words repeat the text around them)."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "blockquote", "tr", "br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], []  # the open elements being left out, as a stack of tag names

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping:
            self.skipping.append(tag)
        elif "cite-card" in classes or "term-card" in classes or (tag == "figure" and "timeline" in classes):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping.pop()
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.skipping:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_text(fragments):
    """Readable text of rendered HTML fragments, for search and reading time: one line per block (a paragraph,
    a list item, a heading), its spaces collapsed, so a phrase is found within a block and never across two."""
    parser = _PlainText()
    for fragment in fragments:
        parser.feed(fragment)
        parser.parts.append("\n")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# A block that ends like this reads on into the next; any other is followed by a separator in running text.
SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", ".”", "?”", "!”")


def running_text(text):
    """plain_text's lines as one run of text, for a snippet: list items and other blocks that end without
    punctuation are separated by " · " rather than run together."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    pieces = []
    for line in lines:
        if pieces:
            pieces.append(" " if pieces[-1].endswith(SENTENCE_ENDS) else " · ")
        pieces.append(line)
    return "".join(pieces)


def reference_list_text(references_html):
    """reference_entry()'s entries read back as plain lines, without their back-links."""
    entries = re.findall(r'<span class="reference-entry">(.*?)</span> <span class="backlinks">', references_html)
    return "\n".join(html.unescape(strip_tags(entry)) for entry in entries)
