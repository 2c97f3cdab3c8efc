"""Citations as tokens of the Markdown parser.

Practitioners cite in any of the ways Harvard writers do:

* by key, as in Pandoc: ``[@neumann2017]``, ``[@a; @b]``, ``[see @neumann2017, p. 45]``,
  ``[-@neumann2017]`` (year only), and ``@neumann2017`` or ``@neumann2017 [p. 45]`` in a sentence;
* as text: ``(Neumann, 2017)``, ``(Neumann 2017)``, ``(see Neumann, 2017)``, ``(e.g. Neumann, 2017)``,
  ``(Moore, Dalley & Agur, 2023; Standring, 2021)``, ``(Kjaer et al 2009)``, ``(Riel, 2019a, 2019b)``,
  ``(NHS, no date a)``, ``(Neumann, 2017, pp. 33-35)``, and in a sentence ``Neumann (2017)``,
  ``van der Worp and de Vos (2015)``.

Like Python-Markdown's footnotes, inline processors turn each citation into a
token while the text is parsed, so code spans and fenced code never see them;
the pipeline resolves the tokens against the library once the whole article
has been read (year letters belong to the article's own reference list) and
puts the markup of `content.markup` in their place, in reading order.

Text that looks like a citation but is not one is written with a backslash:
``\\(Smith, 2019)``, ``\\[@key]``, ``\\@handle``.
"""

import re
from dataclasses import dataclass, field

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, INLINE_PLACEHOLDER_RE, STX

from references.citations import normalise_names
from references.harvard import PARTICLES
from references.normalise import KEY, YEAR

from .rawhtml import PLACEHOLDER, RAW_HTML, RawTags, is_raw_tag

# One date as cited: "2017", "2019a", "n.d.", "no date", "no date b".
DATE = re.compile(
    rf"^(?:(?P<year>{YEAR})\s?(?P<letter>[a-z])?|(?:n\.\s?d\.?|no\s+date)(?:\s?(?P<nd_letter>[a-z]))?)$",
    re.IGNORECASE,
)
TRAILING_DATE = re.compile(
    rf"^(?P<names>.*?\S),?\s+(?P<date>{YEAR}\s?[a-z]?|n\.\s?d\.(?:\s?[a-z])?|no\s+date(?:\s+[a-z])?)$"
)
# What reads as a date in a citation, to report one that cannot be read ("in press": cite it by key).
ANY_DATE = re.compile(rf"\b{YEAR}[a-z]?\b|\bn\.\s?d\b|\bno date\b|\bin press\b|\bforthcoming\b", re.IGNORECASE)
# "2017: 45", a locator after a colon, as many Harvard writers put it.
COLON_LOCATOR = re.compile(rf"(?P<date>\b{YEAR}[a-z]?|\bn\.\s?d\.)\s*:\s*(?=\S)")
PREFIX = re.compile(
    r"^(?P<prefix>(?:see also|see|e\.\s?g\.|eg|cf\.?|for example|for instance|as cited in|quoted in|compare)"
    r"(?:,|:)?\s+)",
    re.IGNORECASE,
)
LOCATOR = re.compile(
    r"^(?:(?:pp?|pages?|paras?|paragraphs?|ch|chap|chapters?|sect?|sections?|figs?|figures?|tables?|vol|nos?|lines?)"
    r"\.?\s*)?[\divxlc]+(?:\s*(?:-+|–|—|to)\s*[\divxlc]+)?$|^n\.\s?p\.$",
    re.IGNORECASE,
)
# Lower-case words that join names or stand inside an organisation's name.
JOINING_WORDS = {"and", "&", "et", "al", "al.", "of", "for", "the", "in", "on", "to", "at"}
MAX_NAME_WORDS = 14
# How far back "Names (2017)" may reach for its names, in words.
NARRATIVE_REACH = 12
NAME_WORD = re.compile(r"[^\W\d_][\w'’.\-]*|&", re.UNICODE)

TOKEN = "bodylab-cite"
TOKEN_RE = re.compile(f"{STX}{TOKEN}:(\\d+){ETX}")


def token(index):
    return f"{STX}{TOKEN}:{index}{ETX}"


