"""BibTeX to and from our records (see `references.csl` for what a record is).

A small strict parser of our own rather than bibtexparser: version 1.4 silently
drops an entry it cannot parse and 2.x reads `title = {T} year = 2020` as one
value, while we must name the line of any mistake and then save nothing.

Values are LaTeX: `{\\"u}` is ü, `\\&` is &, and unescaped braces only group
(or protect capitals), so they are dropped. The writer escapes the other way,
which is what makes export → import give back the same text.
"""

import re
import unicodedata

from .csl import (
    accessed_fields,
    accessed_parts,
    date_text,
    given_with_particle,
    issued_fields,
    issued_parts,
    no_access_fields,
    no_date_fields,
    split_particle,
)
from .errors import ImportProblem

# Entry types we read, and the kind each becomes; some are refined by their fields (see `_kind`).
KINDS = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "video": "video",
    "movie": "video",
    "audio": "podcast",
}
# What each kind is written as: classic BibTeX types, and biblatex's where BibTeX has none.
# Newspaper and magazine articles are @article with biblatex's entrysubtype, a blog post @online
# with entrysubtype = {blog}, a preprint @misc with howpublished = {Preprint}; a thesis is
# @phdthesis or @mastersthesis when its type says which (see `_entry_type`).
ENTRY_TYPES = {
    "article-journal": "article",
    "preprint": "misc",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "webpage": "online",
    "blog-post": "online",
    "newspaper": "article",
    "magazine": "article",
    "thesis": "thesis",
    "conference-paper": "inproceedings",
    "video": "video",
    "podcast": "audio",
}
SUBTYPES = {"newspaper": "newspaper", "magazine": "magazine", "blog-post": "blog"}
THESIS_TYPES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
PHD = re.compile(r"\b(ph\.?\s?d|doctor|doctoral|d\.?phil)", re.IGNORECASE)
MASTERS = re.compile(r"\b(master|m\.?sc|m\.?a|m\.?phil|m\.?res)\b", re.IGNORECASE)
PREPRINT = "Preprint"
# biblatex's localisation key for "in press"; other publication states are kept as written.
PUBSTATES = {"inpress": "in press"}
# Kinds written as @article, whose `number` is the issue; their article number is `eid`.
ARTICLE_KINDS = {"article-journal", "newspaper", "magazine"}
# Where the site, blog, channel or show that a web or media item belongs to is named.
ORGANISATION_KINDS = {"webpage", "blog-post", "video", "podcast"}
# Fields read as they are, one to one, after the kind-dependent ones.
PLAIN_FIELDS = {
    "volume": ("volume",),
    "pages": ("pages",),
    "collection_title": ("series",),
    "genre": ("type",),
    "status": ("pubstate",),
    "event_title": ("eventtitle",),
    "event_place": ("venue",),
    "event_date": ("eventdate",),
    "edition": ("edition",),
    "place": ("address", "location"),
    "publisher": ("publisher", "institution", "school"),
}
ENGLISH_MONTHS = "january february march april may june july august september october november december".split()
MONTH_NAMES = {name: n for n, month in enumerate(ENGLISH_MONTHS, start=1) for name in (month, month[:3])}
MONTHS = {m: str(n) for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
NAME_CHARS = re.compile(r"[^\s\"#%'(),={}@]+")
KEY_CHARS = re.compile(r"[^\s,{}()]+")
NUMBER = re.compile(r"\d+")
NEXT_WORD = re.compile(r"\S{1,20}")
COMMENT_LINE_OR_AT = re.compile(r"^[ \t]*%.*$|@", re.MULTILINE)
# A value with "name = {" on a later line has most likely swallowed the next fields.
FIELD_INSIDE_VALUE = re.compile(r"\n\s*[A-Za-z]+\s*=\s*[{\"\d]")

# ---------------------------------------------------------------------------
# LaTeX → text


ACCENTS = {  # accent command → combining character
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "textendash": "–",
    "textemdash": "—",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textunderscore": "_",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textdegree": "°",
    "ldots": "…",
    "dots": "…",
}
# Commands that only style their argument: the argument's text is kept.
STYLES = {
    "emph",
    "textit",
    "textbf",
    "textsc",
    "textrm",
    "textsf",
    "texttt",
    "textup",
    "textnormal",
    "mkbibquote",
    "mkbibemph",
    "enquote",
    "mbox",
    "url",
}
COMMAND_NAME = re.compile(r"[A-Za-z]+")
# What the writer escapes; `\textasciitilde{}` ends in {} so no following space is eaten.
ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class LatexProblem(ValueError):
    """A value that is not LaTeX; `_record` names the entry and field."""


def latex_to_text(raw):
    """'Caf{\\'e} \\& {DNA}' -> 'Café & DNA'."""
    try:
        text, _ = _decode(raw, 0, len(raw))
    except RecursionError:  # thousands of accents on accents, or braces in braces
        raise LatexProblem("accents or braces nested too deeply to be text") from None
    return unicodedata.normalize("NFC", re.sub(r"[ \t\r\n]+", " ", text)).strip()


def text_to_latex(text):
    return "".join(ESCAPES.get(char, char) for char in text)


def _decode(raw, start, end):
    out, i = [], start
    while i < end:
        char = raw[i]
        if char == "\\":
            text, i = _command(raw, i, end)
            out.append(text)
        elif char in "{}":
            i += 1  # grouping or protected capitals
        elif char == "~":
            out.append(" ")  # a tie: an unbreakable space in LaTeX
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out), i


