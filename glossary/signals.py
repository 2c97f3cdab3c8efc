"""Keeping the articles that explain a word current when its glossary entry changes.

The same mechanism as the reference library's (references.signals): whenever an entry is saved or
deleted, `glossary_changed` is sent once the transaction commits, with the entries concerned and every
form they had or have (an article that used a removed form, or uses a new one, changes too).
articles.signals renders those articles again.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import GlossaryEntry

# Sent with `pks`: the entries saved or deleted, `terms`: theirs, and `forms`: the forms they had and have now.
glossary_changed = Signal()

_local = threading.local()


def _pending():
    if not hasattr(_local, "changes"):
        _local.changes = ({}, set())  # pk -> entry, forms
    return _local.changes


def _flush():
    entries, forms = _pending()
    if entries:
        pks, terms, changed_forms = set(entries), sorted(e.term for e in entries.values()), set(forms)
        entries.clear()
        forms.clear()
        glossary_changed.send(sender=GlossaryEntry, pks=pks, terms=terms, forms=changed_forms)


@receiver([post_save, post_delete], sender=GlossaryEntry)
def entry_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    entries, forms = _pending()
    entries[instance.pk] = instance
    forms.update(instance.forms)
    forms.update(getattr(instance, "loaded_forms", ()))
    transaction.on_commit(_flush)