@dataclass
class Cite:
    """One work cited at one place: by key, or by names and a date as typed."""

    typed: str  # as written, for messages and for text left unlinked
    key: str = ""
    names: str = ""
    year: int | None = None
    letter: str = ""
    locator: str = ""
    year_only: bool = False  # [-@key], or the date of a narrative citation: the names stand outside
    reference: object = None  # set when the document is resolved

    @property
    def pin(self):
        """The citation as written, to remember which work it meant (see pipeline.Document.pins)."""
        if self.key:
            return f"@{self.key}"
        return f"{normalise_names(self.names)}|{self.year or 'nd'}{self.letter}"


@dataclass
class Part:
    """One ';'-separated part of a citation: an optional prefix ('see') and its works."""

    prefix: str = ""
    cites: list = field(default_factory=list)


@dataclass
class Group:
    """A citation as it stands in the text: '(…; …)' or 'Names (2017)'."""

    source: str  # the whole citation as typed, for messages
    raw: str  # the text the token stands for, shown as it was when nothing in it resolves
    field: int
    narrative_names: str = ""  # "Neumann" of "Neumann (2017)"; empty for a parenthetical citation
    possessive: str = ""  # "’s" of "@neumann2017’s"
    parts: list = field(default_factory=list)
    opens: bool = True  # the token holds the "(" (other parts may stand before the citations) ...
    closes: bool = True  # ... and the ")"

    @property
    def cites(self):
        return [cite for part in self.parts for cite in part.cites]


@dataclass
class Unreadable:
    """Something that looks like a citation but cannot be read; reported with a hint."""

    source: str
    field: int
    hint: str
    in_link: bool = False


def is_capitalised(word):
    letters = [char for char in word if char.isalpha()]
    return bool(letters) and letters[0].isupper()


def looks_like_names(names):
    words = NAME_WORD.findall(names)
    if not words or len(words) > MAX_NAME_WORDS:
        return False
    if not (is_capitalised(words[0]) or words[0].casefold() in PARTICLES):
        return False
    if not any(is_capitalised(word) for word in words):
        return False
    leftover = NAME_WORD.sub("", names).replace(",", "").strip()
    return not leftover and all(
        is_capitalised(word) or word.casefold() in PARTICLES or word.casefold() in JOINING_WORDS for word in words
    )


def read_date(text):
    """(year or None, letter) for '2019a' / 'n.d.' / 'no date b'; None when it is not a date."""
    match = DATE.match(text.strip())
    if not match:
        return None
    year = int(match["year"]) if match["year"] else None
    return year, (match["letter"] or match["nd_letter"] or "").lower()


def read_dates_and_locator(tokens):
    """['2019a', 'b', 'p. 4'] -> ([(2019, 'a'), (2019, 'b')], 'p. 4'); None if it is not that shape."""
    dates, rest = [], []
    for position, item in enumerate(tokens):
        item = item.strip()
        date = read_date(item)
        if date and not rest:
            dates.append(date)
        elif dates and not rest and re.fullmatch(r"[a-z]", item):
            dates.append((dates[-1][0], item))  # "2019a, b"
        else:
            rest = tokens[position:]
            break
    locator = ", ".join(part.strip() for part in rest)
    if not dates or (locator and not LOCATOR.match(locator)):
        return None
    return dates, locator


def read_part(text):
    """One part of a parenthesis -> Part, or None (not a citation), or 'unreadable'."""
    body = COLON_LOCATOR.sub(r"\g<date>, ", " ".join(text.split()))  # "2017: 45" is "2017, 45"
    prefix = ""
    match = PREFIX.match(body)
    if match:
        prefix, body = match["prefix"], body[match.end() :]
    pieces = body.split(",")
    for position, piece in enumerate(pieces):
        if read_date(piece):
            names, tail = ",".join(pieces[:position]), pieces[position:]
            break
        trailing = TRAILING_DATE.match(piece.strip())
        if trailing and read_date(trailing["date"]):
            names = ",".join([*pieces[:position], trailing["names"]])
            tail = [trailing["date"], *pieces[position + 1 :]]
            break
    else:
        return "unreadable" if _names_before_a_date(body) else None
    # "National Institute for Health and Care Excellence (NICE)": the abbreviation is not part of the name.
    names = re.sub(r"\s*\([^()]{1,60}\)", "", names).strip().rstrip(",").strip()
    read = read_dates_and_locator(tail)
    if not names:
        return ("dates", read) if read and not prefix else None
    if read is None or not looks_like_names(names):
        return "unreadable" if looks_like_names(names) or _names_before_a_date(body) else None
    dates, locator = read
    cites = [
        Cite(typed=f"{names}, {_date_text(year, letter)}" if n == 0 else _date_text(year, letter), names=names,
             year=year, letter=letter)
        for n, (year, letter) in enumerate(dates)
    ]  # fmt: skip
    cites[-1].locator = locator
    return Part(prefix=prefix, cites=cites)