def _command(raw, i, end):
    """Decode the command at raw[i] == '\\'; returns (text, index after it)."""
    if i + 1 >= end:
        return "\\", end
    char = raw[i + 1]
    if char in ACCENTS and not char.isalpha():  # \'e, \"{o}; lettered ones (\c{c}) are named below
        return _accented(raw, i + 2, end, char)
    if not char.isalpha():  # \& \{ \% \_ and friends stand for the character itself
        return (" " if char == "\\" else char), i + 2
    match = COMMAND_NAME.match(raw, i + 1, end)
    if match is None:  # '\\é': LaTeX has no such command, and guessing what was meant would be wrong
        raise LatexProblem(f"'\\{char}' is not a LaTeX command; write {char} without the backslash")
    name, after = match.group(0), match.end()
    if name not in ACCENTS and name not in SYMBOLS and name not in STYLES:
        # Unknown: kept as typed, with its argument, rather than lost.
        if after < end and raw[after] == "{":
            after = _matching_brace(raw, after, end) + 1
        return raw[i:after], after
    while after < end and raw[after] in " \t\r\n":  # LaTeX eats the spaces after a control word
        after += 1
    if name in ACCENTS:
        return _accented(raw, after, end, name)
    return SYMBOLS.get(name, ""), after


def _accented(raw, i, end, accent):
    if i < end and raw[i] == "{":
        close = _matching_brace(raw, i, end)
        target, i = _decode(raw, i + 1, close)[0], close + 1
    elif i < end and raw[i] == "\\":
        target, i = _command(raw, i, end)
    elif i < end:
        target, i = raw[i], i + 1
    else:
        target = ""
    if not target:
        return (accent if not accent.isalpha() else ""), i
    base = {"ı": "i", "ȷ": "j"}.get(target[0], target[0])  # \'{\i} is í
    return base + ACCENTS[accent] + target[1:], i


def _matching_brace(raw, i, end):
    """The index of the brace closing the one at raw[i], or `end` if it is never closed."""
    depth, j = 0, i
    while j < end:
        if raw[j] == "\\":
            j += 2
            continue
        if raw[j] == "{":
            depth += 1
        elif raw[j] == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return end


