"""Keeping what depends on the library current when references change.

Whenever a reference or one of its contributors is saved or deleted,
`library_changed` is sent once the transaction commits, naming the references concerned. Articles listen to it to
re-render their citations (see articles.signals).
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Contributor, Reference

# Sent with `pks`: the references saved or deleted, and `user`: who changed them, when known.
library_changed = Signal()

# References changed in this thread's transactions not yet committed, shared by
# their on-commit callbacks: the first flushes the set, the others find it empty.
_local = threading.local()


def _pending():
    if not hasattr(_local, "pks"):
        _local.pks = set()
    return _local.pks


@contextmanager
def changes_by(user):
    """Changes to the library made inside this block are `user`'s (the admin wraps its views in it)."""
    _local.user = user
    try:
        yield
    finally:
        _local.user = None


def refresh(pks, user=None):
    library_changed.send(sender=Reference, pks=set(pks), user=user)


def _flush(user):
    pending = _pending()
    if pending:
        pks = set(pending)
        pending.clear()
        refresh(pks, user)


def _schedule(pk):
    _pending().add(pk)
    user = getattr(_local, "user", None)  # taken now: the commit may come after the changes_by block
    transaction.on_commit(lambda: _flush(user))


@receiver([post_save, post_delete], sender=Reference)
def reference_changed(sender, instance, **kwargs):
    _schedule(instance.pk)


@receiver([post_save, post_delete], sender=Contributor)
def contributor_changed(sender, instance, **kwargs):
    _schedule(instance.reference_id)
