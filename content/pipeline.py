"""Markdown -> citations, glossary words, timeline charts -> sanitized HTML, for all the fields of a document.

`render()` is the one path from what a practitioner typed to what a patient
reads: the live preview, the admin's validation and save, the importers and
the re-rendering after a library change all call it, and use what it returns
(HTML per field, the problems found, the works cited) without rendering again.

A document is rendered as a whole because its citations are: back-links are
numbered in reading order across the fields, and year letters (2019a, 2019b)
are given within the document's own reference list, and a glossary word is explained where the
document first uses it.
"""

import re
import string
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from django.utils.html import escape, format_html_join
from markdown.extensions.tables import TableExtension
from markdown.htmlparser import HTMLExtractor
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.util import ETX, STX

from references import harvard
from references.citations import normalise_names

from . import glossary as terms
from . import markup, rawhtml
from .citations import TOKEN_RE, CitationExtension, CitationReader, Group, readable
from .sanitize import sanitize
from .timeline import TimelineError, TimelinePreprocessor, parse, render_svg
from .xmltext import visible

MAX_LENGTH = 30_000
MAX_PROBLEMS = 50  # reported in full; past that, counted
MAX_QUOTE_DEPTH = 12
DEEP_QUOTE = re.compile(r"^(?:[ \t]*>){%d}" % (MAX_QUOTE_DEPTH + 1), re.MULTILINE)  # noqa: UP031
MAX_LIST_DEPTH = 6  # list markers opening one line ("- - - - x"): each is a list inside the one before
DEEP_LIST = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+){%d,}[ \t]*[^-*+\s\d]" % (MAX_LIST_DEPTH + 1), re.M)  # noqa: UP031
MAX_RULES = 100  # horizontal rules ("* * *"): Python-Markdown splits its block again at each one
RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$", re.M)
CHART_TOKEN = "bodylab-timeline"
CHART_RE = re.compile(f"(?:<p>)?{STX}{CHART_TOKEN}:(\\d+){ETX}(?:</p>)?")
LETTERS = string.ascii_lowercase


@dataclass
class Source:
    """One field of a document, in page order: its Markdown and where it is, for messages."""

    text: str
    where: str
    inline: bool = False  # one line (a key point): no paragraph around it


@dataclass
class Problem:
    field: int  # index of the Source
    message: str  # names the field: "… in the section “Walking” …"

    def __str__(self):
        return self.message

    @property
    def sentence(self):
        """The message as a sentence, for a form or the preview: with its full stop unless it asks."""
        return self.message if self.message.endswith(("?", ".", "!")) else f"{self.message}."


@dataclass
class Document:
    html: list  # per source, ready to store
    problems: list
    cited: list  # the works cited, in order of first citation
    uses: Counter  # reference pk -> number of citations
    letters: dict  # reference pk -> its year letter in this document's lists ('' for most)
    further_reading: list  # listed without being cited, in reference-list order
    pins: dict  # each citation as written -> the pk of the work it resolved to
    explained: list = ()  # the glossary entries the text uses, in order of first use

    def words_explained_html(self):
        """The <dt>/<dd> pairs of "Words explained on this page", in the order the text first uses them."""
        entries = (
            (markup.word_entry(entry, self.letters.get(entry.reference_id, ""), entry.reference_id in self.letters),)
            for entry in self.explained
        )
        return format_html_join("\n", "{}", entries)

    def reference_list_html(self):
        """The <li> entries of the reference list, with back-links, in Cite Them Right order."""
        ordered = sorted(self.cited, key=lambda ref: ref.sort_key)
        return format_html_join(
            "\n", "{}", ((markup.reference_entry(ref, self.letters[ref.pk], self.uses[ref.pk]),) for ref in ordered)
        )

    def further_reading_html(self):
        entries = ((markup.further_reading_entry(ref, self.letters[ref.pk]),) for ref in self.further_reading)
        return format_html_join("\n", "{}", entries)


