"""Requests refused before any view sees them."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

# The staff endpoints that take an image or a file, by URL name: they may send up to
# UPLOAD_REQUEST_BODY_MAX_BYTES; every other request, REQUEST_BODY_MAX_BYTES.
UPLOAD_ENDPOINTS = frozenset(
    {
        "markdownx_upload",  # images dragged into the editor
        "admin:articles_article_add",  # featured image
        "admin:articles_article_change",
        "admin:practitioners_practitioner_add",  # photo
        "admin:practitioners_practitioner_change",
        "admin:references_reference_import",  # a BibTeX, RIS or CSL-JSON file, or the same text pasted
    }
)


class RefuseOversizedBodies:
    """A 413 (the site's page) for a body declared larger than the request may send, before a byte is read.

    Django reads a form's whole body (and spools large files to disk) as soon as anything touches
    request.POST, the CSRF check first among them; an anonymous 200 MB POST to the admin's login was read
    to the end before anything refused it. The declared Content-Length is checked here instead. A body
    without one (Transfer-Encoding: chunked) gets a 411: Django would read it as empty anyway, and a
    proxy in front (nginx) sends the length. After the authentication middleware: only a staff user's
    request to an upload endpoint may be larger.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return render(request, "411.html", status=411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise BadRequest("A Content-Length that is not a number.") from None
        if length > settings.REQUEST_BODY_MAX_BYTES:  # the common case stops here, with no lookup
            limit = self.limit(request)
            if length > limit:
                return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)

    @staticmethod
    def limit(request):
        if not (request.user.is_active and request.user.is_staff):
            return settings.REQUEST_BODY_MAX_BYTES
        try:
            endpoint = resolve(request.path_info).view_name
        except Resolver404:
            return settings.REQUEST_BODY_MAX_BYTES
        return (
            settings.UPLOAD_REQUEST_BODY_MAX_BYTES if endpoint in UPLOAD_ENDPOINTS else settings.REQUEST_BODY_MAX_BYTES
        )


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
