"""RIS (EndNote, Zotero, PubMed, most databases) to and from our records.

A record runs from `TY  - JOUR` to `ER  - `, one `TAG  - value` per line. The
format is simple enough that our own reader can be strict and name the line of
every mistake, which the libraries we looked at do not.

Names: 'Surname, Given' is a person; a name without a comma an organisation
(as Zotero writes them). So an organisation whose name holds a comma comes
back from RIS as a person; BibTeX and CSL-JSON keep it.
"""

import datetime
import re

from .errors import ImportProblem

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
KINDS = {
    "JOUR": "article-journal",
    "BOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ELEC": "webpage",
    "WEB": "webpage",
    "RPRT": "report",
}
TYPES = {"article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "webpage": "ELEC", "report": "RPRT"}
# Free text some exporters wrap over several lines; we do not import it.
WRAPPING_TAGS = {"AB", "N1", "N2"}
SIMPLE_RANGE = re.compile(r"^([^\s-]+)-([^\s-]+)$")


def parse(text, source="input"):
    """RIS text -> records. Errors name the file and line."""
    return [_record(tags, line, source) for tags, line in _read_records(text, source)]


def _read_records(text, source):
    """Yield ({tag: [(value, line), ...]}, line of TY) for each record."""
    tags, started, last_tag = None, 0, None
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        match = TAG_LINE.match(line.rstrip())
        if not match:
            if tags is not None and last_tag in WRAPPING_TAGS:
                continue
            raise ImportProblem(f"{source}: line {number}: expected 'TAG  - value', found '{_shorten(line)}'")
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if tags is not None:
                raise ImportProblem(f"{source}: line {started}: this record has no 'ER  - ' line before the next one")
            tags, started = {"TY": [(value, number)]}, number
        elif tags is None:
            raise ImportProblem(f"{source}: line {number}: '{tag}' outside a record (a record starts with 'TY  - ')")
        elif tag == "ER":
            yield tags, started
            tags = None
        else:
            tags.setdefault(tag, []).append((value, number))
        last_tag = tag
    if tags is not None:
        raise ImportProblem(f"{source}: line {started}: this record has no 'ER  - ' line at its end")


def _shorten(line, length=40):
    line = line.strip()
    return line if len(line) <= length else line[: length - 1] + "…"


def _record(tags, line, source):
    def first(*names):
        return next((tags[name][0][0] for name in names if name in tags and tags[name][0][0]), "")

    def problem(tag, message):
        return ImportProblem(f"{source}: line {tags[tag][0][1]}, tag '{tag}': {message}")

    ris_type = first("TY")
    if ris_type not in KINDS:
        raise problem("TY", f"'{ris_type}' is not one of {', '.join(KINDS)}")
    key = first("ID")
    if not key:
        raise ImportProblem(f"{source}: line {line}: the record has no 'ID', which becomes the reference's key")
    where = f"{source}: line {line} (record '{key}')"
    fields = {
        "key": key,
        "kind": KINDS[ris_type],
        "title": first("TI", "T1"),
        "container_title": first("T2", "JF", "JO", "BT", "JA"),
        "volume": first("VL"),
        "issue": first("IS"),
        "pages": "-".join(p for p in (first("SP"), first("EP")) if p),
        "edition": first("ET"),
        "place": first("CY"),
        "publisher": first("PB"),
        "url": first("UR"),
        "doi": first("DO"),
        "year": _year(tags, problem),
        "accessed": _accessed(tags, problem),
    }
    if not fields["title"]:
        raise ImportProblem(f"{where}: 'TI' (the title) is required")
    # An edited book lists its editors as authors (AU); elsewhere editors are A2 or ED.
    author_tags, editor_tags = (("AU", "A1"), ()) if ris_type != "EDBOOK" else ((), ("AU", "A1"))
    contributors = _people(tags, author_tags, "author") + _people(tags, (*editor_tags, "A2", "ED"), "editor")
    return {"fields": fields, "contributors": contributors, "where": where}


def _year(tags, problem):
    tag = next((t for t in ("PY", "Y1", "DA") if t in tags and tags[t][0][0]), None)
    if tag is None:
        return None
    match = re.match(r"^(\d{4})\b", tags[tag][0][0])
    if not match:
        raise problem(tag, "expected a year such as 2017 or 2017/03/01")
    return int(match.group(1))


def _accessed(tags, problem):
    if not tags.get("Y2", [("", 0)])[0][0]:
        return None
    match = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b", tags["Y2"][0][0])
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except (AttributeError, ValueError):
        raise problem("Y2", "expected a date such as 2024/03/01") from None


def _people(tags, names, role):
    people = []
    for tag in names:
        for value, _ in tags.get(tag, []):
            if "," in value:
                surname, given = (part.strip() for part in value.split(",", 1))
                person = {"surname": surname, "initials": given}
            else:
                person = {"organisation": value}
            people.append({"role": role, "position": len(people), **person})
    return people


def to_ris(references):
    """References (pass `.with_contributors()`) -> RIS text, with the CRLF line ends the format asks for."""
    return "".join(_record_lines(reference) for reference in references)


def _record_lines(reference):
    tags = [("TY", TYPES[reference.kind]), ("ID", reference.key)]
    tags += [("AU", _ris_name(c)) for c in reference.authors]
    tags += [("A2", _ris_name(c)) for c in reference.editors]
    tags += [
        ("TI", reference.title),
        ("T2", reference.container_title),
        ("PY", str(reference.year or "")),
        ("VL", reference.volume),
        ("IS", reference.issue),
        *_page_tags(reference.pages),
        ("ET", reference.edition),
        ("CY", reference.place),
        ("PB", reference.publisher),
        ("UR", reference.url),
        ("DO", reference.doi),
        ("Y2", reference.accessed.strftime("%Y/%m/%d") if reference.accessed else ""),
    ]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
    return "\r\n".join(lines + ["ER  - ", "", ""])


def _one_line(value):
    """A line break would end the tag's value early."""
    return re.sub(r"\s*[\r\n]+\s*", " ", value)


def _page_tags(pages):
    """'503-526' -> SP 503, EP 526; anything else stays whole in SP, so it comes back as it was."""
    match = SIMPLE_RANGE.match(pages)
    return [("SP", match.group(1)), ("EP", match.group(2))] if match else [("SP", pages)]


def _ris_name(contributor):
    if contributor.organisation:
        return contributor.organisation
    return f"{contributor.surname}, {contributor.initials}".rstrip()
