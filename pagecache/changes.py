"""From a change to the content to the tags it makes stale (see pagecache/__init__.py).

Models take part by saying how they are shown:

- `shown_on_pages = True`: rows pages show (an article, a reference, a practitioner, a topic). Loading one
  records its tag; changing it bumps that tag, and adding or deleting one bumps its table's tag too, for the
  lists and counts that draw from the table.
- `shown_with = ("article",)`: rows only ever shown as part of the rows their foreign keys name (a section
  with its article): a change bumps those rows' tags.
- `page_cache_tags(change)`, where change is "created", "updated" or "deleted": the model's own rule when
  the defaults are not exact (an article joins or leaves the lists only when it is or was public).
- `page_cache_listed` (a property, default True): whether the row takes part in what lists show; many-to-many
  links of rows that do not (a draft's topics) leave the lists alone.
"""

import logging
import threading

from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import dependencies, store

logger = logging.getLogger(__name__)


def tag_for(instance):
    return f"{instance._meta.db_table}:{instance.pk}"


def table_tag(model):
    return model._meta.db_table


def invalidate(*tags):
    """Make stale every page showing any of `tags`: now, and again when the transaction commits.

    The bump at commit is the one that counts for other processes: a page rendered from the data before
    the commit began rendering before it, so it is never kept as fresh. The bump now serves this
    transaction's own later reads (and tests, which never commit).
    """
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    _bump(tags)
    if connection.in_atomic_block:
        _pending().update(tags)
        transaction.on_commit(_bump_pending)


# Tags changed in this thread's transaction, bumped once when it commits: the first on-commit callback
# takes them all, the others find none. (Left over by a rollback, they are bumped at the next commit.)
_local = threading.local()


def _pending():
    if not hasattr(_local, "tags"):
        _local.tags = set()
    return _local.tags


def _bump_pending():
    tags, _local.tags = _pending(), set()
    if tags:
        _bump(tags)


def _bump(tags):
    try:
        store.bump(tags)
    except Exception:  # the cache server is down: pages are not served from it either (middleware)
        logger.exception("The page cache could not be told that %s changed", ", ".join(sorted(tags)))


def schedule_changed():
    """The times publications are scheduled for changed: every process reads them again (now and on commit)."""
    _reschedule()
    if connection.in_atomic_block:
        transaction.on_commit(_reschedule)


def _reschedule():
    try:
        store.reschedule()
    except Exception:
        logger.exception("The page cache could not read the publication schedule again")


def tags_for_change(instance, change):
    rule = getattr(instance, "page_cache_tags", None)
    if rule is not None:
        return set(rule(change))
    parents = getattr(instance, "shown_with", ())
    if parents:
        tags = set()
        for name in parents:
            field = instance._meta.get_field(name)
            pk = getattr(instance, field.attname)
            if pk is not None:
                tags.add(f"{field.related_model._meta.db_table}:{pk}")
        return tags
    tags = {tag_for(instance)}
    if change != "updated":
        tags.add(table_tag(type(instance)))
    return tags


def _saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        invalidate(*tags_for_change(instance, "created" if created else "updated"))


def _deleted(sender, instance, **kwargs):
    invalidate(*tags_for_change(instance, "deleted"))


def _linked(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many link between shown rows added or removed: both ends, and the lists using the links."""
    if action == "pre_clear":
        pk_set, action = _linked_pks(sender, instance, model), "clear"  # known only before they go
    if action not in {"post_add", "post_remove", "clear"} or not pk_set:
        return
    tags = {tag_for(instance), *(f"{model._meta.db_table}:{pk}" for pk in pk_set)}
    if getattr(instance, "page_cache_listed", True):
        tags.add(sender._meta.db_table)
    invalidate(*tags)


def _linked_pks(through, instance, model):
    """The pks of the `model` rows `instance` is linked to through the table `through`."""
    ends = [field for field in through._meta.fields if field.is_relation]
    source = next(field for field in ends if isinstance(instance, field.related_model))
    target = next(field for field in ends if field is not source and field.related_model is model)
    rows = through.objects.filter(**{source.attname: instance.pk})
    return set(rows.values_list(target.attname, flat=True))


def connect():
    """Connect the receivers for every model shown on pages, and tell `dependencies` what to record."""
    for model in apps.get_models():
        top_level = getattr(model, "shown_on_pages", False)
        if not (top_level or getattr(model, "shown_with", ())):
            continue
        if top_level:
            dependencies.ROW_MODELS.add(model)
        dependencies.SHOWN_TABLES.add(model._meta.db_table)
        uid = f"pagecache.{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if getattr(field.related_model, "shown_on_pages", False) and through._meta.auto_created:
                dependencies.SHOWN_TABLES.add(through._meta.db_table)
                m2m_changed.connect(_linked, sender=through, dispatch_uid=f"{uid}.{field.name}")