def _names_before_a_date(text):
    for match in ANY_DATE.finditer(text):
        before = text[: match.start()].rstrip().rstrip(",").split()
        if before and (is_capitalised(before[-1]) or before[-1].rstrip(".") == "al"):
            return True
    return False


def _date_text(year, letter):
    return f"{year}{letter}" if year else f"no date{' ' + letter if letter else ''}"


def readable(text):
    """Text as the author typed it, for a message: Python-Markdown's placeholders shown as "…"."""
    return " ".join(PLACEHOLDER.sub("…", text).split())


def _read_part_beside_markup(text):
    """read_part, for a part that may hold a code span, link, HTML or escape (a placeholder by now):
    such a part is never a citation, and reads as 'unreadable' when it would otherwise be one."""
    if STX not in text:
        return read_part(text)
    read = read_part(PLACEHOLDER.sub(" ", text))
    return "unreadable" if isinstance(read, Part) or read == "unreadable" else None


def _joined_names_start(words):
    """Index of the first of the last words that are joined into one list of names: 'Brown and Neumann',
    'Moore, Dalley and Agur', 'van der Worp and de Vos', 'Kjaer et al.'."""
    joining = {"and", "&", "et", "al", "al."}
    first = len(words) - 1
    while first > 0:
        previous, current = words[first - 1].group(0), words[first].group(0)
        name_like = is_capitalised(previous) or previous.casefold() in PARTICLES | joining
        linked = previous.casefold() in PARTICLES | joining or previous.endswith(",") or current.casefold() in joining
        if not (name_like and linked):
            break
        first -= 1
    return first


def strip_possessive(names):
    return re.sub(r"['’]s$", "", names)


