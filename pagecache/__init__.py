"""The full-page cache: public pages served from a shared cache, refreshed exactly when what they show changes.

How it works, in one place:

- While a page is rendered for an anonymous reader, `dependencies` records what it read: every row of a
  model shown on pages (one tag per row, "articles_article:12") and every such table it queried
  ("articles_article", the set of rows a list, count or neighbour query draws from).
- `store` keeps the page with its tags and the invalidation clock's value when rendering began. A change
  bumps tags (`invalidate`), each to a new clock value; a page is fresh while none of its tags was bumped
  after it began rendering. No page waits for a timeout, and a page rendered during a change is never kept.
- `changes` turns model changes into tags: a row's own tag when it changes, its table's tag when rows
  enter or leave what lists show. Models say how (`shown_on_pages`, `shown_with`, `page_cache_tags`).
- Publications scheduled for later need no request: a page that shows what publications change is kept
  with the next publication time and is stale from then on (`store.schedule_source`).
- `middleware.PageCacheMiddleware` serves and fills the cache; `http.public_page` marks the views whose
  pages may be cached at all (Cache-Control for browsers and shared caches).
"""

from .changes import invalidate, schedule_changed, table_tag, tag_for
from .dependencies import record
from .http import public_page
from .store import schedule_source

__all__ = ["invalidate", "public_page", "record", "schedule_changed", "schedule_source", "table_tag", "tag_for"]
