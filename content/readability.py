"""How hard a rendered text is to read: for authors, as advice (it never stops a save).

The figures are textstat's (Flesch Reading Ease, and the Flesch–Kincaid grade, which in the UK reads
as a reading age: the US school grade plus 5 years), counted on the prose a patient reads: no
citation, no glossary card, no timeline chart, no code, and no Markdown syntax, since they are
counted on the rendered HTML. Each block (paragraph, list item, heading, cell) ends a sentence,
whether or not the author put a full stop.
"""

import functools
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import textstat
from textstat.backend.utils import get_lang_easy_words

FAMILIAR_WORDS = get_lang_easy_words("en_US")  # the Dale–Chall list, as textstat ships it (pinned)
LONG_SENTENCE_WORDS = 25  # the Plain English Campaign's and GOV.UK's advice: 15–20 on average, 25 at most
MIN_READING_AGE = 5  # the grade formula goes below school age on very short words; no one reads before 5
WORD = re.compile(r"[^\W_](?:[\w’'\-]*[^\W_])?")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
SKIPPED_CLASSES = {"cite", "term-card", "timeline"}
SKIPPED_TAGS = {"code", "pre", "script", "style", "figure"}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dt", "dd", "figcaption", "br"}


@dataclass
class Readability:
    words: int = 0
    sentences: int = 0
    reading_ease: float | None = None  # Flesch Reading Ease: 60–70 is plain English, higher is easier
    reading_age: int | None = None  # years, UK
    long_sentences: list = field(default_factory=list)  # the sentences over LONG_SENTENCE_WORDS words
    hard_words: list = field(default_factory=list)  # long or rare words, each once, in order of first use

    def as_dict(self):
        return {
            "words": self.words,
            "sentences": self.sentences,
            "reading_ease": self.reading_ease,
            "reading_age": self.reading_age,
            "long_sentences": len(self.long_sentences),
            "hard_words": self.hard_words,
        }


@functools.lru_cache(maxsize=8192)  # a word is asked about for the whole text and again for its part
def is_hard(word):
    """Long or rare: not one of the Dale–Chall list's 3,000 familiar words, and of three syllables or more,
    or of nine letters or more: textstat counts one syllable for many medical words ("tibiofemoral"),
    which neither the CMU dictionary nor pyphen's hyphenation knows."""
    lower = word.casefold()
    if any(char.isdigit() for char in lower) or lower in FAMILIAR_WORDS:
        return False
    return len(lower) >= 9 or textstat.syllable_count(lower) >= 3


def sentences_of(block):
    return [sentence for sentence in SENTENCE_END.split(block.strip()) if WORD.search(sentence)]


def sentences_in(html_fragments):
    return [s for fragment in html_fragments for block in _Prose(fragment).blocks() for s in sentences_of(block)]


def measure(html_fragments):
    """The Readability of rendered HTML fragments, taken together."""
    return measure_sentences(sentences_in(html_fragments))


def measure_sentences(sentences):
    if not sentences:
        return Readability()
    # Each sentence ends in a full stop for textstat, which otherwise runs a list's items into one sentence.
    text = " ".join(s if s.rstrip()[-1:] in ".!?…" else f"{s}." for s in sentences)
    words = [w for s in sentences for w in WORD.findall(s)]
    hard = list(dict.fromkeys(w.casefold() for w in words if is_hard(w)))
    grade = textstat.flesch_kincaid_grade(text)
    return Readability(
        words=len(words),
        sentences=len(sentences),
        reading_ease=round(textstat.flesch_reading_ease(text), 1),
        reading_age=max(MIN_READING_AGE, round(grade + 5)),
        long_sentences=[s for s in sentences if len(WORD.findall(s)) > LONG_SENTENCE_WORDS],
        hard_words=hard,
    )


class _Prose(HTMLParser):
    """Rendered HTML as tokens, with what a reader reads as prose told apart, block by block."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tokens = []  # ("tag", raw) | ("text", text, counted, block number)
        self.skipping = []
        self.block = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("tag", self.get_starttag_text()))
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping:
            self.skipping.append(tag)
        elif classes & SKIPPED_CLASSES or tag in SKIPPED_TAGS:
            self.skipping.append(tag)
        if tag in BLOCKS:
            self.block += 1

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("tag", self.get_starttag_text()))
        if tag in BLOCKS:
            self.block += 1

    def handle_endtag(self, tag):
        self.tokens.append(("tag", f"</{tag}>"))
        if self.skipping:
            self.skipping.pop()
        if tag in BLOCKS:
            self.block += 1

    def handle_data(self, data):
        self.tokens.append(("text", data, not self.skipping, self.block))

    def blocks(self):
        texts = {}
        for token in self.tokens:
            if token[0] == "text" and token[2]:
                texts[token[3]] = texts.get(token[3], "") + token[1]
        return [" ".join(text.split()) for text in texts.values() if text.strip()]


def highlight_long_sentences(html):
    """`html` with each sentence over LONG_SENTENCE_WORDS words wrapped in <mark class="long-sentence">,
    a mark for each run of its text between tags (a sentence may cross a link or emphasis)."""
    prose = _Prose(html)
    by_block = {}
    for index, token in enumerate(prose.tokens):
        if token[0] == "text" and token[2]:
            by_block.setdefault(token[3], []).append(index)
    spans = {}  # token index -> [(start, end)] to mark, in that token's own text
    for indexes in by_block.values():
        text = "".join(prose.tokens[i][1] for i in indexes)
        offsets, position = [], 0
        for i in indexes:
            offsets.append((i, position, position + len(prose.tokens[i][1])))
            position += len(prose.tokens[i][1])
        for sentence in _sentence_spans(text):
            start, end = sentence
            if len(WORD.findall(text[start:end])) <= LONG_SENTENCE_WORDS:
                continue
            for i, first, last in offsets:
                if first < end and last > start:
                    spans.setdefault(i, []).append((max(start, first) - first, min(end, last) - first))
    out = []
    for index, token in enumerate(prose.tokens):
        if token[0] == "tag":
            out.append(token[1])
            continue
        text, position = token[1], 0
        for start, end in spans.get(index, ()):
            out.append(escape(text[position:start], quote=False))
            out.append(f'<mark class="long-sentence">{escape(text[start:end], quote=False)}</mark>')
            position = end
        out.append(escape(text[position:], quote=False))
    return "".join(out)


def _sentence_spans(text):
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)
