"""The demo glossary (glossary/demo/glossary.json): entries for the clinic to review, never overwriting theirs."""

import json

from django.conf import settings

from references.models import Reference

from .models import GlossaryEntry

DEMO_GLOSSARY = settings.BASE_DIR / "glossary" / "demo" / "glossary.json"


def load_demo_glossary(path=DEMO_GLOSSARY):
    """Add each demo entry whose term the glossary does not have yet; returns how many were added."""
    added = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["entries"]:
        if GlossaryEntry.objects.filter(term__iexact=item["term"]).exists():
            continue  # kept as the clinic has it
        reference = Reference.objects.filter(key=item["reference"]).first() if item.get("reference") else None
        entry = GlossaryEntry(
            term=item["term"], other_forms=item["other_forms"], explanation=item["explanation"], reference=reference
        )
        entry.full_clean()
        entry.save()
        added += 1
    return added