def _top_level(raw):
    """raw with everything inside braces blanked out, same length: separators are searched in it."""
    out, depth, escaped = [], 0, False
    for char in raw:
        if escaped:
            out.append("x" if depth else char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            out.append("x")
            continue
        out.append("x" if depth else char)
    return "".join(out)


def _split(raw, separator):
    """Split raw LaTeX at a regex separator that is not inside braces."""
    pieces, start = [], 0
    for match in re.finditer(separator, _top_level(raw)):
        pieces.append(raw[start : match.start()])
        start = match.end()
    return pieces + [raw[start:]]


# ---------------------------------------------------------------------------
# Reading


class _Reader:
    """A cursor over the file that knows its line number, for error messages."""

    def __init__(self, text, source):
        self.text, self.source, self.pos = text, source, 0

    def line(self, pos=None):
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def problem(self, message, pos=None):
        return ImportProblem(f"{self.source}: line {self.line(pos)}: {message}")

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self):
        while self.peek() and self.peek().isspace():
            self.pos += 1

    def found(self):
        """What stands at the cursor, for an error message."""
        match = NEXT_WORD.match(self.text, self.pos)
        return f"'{match.group(0)}'" if match else "the end of the file"

    def expect(self, char, what):
        """Step over `char`; if it is missing, the error names the line it should have been on."""
        before = self.pos
        self.skip_space()
        if self.peek() != char:
            raise self.problem(f"expected '{char}' {what}, found {self.found()}", before)
        self.pos += 1

    def word(self, pattern, what):
        self.skip_space()
        match = pattern.match(self.text, self.pos)
        if not match:
            raise self.problem(f"expected {what}, found {self.found()}")
        self.pos = match.end()
        return match.group(0)

    def delimited(self, opening):
        """The raw text up to the closing quote or brace, braces kept; self.pos is just after `opening`."""
        start, depth = self.pos, 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "}" and depth == 0 and opening == "{":
                self.pos += 1
                return self.text[start : self.pos - 1]
            if char == '"' and depth == 0 and opening == '"':
                self.pos += 1
                return self.text[start : self.pos - 1]
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                raise self.problem("a '}' closes a brace that was never opened")
            self.pos += 1
        raise self.problem(f"the '{opening}' opened here is never closed", start - 1)

    def value(self, macros):
        """A field value: {braced}, "quoted", a number or @string name, joined with #."""
        parts = []
        while True:
            self.skip_space()
            char = self.peek()
            if char in '{"':
                self.pos += 1
                parts.append(self.delimited(char))
            elif char.isdigit():
                parts.append(self.word(NUMBER, "a number"))
            else:
                start = self.pos
                name = self.word(NAME_CHARS, "a value in braces, quotes, or a number").lower()
                if name not in macros:
                    raise self.problem(f"'{name}' is not a known @string abbreviation; put the value in braces", start)
                parts.append(macros[name])
            end = self.pos
            self.skip_space()
            if self.peek() != "#":
                self.pos = end  # so a missing comma is reported on the value's last line
                return "".join(parts)
            self.pos += 1


def _read_entries(text, source):
    """Yield (type, key, line, {field: (raw value, line)}) for each entry, reading @string as it goes."""
    reader, macros = _Reader(text, source), dict(MONTHS)
    while True:
        at = _next_at(text, reader.pos)
        if at < 0:
            return
        reader.pos = at + 1
        entry_type = reader.word(NAME_CHARS, "an entry type after '@'").lower()
        if entry_type == "comment":
            continue  # the rest is skipped like any text between entries
        reader.skip_space()
        opening = reader.peek()
        if opening not in "{(":
            raise reader.problem(f"expected '{{' after @{entry_type}")
        closing = "}" if opening == "{" else ")"
        reader.pos += 1
        if entry_type == "preamble":
            reader.value(macros)
            reader.expect(closing, "to end the @preamble")
        elif entry_type == "string":
            name = reader.word(NAME_CHARS, "an abbreviation name").lower()
            reader.expect("=", f"after the @string name '{name}'")
            macros[name] = reader.value(macros)
            reader.expect(closing, "to end the @string")
        else:
            line = reader.line(at)
            key = reader.word(KEY_CHARS, f"a citation key after @{entry_type}{{")
            reader.expect(",", f"after the key '{key}'")
            yield entry_type, key, line, _read_fields(reader, key, closing, macros)


