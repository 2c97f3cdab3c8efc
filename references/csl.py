"""CSL-JSON, the reference format of Zotero, Mendeley and Pandoc, to and from our records.

A record is the neutral form every importer (this module, `bibtex`, `ris`) produces:
`{"fields": {...Reference fields...}, "contributors": [{...Contributor fields...}], "where": "entry 3 (id 'x')"}`,
where "where" names the entry in error messages. `references.importing` saves records.
The checks every format shares (dates, name particles) live here too, beside the record form.
"""

import calendar
import datetime
import json
import re

from .errors import ImportProblem

# Our kinds and the CSL type each is written as: what Zotero exports for the same item type.
CSL_TYPE_OF = {
    "article-journal": "article-journal",
    "preprint": "article",
    "book": "book",
    "chapter": "chapter",
    "report": "report",
    "webpage": "webpage",
    "blog-post": "post-weblog",
    "newspaper": "article-newspaper",
    "magazine": "article-magazine",
    "thesis": "thesis",
    "conference-paper": "paper-conference",
    "video": "motion_picture",
    "podcast": "song",
}
# CSL types read; "broadcast" is a podcast only when its genre says so (see `_kind`).
CSL_TYPES = {csl_type: kind for kind, csl_type in CSL_TYPE_OF.items()} | {"broadcast": "podcast"}
TEXT_FIELDS = {
    "title": "title",
    "container-title": "container_title",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "number": "number",
    "collection-title": "collection_title",
    "genre": "genre",
    "status": "status",
    "event-title": "event_title",
    "event-place": "event_place",
    "edition": "edition",
    "publisher-place": "place",
    "publisher": "publisher",
    "URL": "url",
    "DOI": "doi",
}
# CSL "number" variables: a JSON number is as clear as its digits ("volume": 12).
NUMBER_VARIABLES = {"volume", "issue", "page", "number", "edition"}
NAME_PARTS = {
    "family": "surname",
    "given": "initials",
    "dropping-particle": "particle",
    "non-dropping-particle": None,  # part of our surname: "van der Worp"
    "suffix": "suffix",
    "literal": "organisation",
}

# ---------------------------------------------------------------------------
# What every format shares: checked dates and name particles


def checked_date(parts, problem):
    """[year] or [year, month] or [year, month, day] -> (year, month or None, day or None).

    `problem(message)` makes the ImportProblem naming entry and field; month 13
    or 31 April is refused there rather than stored or turned into a crash."""
    year, month, day = (list(parts) + [None, None, None])[:3]
    if year is None:
        raise problem("the date has no year")
    if not 1 <= year <= 9999:
        raise problem(f"{year} is not a year")
    if month is not None and not 1 <= month <= 12:
        raise problem(f"there is no month {month}; give 1 to 12")
    if day is not None:
        if month is None:
            raise problem("a day needs a month")
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise problem(f"{day} {calendar.month_name[month]} {year} is not a date")
    return year, month, day


def issued_fields(parts, problem):
    year, month, day = checked_date(parts, problem)
    return {"year": year, "issued_month": month, "issued_day": day}


def accessed_fields(parts, problem):
    """An access date to the precision known: a missing month or day is stored as 1, never shown."""
    year, month, day = checked_date(parts, problem)
    precision = "day" if day else "month" if month else "year"
    return {"accessed": datetime.date(year, month or 1, day or 1), "accessed_precision": precision}


def no_date_fields():
    return {"year": None, "issued_month": None, "issued_day": None}


def no_access_fields():
    return {"accessed": None, "accessed_precision": "day"}


def issued_parts(reference):
    """The issued date as far as it is known: [2019], [2019, 5] or [2019, 5, 3]; [] for no date."""
    parts = [reference.year, reference.issued_month, reference.issued_day] if reference.year else []
    return parts[: parts.index(None)] if None in parts else parts


def accessed_parts(reference):
    day = reference.accessed
    if not day:
        return []
    return [day.year, day.month, day.day][: {"year": 1, "month": 2}.get(reference.accessed_precision, 3)]


def date_text(parts, separator="-"):
    """[2019, 5, 3] -> '2019-05-03' (ISO 8601, as biblatex wants); RIS uses '/'. A year has four digits."""
    return separator.join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(parts))


