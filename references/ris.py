"""RIS (EndNote, Zotero, PubMed, most databases) to and from our records.

A record runs from `TY  - JOUR` to `ER  - `, one `TAG  - value` per line. The
format is simple enough that our own reader can be strict and name the line of
every mistake, which the libraries we looked at do not.

Names: 'Surname, Given' or 'Surname, Given, Suffix' is a person, with a dropping
particle after the given names ('Beethoven, L. van'); a name without a comma an
organisation (as Zotero writes them). So an organisation whose name holds a comma
comes back from RIS as a person; BibTeX and CSL-JSON keep it.

Tags follow Zotero's RIS translator: M1 number (episode, report), M3 type of work
(thesis type), T3 series, and for a conference paper T2 the conference, C1 its
place and C3 the proceedings. RIS has no tag for a publication status or for the
dates of a conference: we write the status in C8 (and read EndNote's "PY  - in press"),
and a conference's dates in DA, as EndNote does.
"""

import re

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

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
KINDS = {
    "JOUR": "article-journal",
    "EJOUR": "article-journal",
    "JFULL": "article-journal",
    "GEN": "preprint",  # only with a type of work, 'M3  - Preprint' (see `_kind`)
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "RPRT": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "blog-post",
    "NEWS": "newspaper",
    "MGZN": "magazine",
    "THES": "thesis",
    "CPAPER": "conference-paper",
    "CONF": "conference-paper",
    "VIDEO": "video",
    "MPCT": "video",
    "SOUND": "podcast",
}
TYPES = {
    "article-journal": "JOUR",
    "preprint": "GEN",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "webpage": "ELEC",
    "blog-post": "BLOG",
    "newspaper": "NEWS",
    "magazine": "MGZN",
    "thesis": "THES",
    "conference-paper": "CPAPER",
    "video": "VIDEO",
    "podcast": "SOUND",
}
PREPRINT = "Preprint"
# What EndNote writes in PY for a work not yet in an issue.
STATUS_WORDS = re.compile(
    r"^(in press|forthcoming|online first|ahead of print|epub ahead of print|accepted|submitted)$", re.IGNORECASE
)
# Free text some exporters wrap over several lines; we do not import it.
WRAPPING_TAGS = {"AB", "N1", "N2"}
SIMPLE_RANGE = re.compile(r"^([^\s-]+)-([^\s-]+)$")
RIS_DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?(?:/.*)?)?)?$")


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
    kind = _kind(ris_type, first("M3"), problem)
    key = first("ID")
    if not key:
        raise ImportProblem(f"{source}: line {line}: the record has no 'ID', which becomes the reference's key")
    where = f"{source}: line {line} (record '{key}')"
    conference = kind == "conference-paper"
    genre = first("M3")
    # EndNote writes "PY  - in press" for a work without a year yet.
    status_as_year = first("PY") if STATUS_WORDS.match(first("PY")) else ""
    # A conference paper's DA holds the conference's dates (see the module's docstring).
    skipped = {"PY"} if status_as_year else set()
    date_tags = [tag for tag in ("PY", "Y1", "DA") if tag not in skipped | ({"DA"} if conference else set())]
    fields = {
        "key": key,
        "kind": kind,
        "title": first("TI", "T1"),
        "container_title": first("C3", "BT") if conference else first("T2", "JF", "JO", "BT", "JA"),
        "volume": first("VL"),
        "issue": first("IS"),
        "pages": "-".join(p for p in (first("SP"), first("EP")) if p),
        "number": first("M1"),
        "collection_title": first("T3"),
        "genre": "" if kind == "preprint" and genre.lower() == PREPRINT.lower() else genre,
        "status": first("C8") or status_as_year,
        "event_title": first("T2") if conference else "",
        "event_place": first("C1") if conference else "",
        "event_date": first("DA") if conference else "",
        "edition": first("ET"),
        "place": first("CY"),
        "publisher": first("PB"),
        "url": first("UR"),
        "doi": first("DO"),
        **_issued(tags, date_tags, problem),
        **_accessed(tags, problem),
    }
    if not fields["title"]:
        raise ImportProblem(f"{where}: 'TI' (the title) is required")
    # An edited book lists its editors as authors (AU); elsewhere editors are A2 or ED.
    author_tags, editor_tags = (("AU", "A1"), ()) if ris_type != "EDBOOK" else ((), ("AU", "A1"))
    contributors = _people(tags, author_tags, "author", problem)
    contributors += _people(tags, (*editor_tags, "A2", "ED"), "editor", problem)
    return {"fields": fields, "contributors": contributors, "where": where}