def _next_at(text, pos):
    """Where the next entry starts: '@' outside a %-comment line; -1 at the end."""
    for match in COMMENT_LINE_OR_AT.finditer(text, pos):
        if match.group(0) == "@":
            return match.start()
    return -1


def _read_fields(reader, key, closing, macros):
    fields = {}
    while True:
        reader.skip_space()
        if reader.peek() == closing:
            reader.pos += 1
            return fields
        start = reader.pos
        name = reader.word(NAME_CHARS, f"a field name or '{closing}' in entry '{key}'").lower()
        reader.expect("=", f"after the field name '{name}'")
        if name in fields:
            raise reader.problem(f"the field '{name}' appears twice in entry '{key}'", start)
        value_line = reader.line()
        fields[name] = (reader.value(macros), reader.line(start))
        value_end = reader.pos
        reader.skip_space()
        if reader.peek() == ",":
            reader.pos += 1
        elif reader.peek() != closing:
            raise _unfinished_value(reader, name, fields[name][0], value_line, value_end, closing)


def _unfinished_value(reader, name, value, value_line, value_end, closing):
    """Name the likely mistake: a brace left open where the value starts, or a comma missing where it ends."""
    if FIELD_INSIDE_VALUE.search(value):
        return ImportProblem(
            f"{reader.source}: line {value_line}: the value of '{name}' swallows the fields after it; "
            "is a closing brace or quote missing?"
        )
    return reader.problem(
        f"expected ',' or '{closing}' after the value of '{name}', found {reader.found()} (a missing comma?)",
        value_end,
    )


# ---------------------------------------------------------------------------
# Entries → records


def parse(text, source="input"):
    """BibTeX text -> records. Errors name the file and line."""
    return [_record(*entry, source) for entry in _read_entries(text, source)]


def _record(entry_type, key, line, fields, source):
    where = f"{source}: line {line} (entry '{key}')"

    def problem(name, message):
        return ImportProblem(f"{source}: line {fields[name][1]}, field '{name}' of entry '{key}': {message}")

    def decoded(name):
        try:
            return latex_to_text(fields[name][0])
        except LatexProblem as error:
            raise problem(name, str(error)) from None

    def text(*names):
        return next((decoded(n) for n in names if n in fields), "")

    def verbatim(*names):  # urls and DOIs are not LaTeX
        return next((fields[n][0].strip() for n in names if n in fields), "")

    kind = _kind(entry_type, fields, decoded, source, line)
    article = kind in ARTICLE_KINDS
    record_fields = {
        "key": key,
        "kind": kind,
        "title": text("title"),
        "container_title": text(
            "journal", "journaltitle", "booktitle", *(("organization",) if kind in ORGANISATION_KINDS else ())
        ),
        "issue": text("number", "issue") if article else text("issue"),
        "number": text("eid") if article else text("number"),
        **{field: text(*names) for field, names in PLAIN_FIELDS.items()},
        "url": verbatim("url"),
        "doi": verbatim("doi"),
        **_issued(fields, decoded, problem),
        **_accessed(fields, problem),
    }
    record_fields["pages"] = record_fields["pages"].replace("--", "-")
    record_fields["status"] = PUBSTATES.get(record_fields["status"], record_fields["status"])
    if kind == "thesis" and not record_fields["genre"]:
        record_fields["genre"] = THESIS_TYPES.get(entry_type, "")
    if not record_fields["title"]:
        raise ImportProblem(f"{where}: the field 'title' is required")
    contributors = []
    for field, role in (("author", "author"), ("editor", "editor")):
        if field in fields:
            name_problem = lambda message, f=field: problem(f, message)  # noqa: E731
            try:
                contributors += _contributors(fields[field][0], role, name_problem)
            except LatexProblem as error:
                raise name_problem(str(error)) from None
    return {"fields": record_fields, "contributors": contributors, "where": where}