def split_particle(given):
    """'Ludwig van' -> ('Ludwig', 'van'): BibTeX and RIS write a dropping particle after the given names,
    as citeproc-js reads it."""
    words = given.split()
    start = len(words)
    while start and words[start - 1][:1].islower():
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def given_with_particle(contributor):
    return " ".join(part for part in (contributor.initials, contributor.particle) if part)


# ---------------------------------------------------------------------------
# Reading


DATE_EXPECTED = "expected {'date-parts': [[year, month, day]]} or a date such as 2019-05-03"
# CSL 1.0.2 also allows an EDTF string, and a "raw" date; we read their plain ISO form (and a range's start).
ISO_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:/[\d-]*)?\s*")


def _date_parts(value, problem):
    """A CSL date -> its first [year, month, day] as integers; a year given as "2019" counts."""
    if isinstance(value, dict) and "date-parts" not in value and isinstance(value.get("raw"), str):
        value = value["raw"]
    if isinstance(value, str):
        match = ISO_DATE.fullmatch(value)
        if not match:
            raise problem(DATE_EXPECTED)
        return [int(part) for part in match.groups() if part]
    try:
        parts = value["date-parts"][0]
    except (KeyError, IndexError, TypeError):
        raise problem(DATE_EXPECTED) from None
    if not isinstance(parts, list) or len(parts) > 3:
        raise problem(DATE_EXPECTED)
    numbers = []
    for part in parts:
        if isinstance(part, str) and re.fullmatch(r"\d{1,4}", part.strip()):
            part = int(part)
        if isinstance(part, bool) or not isinstance(part, int):
            raise problem(f"{json.dumps(part)} in 'date-parts' is not a whole number")
        numbers.append(part)
    return numbers


def _text(entry, name, problem):
    value = entry.get(name)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and name in NUMBER_VARIABLES:
        return str(value)
    if not isinstance(value, str):
        raise problem(name, f"expected text, not {json.dumps(value)[:40]}")
    return value.strip()


def _event_date(value, problem):
    """CSL's event-date as printed: a literal or raw text, or date-parts written as ISO dates."""
    if isinstance(value, dict):
        for name in ("literal", "raw"):
            if isinstance(value.get(name), str):
                return value[name].strip()
        if "date-parts" in value and isinstance(value["date-parts"], list):
            dates = []
            for parts in value["date-parts"][:2]:
                checked = checked_date(_date_parts({"date-parts": [parts]}, problem), problem)
                dates.append("-".join(f"{n:02d}" for n in checked if n is not None))
            return "/".join(dates)
    raise problem("expected {'literal': 'as printed'} or {'date-parts': [[year, month, day]]}")


def _names(entry, csl_role, role, where):
    people = entry.get(csl_role) or []
    if not isinstance(people, list):
        raise ImportProblem(f"{where}, field '{csl_role}': expected a list of names")
    contributors = []
    for position, person in enumerate(people):
        here = f"{where}, field '{csl_role}' name {position + 1}"
        if not isinstance(person, dict):
            raise ImportProblem(f"{here}: expected an object")
        parts = {}
        for part in NAME_PARTS:
            value = person.get(part)
            if value is not None and not isinstance(value, str):
                raise ImportProblem(f"{here}: '{part}' must be text, not {json.dumps(value)[:40]}")
            parts[part] = (value or "").strip()
        if parts["literal"]:
            contributors.append({"role": role, "position": position, "organisation": parts["literal"]})
            continue
        surname = " ".join(p for p in (parts["non-dropping-particle"], parts["family"]) if p)
        if not parts["family"]:
            raise ImportProblem(f"{here}: 'family' or 'literal' is required")
        person = {ours: parts[theirs] for theirs, ours in NAME_PARTS.items() if ours and ours != "organisation"}
        contributors.append({"role": role, "position": position, **person, "surname": surname})
    return contributors


def _kind(csl_type, entry, problem):
    if not isinstance(csl_type, str) or csl_type not in CSL_TYPES:
        shown = csl_type if isinstance(csl_type, str) else json.dumps(csl_type)[:40]
        raise problem("type", f"'{shown}' is not one of {', '.join(sorted(CSL_TYPES))}")
    if csl_type == "broadcast" and "podcast" not in str(entry.get("genre") or "").lower():
        raise problem("type", "a 'broadcast' is imported only as a podcast, with 'genre' saying so")
    return CSL_TYPES[csl_type]