def _kind(ris_type, work_type, problem):
    if ris_type == "GEN" and not work_type:
        # A generic record could be anything; we write a preprint as GEN with its type of work.
        raise problem("TY", "'GEN' records are imported only as preprints, with 'M3  - Preprint'")
    if ris_type not in KINDS:
        raise problem("TY", f"'{ris_type}' is not one of {', '.join(KINDS)}")
    return KINDS[ris_type]


def _issued(tags, names, problem):
    tag = next((t for t in names if t in tags and tags[t][0][0]), None)
    if tag is None:
        return no_date_fields()
    match = RIS_DATE.match(tags[tag][0][0])
    if not match:
        raise problem(tag, "expected a year such as 2017 or 2017/03/01")
    return issued_fields(_parts(match), lambda message: problem(tag, message))


def _parts(match):
    """Year, month, day from a RIS date, as far as they are given: '2001/05//' is [2001, 5]."""
    parts = []
    for part in match.groups():
        if not part:
            break
        parts.append(int(part))
    return parts


def _accessed(tags, problem):
    if not tags.get("Y2", [("", 0)])[0][0]:
        return no_access_fields()
    match = RIS_DATE.match(tags["Y2"][0][0])
    if not match:
        raise problem("Y2", "expected a date such as 2024/03/01 (or 2024/03, or 2024)")
    return accessed_fields(_parts(match), lambda message: problem("Y2", message))


def _people(tags, names, role, problem):
    people = []
    for tag in names:
        for value, _ in tags.get(tag, []):
            if "," not in value:
                person = {"organisation": value}
            else:
                parts = [part.strip() for part in value.split(",")]
                if len(parts) > 3:
                    raise problem(tag, f"cannot read the name '{value}' (too many commas)")
                surname, given, suffix = (parts + [""])[:3]
                if not surname:
                    raise problem(tag, f"the name '{value}' has no surname")
                initials, particle = split_particle(given)
                person = {"surname": surname, "initials": initials, "particle": particle, "suffix": suffix}
            people.append({"role": role, "position": len(people), **person})
    return people


def to_ris(references):
    """References (pass `.with_contributors()`) -> RIS text, with the CRLF line ends the format asks for."""
    return "".join(_record_lines(reference) for reference in references)


def _record_lines(reference):
    kind, conference = reference.kind, reference.kind == "conference-paper"
    edited = kind == "book" and reference.editors and not reference.authors
    tags = [("TY", "EDBOOK" if edited else TYPES[kind]), ("ID", reference.key)]
    tags += [("AU", _ris_name(c)) for c in reference.authors]
    tags += [("AU" if edited else "A2", _ris_name(c)) for c in reference.editors]
    tags += [
        ("TI", reference.title),
        ("C3" if conference else "T2", reference.container_title),
        ("T2", reference.event_title if conference else ""),
        ("C1", reference.event_place if conference else ""),
        ("DA", reference.event_date if conference else ""),
        ("PY", date_text(issued_parts(reference), "/")),
        ("VL", reference.volume),
        ("IS", reference.issue),
        *_page_tags(reference.pages),
        ("M1", reference.number),
        ("T3", reference.collection_title),
        ("M3", reference.genre or (PREPRINT if kind == "preprint" else "")),
        ("C8", reference.status),
        ("ET", reference.edition),
        ("CY", reference.place),
        ("PB", reference.publisher),
        ("UR", reference.url),
        ("DO", reference.doi),
        ("Y2", date_text(accessed_parts(reference), "/")),
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
    parts = [contributor.surname, given_with_particle(contributor), contributor.suffix]
    return ", ".join(parts if contributor.suffix else parts[:2]).rstrip()
