"""Saving imported records into the library: all or nothing, idempotent, and previewable.

Every format's parser turns text into the same records (see `references.csl`).
`plan` works out what each record would do, validating it but writing nothing
(the admin's preview); `import_records` carries a plan out in one transaction.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from . import bibtex, csl, ris
from .duplicates import DuplicateIndex
from .errors import ImportProblem
from .models import Contributor, Reference

# Format name (also the file extension) -> (label, parser).
FORMATS = {
    "json": ("CSL-JSON", csl.parse),
    "bib": ("BibTeX", bibtex.parse),
    "ris": ("RIS", ris.parse),
}

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
ACTIONS = (CREATED, UPDATED, UNCHANGED, SKIPPED)


def format_for_filename(name):
    """'refs.BIB' -> 'bib'; None for an extension we do not read."""
    extension = Path(name).suffix.lower().lstrip(".")
    return extension if extension in FORMATS else None


def detect_format(text):
    """Guess the format of pasted text from its shape; None when it looks like none of ours."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start and start in "[{":
        return "json"
    if re.search(r"^TY {1,2}- ", text.lstrip("\ufeff"), re.MULTILINE):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.MULTILINE):
        return "bib"
    return None


def parse(text, fmt, source="input"):
    """Text in one of FORMATS -> records; raises ImportProblem naming the line at fault."""
    if "\x00" in text:
        # No export has NUL characters, and PostgreSQL refuses them in any query or value.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportProblem(f"{source}: line {line}: a NUL character, so this is not a text export")
    return FORMATS[fmt][1](text, source=source)


@dataclass
class Step:
    """What importing one record does. `reference` and `contributors` are ready to save."""

    record: dict
    action: str
    reference: Reference | None
    contributors: list
    changes: list = field(default_factory=list)  # the fields an update changes
    published_articles: list = field(default_factory=list)  # whose pages an update changes
    duplicates: list = field(default_factory=list)  # what a skipped record looks like

    @property
    def key(self):
        return self.record["fields"]["key"]


def plan(records, skip_duplicates=False):
    """One validated Step per record; writes nothing. Raises ImportProblem for the first bad record.

    With skip_duplicates, a record under a new key that looks like a reference
    already in the library (see `references.duplicates`) is SKIPPED.
    """
    keys = [record["fields"]["key"] for record in records]
    existing = {ref.key: ref for ref in Reference.objects.filter(key__in=keys).with_contributors()}
    library = DuplicateIndex(Reference.objects.with_contributors()) if skip_duplicates else None
    seen, steps = set(), []
    for record in records:
        key = record["fields"]["key"]
        if key in seen:
            raise ImportProblem(f"{record['where']}: the id '{key}' appears twice")
        seen.add(key)
        steps.append(_step(record, existing.get(key), library))
    return steps


def _step(record, reference, library):
    """Validate the record as the model would save it, then compare it, cleaned, with what is saved:
    a DOI given as https://doi.org/10.… is stored bare, so importing it again changes nothing."""
    where = record["where"]
    fields = _complete(record["fields"])
    candidate = Reference(**fields)
    _validate(candidate, where)
    cleaned = {name: getattr(candidate, name) for name in fields}
    ordered = sorted(record["contributors"], key=lambda c: (c["role"], c.get("position", 0)))
    contributors = [Contributor(**c) for c in ordered]
    for contributor in contributors:
        _validate(contributor, f"{where}, {contributor.role} {contributor.position + 1}", exclude=["reference"])
    if reference is None:
        as_cleaned = {**record, "fields": cleaned}
        duplicates = library.likely_duplicates(as_cleaned) if library else []
        if duplicates:
            return Step(record, SKIPPED, None, contributors, duplicates=duplicates)
        return Step(record, CREATED, candidate, contributors)
    changes = [name for name, value in cleaned.items() if getattr(reference, name) != value]
    if reference.accessed is None and cleaned["accessed"] is None and "accessed_precision" in changes:
        changes.remove("accessed_precision")  # the precision of no date: not written to any format
    if _people(reference.contributors.all()) != _people(contributors):
        changes.append("contributors")
    for name in changes:
        if name != "contributors":
            setattr(reference, name, cleaned[name])
    if not changes:
        return Step(record, UNCHANGED, reference, contributors)
    published = list(reference.published_articles())
    return Step(record, UPDATED, reference, contributors, changes=changes, published_articles=published)


# A record stands for the whole reference: a field it leaves out is the model's default.
IMPORTED_FIELDS = [f.name for f in Reference._meta.concrete_fields if f.editable and not f.primary_key]


def _complete(fields):
    blank = Reference()
    return {name: fields[name] if name in fields else getattr(blank, name) for name in IMPORTED_FIELDS}


def _people(contributors):
    """Contributors as compared: in order, by role. Position numbers only order them,
    so authors numbered 1, 2, 3 in the admin equal 0, 1, 2 from a file."""
    ordered = sorted(contributors, key=lambda c: (c.role, c.position))
    return [(c.role, c.surname, c.initials, c.particle, c.suffix, c.organisation) for c in ordered]


def refuse_updates(steps):
    """For someone who may add references but not change them: raise at the first update."""
    for step in steps:
        if step.action == UPDATED:
            raise ImportProblem(
                f"{step.record['where']}: this would change the existing reference '{step.key}', "
                "and you do not have permission to change references"
            )


def refuse_published_changes(steps):
    """For someone who may not publish: raise at the first update to a work published pages show."""
    for step in steps:
        if step.action == UPDATED and step.published_articles:
            titles = ", ".join(f"“{article.title}”" for article in step.published_articles)
            raise ImportProblem(
                f"{step.record['where']}: this would change the reference '{step.key}', which published "
                f"articles show ({titles}); only an Editor can change it, as the change appears on their pages"
            )


@transaction.atomic
def import_records(records, skip_duplicates=False, allow_updates=True, allow_published_changes=True):
    """Create or update references from records; returns counts of created/updated/unchanged/skipped.

    Any invalid record raises ImportProblem and, through the transaction,
    leaves the library exactly as it was.
    """
    steps = plan(records, skip_duplicates=skip_duplicates)
    if not allow_updates:
        refuse_updates(steps)
    if not allow_published_changes:
        refuse_published_changes(steps)
    for step in steps:
        if step.action in (CREATED, UPDATED):
            _save(step)
    return count(steps)


def count(steps):
    return {action: 0 for action in ACTIONS} | Counter(step.action for step in steps)


def _save(step):
    step.reference.save()
    step.reference.contributors.all().delete()
    for contributor in step.contributors:
        contributor.reference = step.reference
    Contributor.objects.bulk_create(step.contributors)


def _validate(instance, where, exclude=None):
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        details = "; ".join(
            f"field '{name}': {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        raise ImportProblem(f"{where}: {details}") from error
