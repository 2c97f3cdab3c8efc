"""Glossary words as tokens of the Markdown parser, like citations (content.citations).

A tree processor runs once the inline patterns have made the paragraph's elements: it looks for the
forms of the glossary's entries in the text of each element, never inside code, headings, links or raw
HTML (which are elements or placeholders of their own by then), nor inside a citation (a token by then),
and puts a token in place of the first use of each entry in the whole document. The pipeline puts
`content.markup.term` in place of each token after sanitizing, as it does for citations.
"""

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from .rawhtml import PLACEHOLDER, RawTags

TOKEN = "bodylab-term"
TOKEN_RE = re.compile(f"{STX}{TOKEN}:(\\d+){ETX}")
# Python-Markdown's placeholders (raw HTML, code) and our own tokens (citations, charts) are never looked into.
NEVER_MARKED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "samp", "script", "style"}


class TermReader:
    """Finds the first use of each glossary entry in one document (all the fields of an article)."""

    def __init__(self, glossary):
        self.glossary = glossary
        self.uses = []  # (entry, text as written), in the order they were found: index = token number
        self.explained = {}  # entry pk -> entry, in the order of first use
        self.enabled = True  # off for one-line fields (key points), which may themselves become links
        self.raw_tags = RawTags(NEVER_MARKED, [])  # the author's raw <a>, <code>... tags around the text

    def mark(self, text):
        if not text or not self.enabled or self.glossary is None:
            return text
        pieces, last = [], 0
        for placeholder in [*PLACEHOLDER.finditer(text), None]:
            end = placeholder.start() if placeholder else len(text)
            plain = text[last:end]
            pieces.append(plain if self.raw_tags.depth else self._mark_plain(plain))
            if placeholder:
                pieces.append(placeholder.group(0))
                self.raw_tags.follow(placeholder.group(0))
                last = placeholder.end()
        return "".join(pieces)

    def _mark_plain(self, text):
        out, last = [], 0
        for start, end, entry in self.glossary.find(text):
            if entry.pk in self.explained:
                continue
            self.explained[entry.pk] = entry
            self.uses.append((entry, text[start:end]))
            out.extend((text[last:start], f"{STX}{TOKEN}:{len(self.uses) - 1}{ETX}"))
            last = end
        out.append(text[last:])
        return "".join(out)


class _MarkTerms(Treeprocessor):
    def __init__(self, md, reader):
        super().__init__(md)
        self.reader = reader

    def run(self, root):
        self.reader.raw_tags = RawTags(NEVER_MARKED, self.md.htmlStash.rawHtmlBlocks)
        self._walk(root)

    def _walk(self, element):
        element.text = self.reader.mark(element.text)
        for child in element:
            if child.tag not in NEVER_MARKED:
                self._walk(child)
            child.tail = self.reader.mark(child.tail)


class GlossaryExtension(Extension):
    def __init__(self, reader):
        super().__init__()
        self.reader = reader

    def extendMarkdown(self, md):
        # After the inline patterns (20) and after citations are taken out of links (19).
        md.treeprocessors.register(_MarkTerms(md, self.reader), "glossary_terms", 15)
