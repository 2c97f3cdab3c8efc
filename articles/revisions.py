"""Reading django-reversion revisions of an article as text, and comparing two of them."""

import difflib

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from content import markup
from practitioners.models import Practitioner
from references.models import Reference
from topics.models import Topic

from .models import Article, ArticleAuthor, KeyPoint, Section


def _rows(version, model):
    content_type = ContentType.objects.get_for_model(model)
    rows = [v.field_dict for v in version.revision.version_set.all() if v.content_type_id == content_type.pk]
    return sorted(rows, key=lambda row: (row["position"], row["id"]))


def snapshot(version):
    """What a practitioner wrote, as labelled text, at the time of `version` (an Article's Version)."""
    fields = version.field_dict
    published_at = fields.get("published_at")
    topics = Topic.objects.in_bulk([int(pk) for pk in fields.get("topics", [])])
    further = Reference.objects.in_bulk([int(pk) for pk in fields.get("further_reading", [])])
    people = Practitioner.objects.in_bulk(
        [row["practitioner_id"] for row in _rows(version, ArticleAuthor)] + [fields.get("reviewed_by_id")]
    )

    def person(pk):
        return str(people.get(pk, "")) if pk else ""

    return {
        "Title": fields.get("title", ""),
        "Address (slug)": fields.get("slug", ""),
        "Subtitle": fields.get("subtitle", ""),
        "Summary": fields.get("summary", ""),
        "Status": Article.Status(fields["status"]).label if fields.get("status") else "",
        "Publication time": timezone.localtime(published_at).strftime("%-d %B %Y, %H:%M") if published_at else "",
        "Authors": "\n".join(person(row["practitioner_id"]) for row in _rows(version, ArticleAuthor)),
        "Clinically reviewed by": person(fields.get("reviewed_by_id")),
        "Last reviewed": str(fields.get("last_reviewed") or ""),
        "Next review due": str(fields.get("next_review_due") or ""),
        "Topics": "\n".join(sorted(str(topic) for topic in topics.values())),
        "Featured image": f"{fields.get('featured_image') or ''} {fields.get('featured_image_alt') or ''}".strip(),
        "Intro": fields.get("intro", ""),
        "Key points": "\n".join(row["text"] for row in _rows(version, KeyPoint)),
        "Sections": "\n\n".join(f"## {row['heading']}\n\n{row['body']}" for row in _rows(version, Section)),
        "Further reading": "\n".join(sorted(ref.key for ref in further.values())),
        # As readers saw it: a change to a cited work shows here (see articles.signals).
        "Reference list (as shown)": markup.reference_list_text(fields.get("references_html", "")),
    }


def compare(older, newer):
    """[{label, lines: [(kind, text)]}] for each part that differs; kind is added, removed, context or gap."""
    before, after = snapshot(older), snapshot(newer)
    changes = []
    for label in before:
        if before[label] == after[label]:
            continue
        lines = []
        diff = difflib.unified_diff(before[label].splitlines(), after[label].splitlines(), lineterm="", n=2)
        for line in list(diff)[2:]:  # skip the ---/+++ file headers
            if line.startswith("@@"):
                lines.append(("gap", "…"))
            elif line.startswith("+"):
                lines.append(("added", line[1:]))
            elif line.startswith("-"):
                lines.append(("removed", line[1:]))
            else:
                lines.append(("context", line[1:]))
        changes.append({"label": label, "lines": lines})
    return changes