def render(sources, library, pins=None, further_reading=(), glossary=None):
    """Render every source; see the module docstring. Never raises for what an author can type.

    `glossary`: a glossary.terms.Glossary whose words are explained at their first use (none if None);
    one-line sources (key points) are left unmarked: each may become a link to its section.
    """
    state = _State(library)
    term_reader = terms.TermReader(glossary)
    md = markdown.Markdown(
        extensions=[
            "fenced_code",
            TableExtension(use_align_attribute=True),  # the allow-list keeps align, never style
            "sane_lists",
            CitationExtension(state.reader),
            terms.GlossaryExtension(term_reader),
            _Linear(state),
        ],
        output_format="html",
    )
    html = []
    for number, source in enumerate(sources):
        state.reader.field = number
        term_reader.enabled = not source.inline
        html.append(state.convert(md, source))
    resolver = _Resolver(library, pins or {}, state.problems, sources)
    # In reading order: the order their tokens stand in the fields, whatever pattern read them.
    groups = [state.reader.groups[int(m.group(1))] for part in html for m in TOKEN_RE.finditer(part)]
    resolver.resolve(groups)
    cited = list({cite.reference.pk: cite.reference for g in groups for cite in g.cites if cite.reference}.values())
    cited_pks = {ref.pk for ref in cited}
    further = sorted((ref for ref in further_reading if ref.pk not in cited_pks), key=lambda ref: ref.sort_key)
    letters = year_letters(cited + further)
    writer = _Writer(state.reader.groups, letters)
    html = [CHART_RE.sub(lambda m: state.charts[int(m[1])], TOKEN_RE.sub(writer.group, part)) for part in html]

    def term(match):
        entry, text = term_reader.uses[int(match.group(1))]
        return markup.term(entry, text, letters.get(entry.reference_id, ""))

    html = [terms.TOKEN_RE.sub(term, part) for part in html]
    for unreadable in state.reader.unreadable:
        where = sources[unreadable.field].where
        if unreadable.in_link:
            message = f"The citation “{unreadable.source}” in {where} is inside a link: {unreadable.hint}"
        else:
            message = f"“{unreadable.source}” in {where} looks like a citation but cannot be read: {unreadable.hint}"
        state.problems.append(Problem(unreadable.field, message))
    state.problems.sort(key=lambda problem: problem.field)
    if len(state.problems) > MAX_PROBLEMS:
        more = len(state.problems) - MAX_PROBLEMS
        last = state.problems[MAX_PROBLEMS]
        state.problems[MAX_PROBLEMS:] = [Problem(last.field, f"…and {more} more problems of the same kinds")]
    explained = list(term_reader.explained.values())
    return Document(html, state.problems, cited, writer.uses, letters, further, resolver.resolved, explained)


def year_letters(works):
    """Works named alike in one list ('Riel, 2019') get a, b, ... in reference-list order."""
    alike = {}
    for ref in sorted(works, key=lambda ref: ref.sort_key):
        alike.setdefault((normalise_names(ref.citation_label), ref.year), []).append(ref)
    letters = {ref.pk: "" for ref in works}
    for group in alike.values():
        if len(group) > 1:
            letters.update({ref.pk: LETTERS[n % 26] for n, ref in enumerate(group)})
    return letters


