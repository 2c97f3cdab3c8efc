"""The page cache's storage: pages, the tags they depend on, the invalidation clock, the publication schedule.

Everything lives in Django's default cache, shared by every process and server (Redis in production, a
file cache by default; see the README). A page is kept as a `Page` with the clock's value when it began
rendering; each tag holds the clock's value when it was last bumped. A page is fresh while every one of
its tags exists and was last bumped no later than the page began rendering, and no scheduled publication
came due since it was stored. A tag key that is missing (evicted) makes its pages stale, never fresh.
"""

import dataclasses
import hashlib
import time

from django.conf import settings
from django.core.cache import cache

PREFIX = "pagecache:"
CLOCK = PREFIX + "clock"
SCHEDULE = PREFIX + "schedule"
# A page showing more rows of one table than this depends on the whole table's rows ("table:*", bumped
# with every row's tag) rather than on each: a sitemap checks one key per table, not thousands.
MANY_ROWS = 40

_schedule_source = None


@dataclasses.dataclass(frozen=True)
class Page:
    started: int  # the clock when it began rendering
    stored_at: float  # the wall-clock time then (for scheduled publications)
    tags: tuple
    status: int
    headers: tuple
    content: bytes


def page_key(request):
    """One entry per scheme, host and full path with query string."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PREFIX + "page:" + hashlib.sha256(address.encode()).hexdigest()


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
    if SCHEDULE not in found:
        reschedule()  # read here, so that serving the page later needs no database
    headers = tuple((name, value) for name, value in response.items() if name.lower() != "set-cookie")
    page = Page(started, stored_at, tags, response.status_code, headers, response.content)
    cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)


def fetch(key):
    """The stored page for `key` if it is still fresh, else None."""
    page = cache.get(key)
    if page is None:
        return None
    keys = [_tag_key(tag) for tag in page.tags]
    found = cache.get_many([*keys, SCHEDULE])
    for tag_key in keys:
        bumped = found.get(tag_key)
        if bumped is None or bumped > page.started:
            return None
    schedule = found.get(SCHEDULE)
    if schedule is None:
        schedule = reschedule()
    now = time.time()
    if any(page.stored_at < due <= now for due in schedule):
        return None
    return page


def schedule_source(function):
    """Register the function giving the times (datetimes) publications are scheduled for (articles does)."""
    global _schedule_source
    _schedule_source = function
    return function


def reschedule():
    """Read the publication schedule again (after a change to it) and keep it for every process."""
    times = tuple(sorted(moment.timestamp() for moment in (_schedule_source() if _schedule_source else ())))
    cache.set(SCHEDULE, times, timeout=None)
    return times
