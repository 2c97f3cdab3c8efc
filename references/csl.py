"""CSL-JSON, the reference format of Zotero, Mendeley and Pandoc, to and from our records.

A record is the neutral form every importer (this module, `bibtex`, `ris`) produces:
`{"fields": {...Reference fields...}, "contributors": [{...Contributor fields...}], "where": "entry 3 (id 'x')"}`,
where "where" names the entry in error messages. `references.importing` saves records.
"""

import datetime
import json
import re

from .errors import ImportProblem

CSL_TYPES = {
    "article-journal": "article-journal",
    "article": "article-journal",
    "book": "book",
    "chapter": "chapter",
    "webpage": "webpage",
    "post-weblog": "webpage",
    "report": "report",
}
TEXT_FIELDS = {
    "title": "title",
    "container-title": "container_title",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "edition": "edition",
    "publisher-place": "place",
    "publisher": "publisher",
    "URL": "url",
    "DOI": "doi",
}


def _date_parts(value, where):
    try:
        parts = value["date-parts"][0]
        return [int(p) for p in parts]
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ImportProblem(f"{where}: expected {{'date-parts': [[year, month, day]]}}") from error


def _names(entry, csl_role, role, where):
    people = entry.get(csl_role) or []
    if not isinstance(people, list):
        raise ImportProblem(f"{where}, field '{csl_role}': expected a list of names")
    contributors = []
    for position, person in enumerate(people):
        if not isinstance(person, dict):
            raise ImportProblem(f"{where}, field '{csl_role}' name {position + 1}: expected an object")
        if person.get("literal"):
            contributors.append({"role": role, "position": position, "organisation": str(person["literal"]).strip()})
            continue
        family = " ".join(p for p in (person.get("non-dropping-particle"), person.get("family")) if p).strip()
        if not family:
            raise ImportProblem(f"{where}, field '{csl_role}' name {position + 1}: 'family' or 'literal' is required")
        contributors.append(
            {"role": role, "position": position, "surname": family, "initials": str(person.get("given", "")).strip()}
        )
    return contributors


def record_from_csl(entry, number):
    key = entry.get("id") if isinstance(entry, dict) else None
    where = f"entry {number}" + (f" (id '{key}')" if key else "")
    if not isinstance(entry, dict):
        raise ImportProblem(f"{where}: expected an object")
    if not key:
        raise ImportProblem(f"{where}, field 'id': required, it becomes the reference's key")
    csl_type = entry.get("type", "")
    if csl_type not in CSL_TYPES:
        raise ImportProblem(f"{where}, field 'type': '{csl_type}' is not one of {', '.join(sorted(CSL_TYPES))}")
    fields = {"key": str(key), "kind": CSL_TYPES[csl_type], "year": None, "accessed": None}
    for csl_name, field in TEXT_FIELDS.items():
        fields[field] = str(entry.get(csl_name, "") or "").strip()
    if not fields["title"]:
        raise ImportProblem(f"{where}, field 'title': required")
    if "issued" in entry:
        fields["year"] = _date_parts(entry["issued"], f"{where}, field 'issued'")[0]
    if "accessed" in entry:
        parts = _date_parts(entry["accessed"], f"{where}, field 'accessed'")
        try:
            fields["accessed"] = datetime.date(*(parts + [1, 1])[:3])
        except ValueError as error:
            raise ImportProblem(f"{where}, field 'accessed': {error}") from error
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
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblem(f"{source}: line {error.lineno}, column {error.colno}: {error.msg}") from error
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
            records.append(record_from_csl(entry, number))
        except ImportProblem as problem:
            raise ImportProblem(f"{source}: {problem}") from problem
    return records


def to_csl_json(references):
    """References (pass `.with_contributors()`) -> CSL-JSON text that `parse` reads back unchanged."""
    return json.dumps([_csl_item(reference) for reference in references], ensure_ascii=False, indent=2) + "\n"


def _csl_item(reference):
    item = {"id": reference.key, "type": reference.kind}
    for role, people in (("author", reference.authors), ("editor", reference.editors)):
        if people:
            item[role] = [_csl_name(person) for person in people]
    if reference.year:
        item["issued"] = {"date-parts": [[reference.year]]}
    for csl_name, field in TEXT_FIELDS.items():
        if getattr(reference, field):
            item[csl_name] = getattr(reference, field)
    if reference.accessed:
        day = reference.accessed
        item["accessed"] = {"date-parts": [[day.year, day.month, day.day]]}
    return item


def _csl_name(contributor):
    if contributor.organisation:
        return {"literal": contributor.organisation}
    return {"family": contributor.surname, **({"given": contributor.initials} if contributor.initials else {})}