def record_from_csl(entry, number):
    key = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    where = f"entry {number}" + (f" (id '{key}')" if isinstance(key, str) and key else "")
    if not isinstance(entry, dict):
        raise ImportProblem(f"{where}: expected an object")
    if key is None or key == "":
        raise ImportProblem(f"{where}, field 'id': required, it becomes the reference's key")
    if not isinstance(key, str):
        raise ImportProblem(f"{where}, field 'id': expected text, not {json.dumps(key)[:40]}")

    def problem(field, message):
        return ImportProblem(f"{where}, field '{field}': {message}")

    fields = {"key": key, "kind": _kind(entry.get("type"), entry, problem)}
    for csl_name, field in TEXT_FIELDS.items():
        fields[field] = _text(entry, csl_name, problem)
    if not fields["event_title"]:
        fields["event_title"] = _text(entry, "event", problem)  # CSL 1.0.1's name for it
    if not fields["title"]:
        raise problem("title", "required")
    fields["event_date"] = ""
    if entry.get("event-date") is not None:
        fields["event_date"] = _event_date(entry["event-date"], lambda m: problem("event-date", m))
    fields |= no_date_fields() | no_access_fields()
    for name, read in (("issued", issued_fields), ("accessed", accessed_fields)):
        if entry.get(name) is not None:
            field_problem = lambda message, name=name: problem(name, message)  # noqa: E731
            fields |= read(_date_parts(entry[name], field_problem), field_problem)
    contributors = _names(entry, "author", "author", where) + _names(entry, "editor", "editor", where)
    return {"fields": fields, "contributors": contributors, "where": where}


NON_TEXT = re.compile("[\x00\ud800-\udfff]")


def _holds_non_text(value):
    """Whether a string in the decoded JSON `value` has a NUL or a lone surrogate, which JSON's
    \\u escapes can make: no database stores them and no page can be encoded with them."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if NON_TEXT.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def parse(text, source="input"):
    """CSL-JSON text -> records. Errors name the line (syntax) or entry and field."""
    try:
        data = json.loads(text)  # NaN and Infinity are read, and refused where they stand
    except json.JSONDecodeError as error:
        raise ImportProblem(f"{source}: line {error.lineno}, column {error.colno}: {error.msg}") from error
    except ValueError as error:  # a number of more than 4300 digits
        raise ImportProblem(f"{source}: {error}") from error
    except RecursionError as error:
        raise ImportProblem(f"{source}: lists or objects nested too deeply to be CSL-JSON") from error
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(f"{source}: expected a list of CSL-JSON items")
    records = []
    for number, entry in enumerate(data, start=1):
        if _holds_non_text(entry):
            # Before anything quotes the entry: its own id may be what holds the character.
            raise ImportProblem(
                f"{source}: entry {number}: a \\u0000 or unpaired \\ud800–\\udfff escape, which is not text"
            )
        try:
            record = record_from_csl(entry, number)
        except ImportProblem as problem:
            raise ImportProblem(f"{source}: {problem}") from problem
        records.append({**record, "where": f"{source}: {record['where']}"})
    return records


# ---------------------------------------------------------------------------
# Writing


def to_csl_json(references):
    """References (pass `.with_contributors()`) -> CSL-JSON text that `parse` reads back unchanged."""
    return json.dumps([_csl_item(reference) for reference in references], ensure_ascii=False, indent=2) + "\n"


def _csl_item(reference):
    item = {"id": reference.key, "type": CSL_TYPE_OF[reference.kind]}
    for role, people in (("author", reference.authors), ("editor", reference.editors)):
        if people:
            item[role] = [_csl_name(person) for person in people]
    if reference.year:
        item["issued"] = {"date-parts": [issued_parts(reference)]}
    for csl_name, field in TEXT_FIELDS.items():
        if getattr(reference, field):
            item[csl_name] = getattr(reference, field)
    if reference.event_date:
        item["event-date"] = {"literal": reference.event_date}
    if reference.accessed:
        item["accessed"] = {"date-parts": [accessed_parts(reference)]}
    return item


def _csl_name(contributor):
    if contributor.organisation:
        return {"literal": contributor.organisation}
    parts = {
        "family": contributor.surname,
        "given": contributor.initials,
        "dropping-particle": contributor.particle,
        "suffix": contributor.suffix,
    }
    return {name: value for name, value in parts.items() if value}
