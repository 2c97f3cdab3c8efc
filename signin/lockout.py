"""django-axes, as configured in settings: whose attempts count, and the page a locked-out login gets."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The address attempts are counted against: the proxy's header when one is trusted (CLIENT_IP_HEADER).

    The last address in it is the one our proxy saw (X-Forwarded-For lists what the client sent first).
    """
    if settings.CLIENT_IP_HEADER:
        header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def locked_out_page(request, original_response=None, credentials=None):
    """429, in the admin's look: when to try again, and who can unlock sooner.

    Each attempt while locked out starts the cool-off again (django-axes' default), so "after" counts
    from now, the last attempt.
    """
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "until": timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME),
    }
    return render(request, "signin/locked_out.html", context, status=429)