class CitationReader:
    """Reads citations for one document (all the fields of an article), recording them in order."""

    def __init__(self, library):
        self.library = library
        self.groups = []
        self.unreadable = []
        self.field = 0

    def _record(self, group):
        self.groups.append(group)
        return token(len(self.groups) - 1)

    # "(…)": a parenthetical citation, the date of a narrative one, or an ordinary parenthesis.
    def parenthesis(self, match, data):
        """Only the run of parts that are citations becomes a token: what stands beside them in the same
        parentheses ("personal communication", a link, code) stays text for Python-Markdown to go on with."""
        texts = match.group(1).split(";")
        parts = [_read_part_beside_markup(text) for text in texts]
        if len(parts) == 1 and isinstance(parts[0], tuple):
            return self._narrative(match, data, *parts[0][1])
        cited = [n for n, part in enumerate(parts) if isinstance(part, Part)]
        if "unreadable" in parts or (
            cited and not all(isinstance(parts[n], Part) for n in range(cited[0], cited[-1] + 1))
        ):
            hint = "write it as (Author, year), separate works with “;”, and keep links, code and notes apart"
            self.unreadable.append(Unreadable(readable(match.group(0)), self.field, hint))
            return None
        if not cited:
            return None
        starts = [match.start(1) + sum(len(text) + 1 for text in texts[:n]) for n in range(len(texts))]
        first, last = cited[0], cited[-1]
        opens, closes = first == 0, last == len(parts) - 1
        start = match.start() if opens else starts[first] + len(texts[first]) - len(texts[first].lstrip())
        end = match.end() if closes else starts[last] + len(texts[last].rstrip())
        group = Group(
            source=readable(match.group(0)),
            raw=data[start:end],
            field=self.field,
            opens=opens,
            closes=closes,
            parts=[parts[n] for n in cited],
        )
        return self._record(group), start, end

    def _narrative(self, match, data, dates, locator):
        """'Neumann (2017)': the names are the words before the parenthesis that name a work.

        The names are those of the longest run of name-like words that names a work in the library,
        unless more names are joined to it ("Brown and Neumann (2017)" is not Neumann's work alone).
        """
        before = data[: match.start()]
        offset = max(0, len(before) - 400)
        # Emphasis marks are not part of a name: "**Neumann (2017)**" is a citation in bold.
        words = list(re.finditer(r"[^\s()\[\]*_]+", before[offset:]))[-NARRATIVE_REACH:]
        if not words or not before[-1:].isspace():
            return None
        gap = before[offset + words[-1].end() :].strip()
        if gap:
            last = words[-1].group(0)
            # "**Neumann** (2017)": the emphasis closes between the names and the date ("a *pilot* (2017)" is prose).
            if not gap.strip("*_") and (is_capitalised(last) or last.rstrip(".") == "al"):
                source = readable(f"{words[-1].group(0)}{gap} {match.group(0)}")
                hint = "put the emphasis around the whole citation, as **Neumann (2017)**, or leave it out"
                self.unreadable.append(Unreadable(source, self.field, hint))
            return None
        candidates = []  # (start, names), longest first
        for first in range(len(words)):
            start = offset + words[first].start()
            names = before[start:].strip()
            if looks_like_names(strip_possessive(names)):
                candidates.append((start, names))
        if not candidates:
            last = words[-1].group(0)
            if is_capitalised(last) or last.rstrip(".") == "al":
                source = readable(f"{last} {match.group(0)}")
                self.unreadable.append(Unreadable(source, self.field, "write it as Author (year)"))
            return None
        joined = offset + words[_joined_names_start(words)].start()
        years = {year for year, _ in dates}
        matching = [(start, names) for start, names in candidates if self._names_exist(strip_possessive(names), years)]
        if matching and matching[0][0] <= joined:
            start, names = matching[0]
        else:  # reported as typed: every name joined to the last one
            start, names = next(((s, n) for s, n in candidates if s >= joined), candidates[-1])
        cites = [
            Cite(
                typed=_date_text(year, letter), names=strip_possessive(names), year=year, letter=letter, year_only=True
            )
            for year, letter in dates
        ]
        cites[-1].locator = locator
        group = Group(
            source=readable(data[start : match.end()]),
            raw=data[start : match.end()],
            field=self.field,
            narrative_names=names,
            parts=[Part(cites=cites)],
        )
        return self._record(group), start, match.end()

    def _names_exist(self, names, years):
        return any(self.library.find(names, year) for year in years)

    # "[@key]", "[see @a, p. 4; -@b]": Pandoc's bracketed citations.
    def bracketed(self, match, data):
        inner = match.group(1)
        if not re.search(rf"(?<![\w.@])-?@{KEY}", inner):
            return None
        group = Group(source=readable(match.group(0)), raw=match.group(0), field=self.field)
        for text in inner.split(";"):
            part = re.fullmatch(
                rf"\s*(?P<prefix>[^@]*?)\s*(?P<minus>-)?@(?P<key>{KEY})\s*(?:,\s*(?P<locator>.*?))?\s*", text
            )
            if not part or "@" in (part["locator"] or ""):
                self.unreadable.append(
                    Unreadable(readable(match.group(0)), self.field, "write it as [@key] or [@key, p. 4; @other]")
                )
                return None
            prefix = part["prefix"] + " " if part["prefix"] else ""
            cite = Cite(typed=text.strip(), key=part["key"], locator=(part["locator"] or "").strip(),
                        year_only=bool(part["minus"]))  # fmt: skip
            group.parts.append(Part(prefix=prefix, cites=[cite]))
        return self._record(group), match.start(), match.end()

    # "@key" in a sentence, "@key's", with an optional "[p. 4]" after it.
    def narrative_key(self, match, data):
        cite = Cite(typed=match.group(0), key=match["key"], locator=(match["locator"] or "").strip(), year_only=True)
        group = Group(source=match.group(0), raw=match.group(0), field=self.field, narrative_names=f"@{match['key']}",
                      possessive=match["possessive"] or "", parts=[Part(cites=[cite])])  # fmt: skip
        return self._record(group), match.start(), match.end()


RAW_CODE = {"code", "pre"}  # the code the sanitizer keeps (kbd and samp it takes out, leaving their text)