# Headings an article's text may have: the page's own are h1 (the title) and h2 (its sections).
OTHER_HEADING = re.compile(r"<h([1256])\b[^>]*>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)


def other_heading_message(level, heading, where):
    """A heading the allow-list would flatten into bare text: say so, rather than lose it without a word."""
    heading = rawhtml.text_of(readable(heading))  # a citation in it is a token yet
    if level in "12":
        why = f"a level-{level} heading, which the page keeps for its title and sections: write it as ### (or ####"
        why += " under it)"
    else:
        why = f"a level-{level} heading, and the page's go down to ####: write it as ### or ####"
    # "#1 tip" or a line of dashes under a line ("---" meant as a rule) make headings nobody meant.
    no_heading = "put a backslash before its “#”, or a blank line before a line of dashes"
    return f"The heading “{heading}” in {where} is {why}. If it is no heading, {no_heading}"


def missing_alt_message(source, where):
    return f"The image “{source}” in {where} has no alt text: describe it, as in ![What the image shows]({source})"


class _State:
    def __init__(self, library):
        self.reader = CitationReader(library)
        self.charts = []
        self.problems = []
        self.where = ""  # of the source being converted
        self.scratch = None  # (reader, parser) of citations in text that is not Markdown (see report_unread)

    def convert(self, md, source):
        self.where = source.where
        refusal = refusal_reason(source.text or "")
        if refusal:
            self.problems.append(
                Problem(self.reader.field, f"{self.where[:1].upper()}{self.where[1:]} cannot be saved: {refusal}")
            )
            return ""
        try:
            converted = md.reset().convert(source.text or "")
            html = markup.boxed_tables(sanitize(converted))
        except RecursionError:
            message = (
                f"{self.where[:1].upper()}{self.where[1:]} cannot be saved: its lists or quotes are nested too deeply"
            )
            self.problems.append(Problem(self.reader.field, message))
            return ""
        for block in rawhtml.blocks_of(md.htmlStash.rawHtmlBlocks):
            self.report_unread(rawhtml.text_of(block), IN_RAW_HTML)
        for tag in rawhtml.words_taken_for_tags(md.htmlStash.rawHtmlBlocks):
            message = (
                f"“{tag}” in {self.where} reads as an HTML tag, and the page would leave it out: to show angle "
                "brackets, write &lt; for “<” (or put a space after it)"
            )
            self.problems.append(Problem(self.reader.field, message))
        for level, heading in OTHER_HEADING.findall(converted):
            self.problems.append(Problem(self.reader.field, other_heading_message(level, heading, self.where)))
        for image in _Images(html).without_alt:
            self.problems.append(Problem(self.reader.field, missing_alt_message(image, self.where)))
        if source.inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def unclosed_chart(self, line):
        message = f"In {self.where}, the timeline block begun on line {line} has no closing ``` line: end it with one"
        self.problems.append(Problem(self.reader.field, message))

    def add_chart(self, body, first_line):
        """A timeline block's figure, kept for after sanitizing; its token stands in the text meanwhile."""
        try:
            rows = parse(body, first_line=first_line)
            figure = render_svg(rows)
        except TimelineError as error:
            self.problems.append(Problem(self.reader.field, f"In {self.where}, {error}"))
            figure = ""
        else:
            for row in rows:
                self.report_unread(row.label, IN_TIMELINE_LABEL)
        self.charts.append(figure)
        return f"{STX}{CHART_TOKEN}:{len(self.charts) - 1}{ETX}"

    def report_unread(self, text, why):
        """Report what `text` would cite, were it Markdown: text no citation is read in (a reader of the page
        would take it for one that links nowhere, and the work would be missing from the list). A key
        ("[@neumann2017]") is always one; names and a year only when they name a work of the library, as
        "In March (2020)" is prose that no backslash could mark here."""
        if not text.strip():
            return
        if self.scratch is None:  # one parser for all the texts of a document: building one costs more than a text
            reader = CitationReader(self.reader.library)
            self.scratch = (reader, markdown.Markdown(extensions=[CitationExtension(reader)]))
        reader, md = self.scratch
        reader.groups, reader.unreadable = [], []
        md.reset().convert(text)
        library = self.reader.library
        for group in reader.groups:
            cites = [cite for part in group.parts for cite in part.cites]
            if any(cite.key or library.find(cite.names, cite.year) for cite in cites):
                self.problems.append(Problem(self.reader.field, f"The citation “{group.source}” in {self.where} {why}"))


def refusal_reason(text):
    """Why a text is refused before rendering: what no article needs and a worker should not spend time on."""
    if len(text) > MAX_LENGTH:
        return f"it is longer than {MAX_LENGTH:,} characters: split it into more sections"
    if DEEP_QUOTE.search(text):
        return f"it has quotes inside quotes more than {MAX_QUOTE_DEPTH} deep"
    if DEEP_LIST.search(text):
        return f"it has lists inside lists more than {MAX_LIST_DEPTH} deep on one line"
    if len(RULE.findall(text)) > MAX_RULES:
        return f"it has more than {MAX_RULES} horizontal rules"
    return None


# Where a citation is not read, and what to do instead.
IN_RAW_HTML = (
    "is inside HTML written by hand, where nothing is read as a citation: write that part in Markdown, or cite the "
    "work outside the HTML"
)
IN_TIMELINE_LABEL = (
    "is in a timeline's label, where nothing is read as a citation: cite the work in the text beside the timeline"
)
# What to do about a work the library does not have, said in the admin's words (the editor's toolbar).
ADD_THE_WORK = "add the work with “Cite a reference” and then “Add a new reference…”"


class _Resolver:
    """Finds the work each citation means, or says why it cannot."""

    def __init__(self, library, pins, problems, sources):
        self.library = library
        self.pins = pins
        self.problems = problems
        self.sources = sources
        self.resolved = {}
        self.suggestions = {}  # what was typed -> the close match, worked out once however often it is typed

    def resolve(self, groups):
        typed_letters = {}
        for group in groups:
            for cite in group.cites:
                if not cite.key:
                    typed_letters.setdefault((normalise_names(cite.names), cite.year), set()).add(cite.letter)
        for group in groups:
            for cite in group.cites:
                found, problem = self._find(group, cite, typed_letters)
                if found is None and self.library.by_pk.get(self.pins.get(cite.pin)) is not None:
                    found = self.library.by_pk[self.pins[cite.pin]]
                    problem += f"; it still links to “{found.key}”, as before"
                if problem:
                    self.problems.append(Problem(group.field, problem))
                if found is not None:
                    cite.reference = found
                    self.resolved[cite.pin] = found.pk

    def _find(self, group, cite, typed_letters):
        """(reference or None, problem or '')."""
        where = self.sources[group.field].where
        named = f"“{group.source}”" if len(group.cites) == 1 else f"“{cite.typed}” of “{group.source}”"
        named += f" in {where}"
        if cite.key:
            if cite.key in self.library.by_key:
                return self.library.by_key[cite.key], ""
            close = self._suggested(("@", cite.key), lambda: self.library.suggest_key(cite.key))
            return None, f"Unknown reference key “@{cite.key}” in {where}: " + (
                f"did you mean @{close}?" if close else f"no work in the library has it; {ADD_THE_WORK}"
            )
        found = self.library.find(cite.names, cite.year)
        if len(found) == 1 and cite.letter:
            label = markup.label(found[0], "")
            return None, f"The citation {named} has a year letter, but only one work is {label}: write it without"
        if len(found) == 1:
            return found[0], ""
        if not found:
            typed = (normalise_names(cite.names), cite.year)
            close = self._suggested(typed, lambda: self.library.suggest(cite.names, cite.year))
            return None, f"The citation {named} matches no reference: " + (
                f"did you mean {close}?"
                if close
                else f"{ADD_THE_WORK}, or put a backslash before it if it is no citation"
            )
        letters = typed_letters[(normalise_names(cite.names), cite.year)]
        if cite.letter and letters == set(LETTERS[: len(found)]):
            return found[LETTERS.index(cite.letter)], ""  # every one of them cited, lettered in list order
        keys = " or ".join(f"[@{ref.key}] (“{ref.plain_title}”)" for ref in found)
        return None, f"The citation {named} matches {len(found)} references: cite the one you mean by its key, {keys}"

    def _suggested(self, typed, suggest):
        if typed not in self.suggestions:
            self.suggestions[typed] = suggest()
        return self.suggestions[typed]


class _Writer:
    """Puts each citation's markup in place of its token, numbering every work's citations in reading order."""

    def __init__(self, groups, letters):
        self.groups = groups
        self.letters = letters
        self.uses = Counter()

    def group(self, match):
        group: Group = self.groups[int(match.group(1))]
        if not any(cite.reference for cite in group.cites):
            return escape(group.raw)  # reported; shown as it was typed
        if group.narrative_names:
            first = group.cites[0].reference
            by_key = group.narrative_names.startswith("@")
            names = first.citation_label + group.possessive if by_key else group.narrative_names
            return f"{escape(names)} ({', '.join(self._cite(cite, named=False) for cite in group.cites)})"
        parts = []
        for part in group.parts:  # only citations: what stands beside them stays Markdown text
            cites = [self._cite(cite, named=n == 0 and not cite.year_only) for n, cite in enumerate(part.cites)]
            parts.append(escape(part.prefix) + ", ".join(cites))
        return ("(" if group.opens else "") + "; ".join(parts) + (")" if group.closes else "")

    def _cite(self, cite, named):
        ref = cite.reference
        if ref is None:
            return escape(cite.typed)
        letter = self.letters.get(ref.pk, "")
        text = markup.label(ref, letter) if named else harvard.year_label(ref.year, letter)
        if cite.locator:
            text += f", {harvard.locator_text(cite.locator)}"
        self.uses[ref.pk] += 1
        return markup.citation_link(ref, text, self.uses[ref.pk], letter)


class _Images(HTMLParser):
    """The sources of <img> tags without alt text, in sanitized HTML."""

    def __init__(self, html):
        super().__init__()
        self.without_alt = []
        if "<img" in html:  # most parts of an article have no image: no parse
            self.feed(html)
            self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and not visible(attributes.get("alt")):
            self.without_alt.append(attributes.get("src") or "")


# --- Python-Markdown in linear time -------------------------------------------------------------------------------
# Three of its steps take time with the square of the input on text no one writes but anyone can paste:
# the text of "[" links and the address of "](" links, each scanned to the end of the paragraph when it
# never closes, and its raw-HTML reader, which rescans the rest of the text for every "<a" that never
# closes. They are bounded here: link text nests at most three brackets deep, a link's address and
# title end within MAX_LINK characters, and a tag must close before the next "<".

MAX_LINK = 500  # a link's address and title, in characters: longer ones stay text

BRACKET_TEXT = re.compile(r"((?:[^\[\]]++|\[(?:[^\[\]]++|\[(?:[^\[\]]++|\[[^\[\]]*+\])*+\])*+\])*+)\]")
WHOLE_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
WHOLE_END_TAG = re.compile(r"</[a-zA-Z][^<>]*>")


def _bracket_text(self, data, index):
    match = BRACKET_TEXT.match(data, index)
    if match:
        return match.group(1), match.end(), True
    return "", index, False


def _bounded_link(self, data, index):
    if data.find(")", index, index + MAX_LINK) == -1:
        return "", None, index, False  # no address closes here: not a link
    return LinkInlineProcessor.getLink(self, data[: index + MAX_LINK], index)


class _LinearHTMLExtractor(HTMLExtractor):
    """Python's HTML parser looks for the ">" of every "<a " or "</a " to the end of the text: a text full
    of them took time in the square of its length. One that does not close before the next "<" is text."""

    def check_for_whole_start_tag(self, i):
        if not WHOLE_TAG.match(self.rawdata, i):
            return -1  # not a tag: the "<" is text
        return super().check_for_whole_start_tag(i)

    def parse_endtag(self, i):
        if not WHOLE_END_TAG.match(self.rawdata, i):
            self.handle_data(self.rawdata[i : i + 2])  # not a tag: "</" is text, as Python-Markdown does
            return i + 2
        return super().parse_endtag(i)


class _LinearHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def run(self, lines):
        parser = _LinearHTMLExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class _Linear(markdown.Extension):
    def __init__(self, state):
        super().__init__()
        self.state = state

    def extendMarkdown(self, md):
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = _bracket_text.__get__(processor)
                processor.getLink = _bounded_link.__get__(processor)
        md.preprocessors.register(_LinearHtmlBlockPreprocessor(md), "html_block", 20)
        md.preprocessors.register(TimelinePreprocessor(md, self.state), "timeline", 27)
