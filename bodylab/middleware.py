"""Requests refused before any view sees them; the security headers every answer carries."""

import functools

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.urls import get_script_prefix, reverse


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


@functools.cache
def _admin_prefix(script_prefix):
    return reverse("admin:index")


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY), with the admin's additions.

    Under /admin/, CONTENT_SECURITY_POLICY_ADMIN_ADDITIONS are added to the site's policy; everything else
    gets the strict one. The directives always come in one order: django-csp's follows a set's, which
    differs between processes, and a page stored by one worker is served by all.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(_admin_prefix(get_script_prefix())):
            parts.update = {**settings.CONTENT_SECURITY_POLICY_ADMIN_ADDITIONS, **(parts.update or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if CSP_HEADER in response:
            response[CSP_HEADER] = "; ".join(sorted(response[CSP_HEADER].split("; ")))
        return response


class PermissionsPolicy:
    """Permissions-Policy on every answer: the features in settings.PERMISSIONS_POLICY_DENIED, off for all."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