class _Processor(InlineProcessor):
    def __init__(self, pattern, read, md):
        super().__init__(pattern, md)
        self.read = read
        self.raw_blocks, self.raw_seen, self.raw_code_seen = None, 0, False  # is a raw tag of the field code?

    def handleMatch(self, match, data):
        if self._field_has_raw_code() and self._in_raw_code(data[: match.start()]):
            return None, None, None  # the author's own <code>…</code>: text, as in a code span, never read
        found = self.read(match, data)
        return found if found else (None, None, None)

    def _field_has_raw_code(self):
        """Looked at once per raw tag (a field with none, nearly every one, costs no scan of the text)."""
        blocks = self.md.htmlStash.rawHtmlBlocks
        if blocks is not self.raw_blocks:  # the next field (Markdown.reset() starts a new list)
            self.raw_blocks, self.raw_seen, self.raw_code_seen = blocks, 0, False
        new = blocks[self.raw_seen :]
        self.raw_seen = len(blocks)
        self.raw_code_seen = self.raw_code_seen or any(is_raw_tag(str(block), RAW_CODE) for block in new)
        return self.raw_code_seen

    def _in_raw_code(self, before):
        # While inline patterns run, each raw tag is a placeholder of the inline stash holding its own.
        stashed = self.md.treeprocessors["inline"].stashed_nodes
        code = RawTags(RAW_CODE, self.md.htmlStash.rawHtmlBlocks)
        for placeholder in INLINE_PLACEHOLDER_RE.finditer(before):
            node = stashed.get(placeholder.group(1))
            if isinstance(node, str):
                code.follow(node)
        return code.depth > 0


class _CitationsInLinks(Treeprocessor):
    """A citation inside a link's text cannot also open its reference: left as text, and reported."""

    def __init__(self, md, reader):
        super().__init__(md)
        self.reader = reader

    def run(self, root):
        for link in root.iter("a"):
            for node in link.iter():
                node.text = self._untokened(node.text)
                if node is not link:
                    node.tail = self._untokened(node.tail)
        self.raw_links = RawTags({"a"}, self.md.htmlStash.rawHtmlBlocks)
        self._walk(root)

    def _walk(self, element):
        element.text = self._in_raw_html(element.text)
        for child in element:
            self._walk(child)
            child.tail = self._in_raw_html(child.tail)

    def _in_raw_html(self, text):
        if not text or STX not in text:
            return text
        pieces, last = [], 0
        for placeholder in [*RAW_HTML.finditer(text), None]:
            between = text[last : placeholder.start() if placeholder else len(text)]
            pieces.append(self._untokened(between) if self.raw_links.depth else between)
            if placeholder:
                pieces.append(placeholder.group(0))
                self.raw_links.follow(placeholder.group(0))
                last = placeholder.end()
        return "".join(pieces)

    def _untokened(self, text):
        if not text or STX not in text:
            return text

        def undo(match):
            group = self.reader.groups[int(match.group(1))]
            hint = "a link cannot also open the reference, so take the citation out of the link text"
            self.reader.unreadable.append(Unreadable(group.source, group.field, hint, in_link=True))
            return group.raw

        return TOKEN_RE.sub(undo, text)


# Citations are read after raw HTML and entities are set aside (priority 90 and 80), so text
# inside a tag's attributes is never taken for one, and before emphasis (60), which may wrap them.
BRACKETED = r"\[([^\[\]]{1,400})\](?![(\[:])"
# One level of parentheses inside: "(National Institute for Health and Care Excellence (NICE), 2022)".
PARENTHESIS = r"\(((?:[^()]|\([^()]{0,60}\)){1,300})\)"
# Not after a backslash-escaped character (which Python-Markdown has turned into STX…ETX): "\[@key]" is text.
NARRATIVE_KEY = (
    rf"(?<![\w@.\\{ETX}])@(?P<key>{KEY})(?P<possessive>['’]s)?(?:[ \u00a0]\[(?P<locator>[^\[\]\n]{{1,60}})\])?"
)


class CitationExtension(Extension):
    def __init__(self, reader):
        super().__init__()
        self.reader = reader

    def extendMarkdown(self, md):
        md.ESCAPED_CHARS.append("@")  # "\@handle" is text, not a citation
        md.inlinePatterns.register(_Processor(BRACKETED, self.reader.bracketed, md), "citation_bracketed", 78)
        md.inlinePatterns.register(_Processor(PARENTHESIS, self.reader.parenthesis, md), "citation_parenthesis", 77)
        md.inlinePatterns.register(
            _Processor(NARRATIVE_KEY, self.reader.narrative_key, md), "citation_narrative_key", 76
        )
        md.treeprocessors.register(_CitationsInLinks(md, self.reader), "citations_in_links", 19)