def _kind(entry_type, fields, decoded, source, line):
    subtype = decoded("entrysubtype").lower() if "entrysubtype" in fields else ""
    if entry_type == "misc":
        published = " ".join(decoded(name) for name in ("howpublished", "note") if name in fields)
        if "preprint" in published.lower():
            return "preprint"
        if "url" in fields:
            return "webpage"
    elif entry_type == "article" and subtype in ("newspaper", "magazine"):
        return subtype
    elif KINDS.get(entry_type) == "webpage" and subtype == "blog":
        return "blog-post"
    if entry_type in KINDS:
        return KINDS[entry_type]
    known = ", ".join(sorted({*KINDS, "misc (with a url, or howpublished = {Preprint})"}))
    raise ImportProblem(f"{source}: line {line}: @{entry_type} entries cannot be imported; use one of {known}")


ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.+Z-]*)?\s*(?:/.*)?$")


def _issued(fields, decoded, problem):
    """biblatex's `date` (2019-05-03, or a range from it), else `year` with `month` and `day`."""
    if "date" in fields:
        match = ISO_DATE.match(decoded("date"))
        if not match:
            raise problem("date", "expected a date such as 2019, 2019-05 or 2019-05-03")
        parts = [int(part) for part in match.groups() if part]
        return issued_fields(parts, lambda message: problem("date", message))
    if "year" not in fields:
        if "month" in fields or "day" in fields:
            raise problem("month" if "month" in fields else "day", "a month or day needs a year")
        return no_date_fields()
    match = re.match(r"^\s*(\d{1,4})\s*$", decoded("year"))
    if not match:
        raise problem("year", "expected a year such as 2017")
    parts, last = [int(match.group(1))], "year"
    if "month" in fields:
        parts.append(_month(decoded("month"), lambda message: problem("month", message)))
        last = "month"
        if "day" in fields:
            day = decoded("day")
            if not re.fullmatch(r"\d{1,2}", day):
                raise problem("day", "expected a day of the month such as 3")
            parts.append(int(day))
            last = "day"
    elif "day" in fields:
        raise problem("day", "a day needs a month")
    return issued_fields(parts, lambda message: problem(last, message))


def _month(value, problem):
    value = value.strip().rstrip(".").lower()
    if re.fullmatch(r"\d{1,2}", value):
        return int(value)  # checked_date says whether it is 1 to 12
    if value in MONTH_NAMES:
        return MONTH_NAMES[value]
    raise problem("expected a month such as 5 or may")


def _accessed(fields, problem):
    if "urldate" not in fields:
        return no_access_fields()
    match = ISO_DATE.match(fields["urldate"][0])
    if not match:
        raise problem("urldate", "expected a date such as 2024-03-01 (or 2024-03, or 2024)")
    parts = [int(part) for part in match.groups() if part]
    return accessed_fields(parts, lambda message: problem("urldate", message))


def _contributors(raw, role, problem):
    names = [name.strip() for name in _split(raw, r"(?i)\s+and(?=\s)")]
    people = []
    for name in names:
        if name.lower() == "others":  # "and others": et al., nothing to store
            continue
        person = _name(name, problem)
        people.append({"role": role, "position": len(people), **person})
    return people


def _name(raw, problem):
    """'{NHS England}' is an organisation; 'von Last, Jr, First', 'von Last, First' or 'First von Last' a person.

    A dropping particle follows the given names ('Beethoven, Ludwig van'), as citeproc-js reads it."""
    if not raw:
        raise problem("an empty name (two 'and's in a row?)")
    if raw.startswith("{") and _matching_brace(raw, 0, len(raw)) == len(raw) - 1:
        organisation = latex_to_text(raw)
        if not organisation:
            raise problem("an empty name in braces")
        return {"organisation": organisation}
    parts = [latex_to_text(part) for part in _split(raw, ",")]
    suffix = ""
    if len(parts) == 1:
        surname, given = _surname_last(raw)
    elif len(parts) == 2:
        surname, given = parts
    elif len(parts) == 3:
        surname, suffix, given = parts
    else:
        raise problem(f"cannot read the name '{latex_to_text(raw)}' (too many commas)")
    if not surname:
        raise problem(f"the name '{latex_to_text(raw)}' has no surname")
    initials, particle = split_particle(given)
    return {"surname": surname, "initials": initials, "particle": particle, "suffix": suffix}


