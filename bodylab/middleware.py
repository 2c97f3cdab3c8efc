"""Requests refused before any view sees them."""

from django.core.exceptions import BadRequest
from django.urls import reverse


class RefuseNulInAdminRequests:
    """A 400 (the site's page) for an admin address or query string holding a NUL character.

    PostgreSQL refuses NUL in any text it is sent, and the admin passes the query string's filters
    (?title=..., on every model, Django's own included), autocomplete terms and object ids from
    the address straight into queries: one NUL there was a 500. No one types it. Public pages
    check their own parameters (search drops control characters, slugs and keys are validated).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and (
            "\x00" in request.path
            or any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists())
        ):
            raise BadRequest("A NUL character in an admin address.")
        return self.get_response(request)
