"""The page cache's storage: pages, the tags they depend on, the invalidation clock, the publication schedule.

Everything lives in Django's default cache, shared by every process and server (Redis in production, a
file cache by default; see the README). A page is kept as a `Page` with the clock's value when it began
rendering; each tag holds the clock's value when it was last bumped. A page is fresh while every one of
its tags exists and was last bumped no later than the page began rendering, and until the first
scheduled publication after it was stored, if it shows what publications change. A tag key that is
missing (evicted) makes its pages stale, never fresh.
"""

import dataclasses
import hashlib
import time

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache

PREFIX = "pagecache:"
CLOCK = PREFIX + "clock"
SCHEDULE = PREFIX + "schedule"
# A page showing more rows of one table than this depends on the whole table's rows ("table:*", bumped
# with every row's tag) rather than on each: a sitemap checks one key per table, not thousands.
MANY_ROWS = 40

_schedule_source = None  # (function giving the scheduled times, the tag of what publications change)
# Page key -> its tag keys, as this process last saw them: read together with the page, in one round trip.
_known_tags = {}


@dataclasses.dataclass(frozen=True)
class Page:
    started: int  # the clock when it began rendering
    valid_until: float | None  # the next scheduled publication, for a page showing what it changes
    tags: tuple
    status: int
    headers: tuple
    content: bytes


def page_key(request):
    """One entry per release of the static files, scheme, host and full path with query string.

    A release whose CSS or JavaScript changed (new hashed names in the manifest `collectstatic` writes) reads
    none of the pages the last one stored: they name files it may no longer serve.
    """
    release = getattr(staticfiles_storage, "manifest_hash", "")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{PREFIX}page:{release}:{hashlib.sha256(address.encode()).hexdigest()}"


def _tag_key(tag):
    return PREFIX + "tag:" + tag


def clock():
    """The invalidation clock now: a counter shared by all processes that only goes up."""
    value = cache.get(CLOCK)
    if value is None:
        # Started (or restarted after an eviction) from the time in ns, above any value it had before.
        cache.add(CLOCK, time.time_ns(), timeout=None)
        value = cache.get(CLOCK)
    return value


def bump(tags):
    """Mark `tags` changed now: pages that depend on them and began rendering before now are stale.

    Only tags some stored page depends on exist (`keep` creates them): the others are left alone, so a
    change that no stored page shows writes nothing.
    """
    try:
        value = cache.incr(CLOCK)
    except ValueError:  # no clock yet, or evicted
        cache.add(CLOCK, time.time_ns(), timeout=None)
        value = cache.incr(CLOCK)
    keys = set()
    for tag in tags:
        keys.add(_tag_key(tag))
        table, _, row = tag.partition(":")
        if row:
            keys.add(_tag_key(f"{table}:*"))
    existing = cache.get_many(keys)
    if existing:
        cache.set_many(dict.fromkeys(existing, value), timeout=None)


def _collapse(tags):
    """Row tags of a table shown many times over become the table's "every row" tag."""
    rows = {}
    for tag in tags:
        table, _, row = tag.partition(":")
        if row:
            rows.setdefault(table, []).append(tag)
    kept = set(tags)
    for table, row_tags in rows.items():
        if len(row_tags) > MANY_ROWS:
            kept.difference_update(row_tags)
            kept.add(f"{table}:*")
    return tuple(sorted(kept))


def keep(key, response, tags, started, stored_at):
    """Store a rendered page with what it depends on."""
    tags = _collapse(tags)
    keys = [_tag_key(tag) for tag in tags]
    found = cache.get_many([*keys, SCHEDULE])
    missing = set(keys) - found.keys()
    if missing:
        # Tags no stored page had yet: `bump` skipped them. They start at the clock as it is now (read
        # after the lookup above, so no bump falls between); the page is kept only if nothing at all
        # changed while it rendered, as it cannot tell whether a change skipped one of them.
        now = clock()
        for tag_key in missing:
            cache.add(tag_key, now, timeout=None)
        if now > started:
            return
    valid_until = None
    if _schedule_source and _schedule_source[1] in tags:
        schedule = found[SCHEDULE] if SCHEDULE in found else reschedule(changed=False)
        valid_until = min((due for due in schedule if due > stored_at), default=None)
    headers = tuple((name, value) for name, value in response.items() if name.lower() != "set-cookie")
    page = Page(started, valid_until, tags, response.status_code, headers, response.content)
    cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)


def fetch(key):
    """The stored page for `key` if it is still fresh, else None."""
    known = _known_tags.get(key, [])
    found = cache.get_many([key, *known])
    page = found.get(key)
    if page is None:
        return None
    keys = [_tag_key(tag) for tag in page.tags]
    if keys != known:  # stored by another process, with other tags: read those too
        found |= cache.get_many(keys)
        if len(_known_tags) > 100_000:
            _known_tags.clear()
        _known_tags[key] = keys
    for tag_key in keys:
        bumped = found.get(tag_key)
        if bumped is None or bumped > page.started:
            return None
    if page.valid_until is not None and time.time() >= page.valid_until:
        return None
    return page


def schedule_source(tag):
    """Register the function giving the times (datetimes) publications are scheduled for.

    `tag`: what publications change (articles: the table of articles). Pages depending on it expire at the
    next publication time; a publication scheduled earlier than that bumps the tag, so they learn of it.
    """

    def register(function):
        global _schedule_source
        _schedule_source = (function, tag)
        return function

    return register


def reschedule(changed=True):
    """Read the publication schedule again and keep it for every process.

    `changed`: after a change to the schedule, when a publication time the stored pages did not know of
    bumps the schedule's tag (they expire only at the times they knew of).
    """
    if _schedule_source is None:
        return ()
    function, tag = _schedule_source
    times = tuple(sorted(moment.timestamp() for moment in function()))
    before = cache.get(SCHEDULE)
    cache.set(SCHEDULE, times, timeout=None)
    if changed and (before is None or set(times) - set(before)):
        bump([tag])
    return times