def _surname_last(raw):
    """'Donald A. Neumann' -> ('Neumann', 'Donald A.'); 'Hugo de Vries' -> ('de Vries', 'Hugo')."""
    words = [latex_to_text(word) for word in _split(raw, r"\s+")]
    words = [word for word in words if word]
    if not words:
        return "", ""
    particle = next((i for i, word in enumerate(words[:-1]) if word[:1].islower()), len(words) - 1)
    return " ".join(words[particle:]), " ".join(words[:particle])


# ---------------------------------------------------------------------------
# Writing


def to_bibtex(references):
    """References (pass `.with_contributors()`) -> BibTeX text, UTF-8, one entry per reference."""
    return "\n".join(_entry(reference) for reference in references)


def _entry(reference):
    kind = reference.kind
    article = kind in ARTICLE_KINDS
    publisher_field = {"report": "institution", "thesis": "school"}.get(kind, "publisher")
    parts = issued_parts(reference)
    fields = [
        ("author", _names(reference.authors)),
        ("editor", _names(reference.editors)),
        ("title", text_to_latex(reference.title)),
        ("entrysubtype", SUBTYPES.get(kind, "")),
        ("howpublished", PREPRINT if kind == "preprint" else ""),
        (_container_field(kind), text_to_latex(reference.container_title)),
        ("year", str(reference.year or "")),
        ("date", date_text(parts) if len(parts) > 1 else ""),
        ("volume", text_to_latex(reference.volume)),
        ("number" if article else "issue", text_to_latex(reference.issue)),
        ("eid" if article else "number", text_to_latex(reference.number)),
        ("pages", text_to_latex(reference.pages).replace("-", "--")),
        ("series", text_to_latex(reference.collection_title)),
        ("type", text_to_latex(reference.genre)),
        ("pubstate", {v: k for k, v in PUBSTATES.items()}.get(reference.status, text_to_latex(reference.status))),
        ("eventtitle", text_to_latex(reference.event_title)),
        ("venue", text_to_latex(reference.event_place)),
        ("eventdate", text_to_latex(reference.event_date)),
        ("edition", text_to_latex(reference.edition)),
        ("address", text_to_latex(reference.place)),
        (publisher_field, text_to_latex(reference.publisher)),
        ("url", _verbatim(reference.url)),
        ("doi", _verbatim(reference.doi)),
        ("urldate", date_text(accessed_parts(reference))),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@{_entry_type(reference)}{{{reference.key},\n{body}}}\n"


def _entry_type(reference):
    if reference.kind == "thesis":
        if PHD.search(reference.genre):
            return "phdthesis"
        if MASTERS.search(reference.genre):
            return "mastersthesis"
    return ENTRY_TYPES[reference.kind]


def _container_field(kind):
    if kind in ARTICLE_KINDS or kind == "preprint":
        return "journal"
    return "organization" if kind in ORGANISATION_KINDS else "booktitle"


def _verbatim(text):
    """A URL or DOI as it is, but with braces (which would end the value) percent-encoded."""
    return text.replace("{", "%7B").replace("}", "%7D")


def _names(contributors):
    return " and ".join(_bibtex_name(c) for c in contributors)


def _bibtex_name(contributor):
    """Organisations in braces, people as 'von Last, Jr, First' (the comma even without initials)."""
    if contributor.organisation:
        return f"{{{text_to_latex(contributor.organisation)}}}"
    given = _protected(given_with_particle(contributor))
    if contributor.suffix:
        return f"{_protected(contributor.surname)}, {_protected(contributor.suffix)}, {given}".rstrip()
    return f"{_protected(contributor.surname)}, {given}".rstrip()


def _protected(text):
    """Braces around a name part holding a comma or the word 'and', which would split it."""
    latex = text_to_latex(text)
    return f"{{{latex}}}" if re.search(r",|\band\b", text, re.IGNORECASE) else latex
