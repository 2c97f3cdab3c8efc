"""Saving imported records into the library: all or nothing, and idempotent."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .errors import ImportProblem
from .models import Contributor, Reference

CONTRIBUTOR_FIELDS = ["role", "position", "surname", "initials", "organisation"]


def _contributor_rows(contributors):
    return [
        tuple(c.get(name, "") if name != "position" else c.get(name, 0) for name in CONTRIBUTOR_FIELDS)
        for c in contributors
    ]


def _existing_rows(reference):
    return [tuple(getattr(c, name) for name in CONTRIBUTOR_FIELDS) for c in reference.contributors.all()]


@transaction.atomic
def import_records(records):
    """Create or update references from records; returns counts of created/updated/unchanged.

    Any invalid record raises ImportProblem and, through the transaction,
    leaves the library exactly as it was.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    seen = set()
    existing = {
        ref.key: ref
        for ref in Reference.objects.filter(key__in=[r["fields"]["key"] for r in records]).with_contributors()
    }
    for record in records:
        fields, where = record["fields"], record["where"]
        if fields["key"] in seen:
            raise ImportProblem(f"{where}: the id '{fields['key']}' appears twice")
        seen.add(fields["key"])
        reference = existing.get(fields["key"])
        rows = _contributor_rows(record["contributors"])
        if reference is not None:
            same_fields = all(getattr(reference, name) == value for name, value in fields.items())
            if same_fields and _existing_rows(reference) == rows:
                counts["unchanged"] += 1
                continue
            counts["updated"] += 1
        else:
            reference = Reference()
            counts["created"] += 1
        for name, value in fields.items():
            setattr(reference, name, value)
        _validate(reference, where)
        reference.save()
        reference.contributors.all().delete()
        contributors = [Contributor(reference=reference, **c) for c in record["contributors"]]
        for number, contributor in enumerate(contributors, start=1):
            _validate(contributor, f"{where}, {contributor.role} {number}", exclude=["reference"])
        Contributor.objects.bulk_create(contributors)
    return counts


def _validate(instance, where, exclude=None):
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        details = "; ".join(
            f"field '{field}': {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
        raise ImportProblem(f"{where}: {details}") from error
