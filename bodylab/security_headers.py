"""The security headers on every answer: Content-Security-Policy, Permissions-Policy (README, "Security headers").

Both come after the page cache in the middleware, so a page from the cache carries the headers it was stored with.
"""

import functools

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import get_script_prefix, reverse


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
