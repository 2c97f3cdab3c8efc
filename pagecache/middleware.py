"""Serving public pages from the page cache, and filling it (see pagecache/__init__.py)."""

import logging
import re
import time
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, set_response_etag

from . import dependencies, store

logger = logging.getLogger(__name__)
HEADER = "X-Page-Cache"
FILES = tuple("/" + url.lstrip("/") for url in (settings.STATIC_URL, settings.MEDIA_URL))  # not pages


# Where a reader came from (a campaign, a post, an advert): no page shows them, and those given one per click
# (fbclid, gclid) would make every reader of an article shared on social media a miss, and a page of its own.
TRACKING = re.compile(
    r"utm_\w+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|yclid|twclid|ttclid|igshid|mc_cid|mc_eid|_ga|_gl", re.IGNORECASE
)


def _drop_tracking_parameters(request):
    """The request as if its address had no tracking parameters: looked up, rendered and stored without them
    (a list's links keep the other parameters, never these)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    pairs = query.split("&")
    kept = [pair for pair in pairs if pair and not TRACKING.fullmatch(unquote_plus(pair.partition("=")[0]))]
    if len(kept) != len(pairs):
        request.META["QUERY_STRING"] = "&".join(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)


class PageCacheMiddleware:
    """Anonymous readers' GET and HEAD requests are answered from the cache, or rendered and stored.

    First in the middleware: a hit costs one round trip to the cache and nothing else (no session, no
    database, no other middleware: what they add to a page's headers was stored with it), and answers
    304 to a matching If-None-Match itself. Requests carrying a session or messages cookie (staff,
    logged-in users, anyone with a message to see) never read or fill the cache; only answers that
    `http.public_page` made public, with status 200 and no cookie, are stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._for_the_cache(request):
            return self.get_response(request)
        _drop_tracking_parameters(request)
        try:
            key = store.page_key(request)
            page = store.fetch(key)
            if page is None:
                started, stored_at = store.clock(), time.time()
        except DisallowedHost:
            return self.get_response(request)  # the site's 400, from the middleware that checks hosts
        except Exception:
            logger.exception("The page cache could not be read: answering without it")
            return self.get_response(request)
        if page is not None:
            response = HttpResponse(page.content, status=page.status, headers=dict(page.headers))
            response[HEADER] = "hit"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)

        with dependencies.recording() as tags:
            response = self.get_response(request)
        if self._storable(response):
            set_response_etag(response)
            try:
                store.keep(key, response, tags, started, stored_at)
            except Exception:
                logger.exception("The page cache could not store %s", request.path)
            response[HEADER] = "miss"
        else:
            response[HEADER] = "bypass"
        return response

    @staticmethod
    def _for_the_cache(request):
        return (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(FILES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )

    @staticmethod
    def _storable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        )
