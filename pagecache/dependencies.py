"""What a page reads while it is rendered: the tags it is stored with (see pagecache/__init__.py).

Recording is automatic, so a page cannot forget to declare what it shows: every row of a model shown on
pages that is loaded (`post_init`) and every such table named in the SQL it runs (a database execute
wrapper) is recorded, including what templates load.
"""

import contextvars
import re
from contextlib import ExitStack, contextmanager

from django.db import connections
from django.db.models.signals import post_init

_tags = contextvars.ContextVar("pagecache_tags", default=None)
# Every table a query reads follows FROM or JOIN (quoted by the ORM, perhaps not in hand-written SQL).
_TABLES_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)

# Filled once the apps are ready (changes.connect): which models and tables pages depend on.
ROW_MODELS = set()  # models whose rows get their own tag when loaded
SHOWN_TABLES = set()  # tables whose set of rows pages depend on when they query them


@contextmanager
def recording():
    """Record what is read inside the block into the yielded set of tags."""
    tags = set()
    token = _tags.set(tags)
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_note_tables))
            yield tags
    finally:
        _tags.reset(token)


def record(*tags):
    """Record tags by hand, for rows a page reads without loading them from the database (from a cache)."""
    recorded = _tags.get()
    if recorded is not None:
        recorded.update(tags)


def _note_tables(execute, sql, params, many, context):
    recorded = _tags.get()
    if recorded is not None:
        recorded.update(table for table in _TABLES_READ.findall(sql) if table in SHOWN_TABLES)
    return execute(sql, params, many, context)


def _note_row(sender, instance, **kwargs):
    recorded = _tags.get()
    if recorded is not None and sender in ROW_MODELS and instance.pk is not None:
        recorded.add(f"{sender._meta.db_table}:{instance.pk}")


def connect():
    post_init.connect(_note_row, dispatch_uid="pagecache.dependencies")
