"""The one cache policy of public pages, for browsers and shared caches (see the README, "Caching")."""

import functools

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control


def public_page(view):
    """Mark the view's successful answers as public: stored by the page cache, by nginx and by CDNs.

    Browsers revalidate every time (max-age=0) and get a 304 while the page is unchanged, so a correction
    reaches them at once; shared caches keep a page for SHARED_CACHE_SECONDS (s-maxage). An answer the view
    made private (a draft shown to staff) stays private.

    A public page is read, never written: any method but GET and HEAD is a 405, as Django's class-based views
    answer (a function view answered a DELETE with the page).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not _private(response):
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS)
        return response

    return wrapped


def _private(response):
    directives = response.get("Cache-Control", "")
    return any(word in directives for word in ("private", "no-store", "no-cache"))
