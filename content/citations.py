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
from markdown.util import ETX, STX

from references.citations import normalise_names

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_])?"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
# One date as cited: "2017", "2019a", "n.d.", "no date", "no date b".
DATE = re.compile(
    rf"^(?:(?P<year>{YEAR})\s?(?P<letter>[a-z])?|(?:n\.\s?d\.|no\s+date)(?:\s?(?P<nd_letter>[a-z]))?)$",
    re.IGNORECASE,
)
TRAILING_DATE = re.compile(
    rf"^(?P<names>.*?\S),?\s+(?P<date>{YEAR}\s?[a-z]?|n\.\s?d\.(?:\s?[a-z])?|no\s+date(?:\s+[a-z])?)$"
)
ANY_DATE = re.compile(rf"\b{YEAR}[a-z]?\b|\bn\.\s?d\.|\bno date\b", re.IGNORECASE)
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
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten", "dos", "das",
    "do", "y", "bin", "ibn", "af", "zu", "st",
}  # fmt: skip
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
    text: str = ""  # a part that is no citation ("personal communication"): kept as it is


@dataclass
class Group:
    """A citation as it stands in the text: '(…; …)' or 'Names (2017)'."""

    source: str
    field: int
    narrative_names: str = ""  # "Neumann" of "Neumann (2017)"; empty for a parenthetical citation
    parts: list = field(default_factory=list)
    dropped: bool = False  # inside a link: left as text, and reported

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
    body = text.strip()
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
        return None
    names = names.strip().rstrip(",").strip()
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
        inner = match.group(1)
        parts = [read_part(text) for text in inner.split(";")]
        if len(parts) == 1 and isinstance(parts[0], tuple):
            return self._narrative(match, data, *parts[0][1])
        if all(part is None or isinstance(part, tuple) for part in parts):
            return None
        if "unreadable" in parts:
            hint = "write it as (Author, year), separate works with “;”"
            self.unreadable.append(Unreadable(match.group(0), self.field, hint))
            return None
        group = Group(source=match.group(0), field=self.field)
        for text, part in zip(inner.split(";"), parts, strict=True):
            group.parts.append(part if isinstance(part, Part) else Part(text=text.strip()))
        return self._record(group), match.start(), match.end()

    def _narrative(self, match, data, dates, locator):
        """'Neumann (2017)': the names are the words before the parenthesis that name a work."""
        before = data[: match.start()]
        words = list(re.finditer(r"[^\s()\[\]]+", before[-400:]))[-NARRATIVE_REACH:]
        offset = max(0, len(before) - 400)
        if not words or before[offset + words[-1].end() :].strip() or not before.endswith((" ", "\u00a0")):
            return None
        candidates = []
        for first in range(len(words)):
            start = offset + words[first].start()
            names = before[start:].strip()
            if looks_like_names(strip_possessive(names)):
                candidates.append((start, names))
        if not candidates:
            last = words[-1].group(0)
            if is_capitalised(last) or last.rstrip(".") == "al":
                self.unreadable.append(Unreadable(f"{last} {match.group(0)}", self.field, "write it as Author (year)"))
            return None
        years = {year for year, _ in dates}
        matching = [(start, names) for start, names in candidates if self._names_exist(strip_possessive(names), years)]
        # The longest names that name a work; otherwise the shortest, to be reported as typed.
        start, names = matching[0] if matching else candidates[-1]
        cites = [
            Cite(
                typed=_date_text(year, letter), names=strip_possessive(names), year=year, letter=letter, year_only=True
            )
            for year, letter in dates
        ]
        cites[-1].locator = locator
        group = Group(
            source=f"{names} {match.group(0)}", field=self.field, narrative_names=names, parts=[Part(cites=cites)]
        )
        return self._record(group), start, match.end()

    def _names_exist(self, names, years):
        return any(self.library.find(names, year) for year in years)

    # "[@key]", "[see @a, p. 4; -@b]": Pandoc's bracketed citations.
    def bracketed(self, match, data):
        inner = match.group(1)
        if not re.search(rf"(?<![\w.@])-?@{KEY}", inner):
            return None
        group = Group(source=match.group(0), field=self.field)
        for text in inner.split(";"):
            part = re.fullmatch(
                rf"\s*(?P<prefix>[^@]*?)\s*(?P<minus>-)?@(?P<key>{KEY})\s*(?:,\s*(?P<locator>.*?))?\s*", text
            )
            if not part or "@" in (part["locator"] or ""):
                self.unreadable.append(
                    Unreadable(match.group(0), self.field, "write it as [@key] or [@key, p. 4; @other]")
                )
                return None
            prefix = part["prefix"] + " " if part["prefix"] else ""
            cite = Cite(typed=text.strip(), key=part["key"], locator=(part["locator"] or "").strip(),
                        year_only=bool(part["minus"]))  # fmt: skip
            group.parts.append(Part(prefix=prefix, cites=[cite]))
        return self._record(group), match.start(), match.end()

    # "@key" in a sentence, with an optional "[p. 4]" after it.
    def narrative_key(self, match, data):
        cite = Cite(typed=match.group(0), key=match["key"], locator=(match["locator"] or "").strip(), year_only=True)
        group = Group(source=match.group(0), field=self.field, narrative_names=f"@{match['key']}",
                      parts=[Part(cites=[cite])])  # fmt: skip
        return self._record(group), match.start(), match.end()


class _Processor(InlineProcessor):
    def __init__(self, pattern, read):
        super().__init__(pattern)
        self.read = read

    def handleMatch(self, match, data):
        found = self.read(match, data)
        return found if found else (None, None, None)


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

    def _untokened(self, text):
        if not text or STX not in text:
            return text

        def undo(match):
            group = self.reader.groups[int(match.group(1))]
            group.dropped = True
            hint = "a link cannot also open the reference, so take the citation out of the link text"
            self.reader.unreadable.append(Unreadable(group.source, group.field, hint, in_link=True))
            return group.source

        return TOKEN_RE.sub(undo, text)


# Citations are read after raw HTML and entities are set aside (priority 90 and 80), so text
# inside a tag's attributes is never taken for one, and before emphasis (60), which may wrap them.
BRACKETED = r"\[([^\[\]\n]{1,400})\](?![(\[:])"
PARENTHESIS = r"\(([^()\n]{1,300})\)"
# Not after a backslash-escaped character (which Python-Markdown has turned into STX…ETX): "\[@key]" is text.
NARRATIVE_KEY = rf"(?<![\w@.\\{ETX}])@(?P<key>{KEY})(?:[ \u00a0]\[(?P<locator>[^\[\]\n]{{1,60}})\])?"


class CitationExtension(Extension):
    def __init__(self, reader):
        super().__init__()
        self.reader = reader

    def extendMarkdown(self, md):
        md.ESCAPED_CHARS.append("@")  # "\@handle" is text, not a citation
        md.inlinePatterns.register(_Processor(BRACKETED, self.reader.bracketed), "citation_bracketed", 78)
        md.inlinePatterns.register(_Processor(PARENTHESIS, self.reader.parenthesis), "citation_parenthesis", 77)
        md.inlinePatterns.register(_Processor(NARRATIVE_KEY, self.reader.narrative_key), "citation_narrative_key", 76)
        md.treeprocessors.register(_CitationsInLinks(md, self.reader), "citations_in_links", 19)
