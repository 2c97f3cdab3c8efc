"""Reading django-reversion revisions of an article as text, and comparing two of them."""

import difflib
import re

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

    sections = _rows(version, Section)
    headings = {row["id"]: row["heading"] for row in sections}

    def key_point(row):
        announced = headings.get(row.get("section_id"))
        return f"{row['text']} → {announced}" if announced else row["text"]

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
        "Key points": "\n".join(key_point(row) for row in _rows(version, KeyPoint)),  # with the section it announces
        "Sections": "\n\n".join(f"## {row['heading']}\n\n{row['body']}" for row in sections),
        "Further reading": "\n".join(sorted(ref.key for ref in further.values())),
        # As readers saw it: a change to a cited work shows here (see articles.signals).
        "Reference list (as shown)": markup.reference_list_text(fields.get("references_html", "")),
    }


def compare(older, newer):
    """[{label, segments: [(kind, text)]}] for each part that differs, word by word (see `word_changes`)."""
    before, after = snapshot(older), snapshot(newer)
    return changes_between(before, after)


def changes_between(before, after):
    """The parts of two snapshots that differ, each with its changed words marked."""
    return [
        {"label": label, "segments": word_changes(before[label], after.get(label, ""))}
        for label in before
        if before[label] != after.get(label, "")
    ]


# Words, runs of spaces and single punctuation marks: a changed comma is marked, not its sentence.
TOKEN = re.compile(r"\s+|\d{1,2}:\d\d|\w+|[^\w\s]")  # a time of day is one word: "05:57" became "06:01"
CONTEXT = 80  # characters of unchanged text kept on each side of a change


def word_changes(before, after):
    """[(kind, text)] turning `before` into `after`; kind is same, removed, added or gap (unchanged
    text left out). Lines are matched first, then words within the lines that changed, so a long
    text costs what its changed lines cost. The text is plain: the template escapes it."""
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    segments = []
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in lines.get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(old_lines[a1:a2])))
            continue
        old, new = TOKEN.findall("".join(old_lines[a1:a2])), TOKEN.findall("".join(new_lines[b1:b2]))
        words = difflib.SequenceMatcher(None, old, new, autojunk=False)
        opcodes = words.get_opcodes()
        for index, (word_op, c1, c2, d1, d2) in enumerate(opcodes):
            kept = "".join(old[c1:c2])
            if word_op == "equal" and kept.strip() == "" and 0 < index < len(opcodes) - 1:
                # Only a space between two changes: "Alex Morgan" became "Sam Lee", not "Sam" and "Lee".
                segments += [("removed", kept), ("added", kept)]
                continue
            if word_op == "equal":
                segments.append(("same", kept))
                continue
            if c2 > c1:
                segments.append(("removed", "".join(old[c1:c2])))
            if d2 > d1:
                segments.append(("added", "".join(new[d1:d2])))
    return _shorten(_merge(segments))


def _merge(segments):
    """Each run of changes as one removed text followed by one added text."""
    merged, removed, added = [], [], []

    def flush():
        merged.extend((kind, "".join(parts)) for kind, parts in (("removed", removed), ("added", added)) if parts)
        removed.clear()
        added.clear()

    for kind, text in segments:
        if kind == "same":
            flush()
            merged.append((kind, text))
        else:
            (removed if kind == "removed" else added).append(text)
    flush()
    return merged


def _shorten(segments):
    """Long unchanged stretches keep only the words next to a change."""
    out = []
    for index, (kind, text) in enumerate(segments):
        first, last = index == 0, index == len(segments) - 1
        if kind != "same" or len(text) <= (CONTEXT if first or last else 2 * CONTEXT):
            out.append((kind, text))
            continue
        if not first:
            out.append(("same", text[:CONTEXT].rsplit(" ", 1)[0] if " " in text[:CONTEXT] else text[:CONTEXT]))
        out.append(("gap", "…"))
        if not last:
            tail = text[-CONTEXT:]
            out.append(("same", tail.split(" ", 1)[1] if " " in tail else tail))
    return out
