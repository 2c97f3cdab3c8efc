import functools

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import two_step


@functools.cache
def _paths():
    guarded = (reverse("admin:index"), reverse("markdownx_upload"), reverse("markdownx_markdownify"))
    open_to_all = (reverse("signin:two_step"), reverse("signin:qr_code"), reverse("admin:logout"))
    return guarded, open_to_all


class RequireTwoStepForEditors:
    """With STAFF_2FA on, a superuser or Editor who has not signed in with a code is sent to the two-step
    page: to enrol an authenticator app, or to enter its code. Only the admin and the editor's endpoints
    are guarded; public pages never look at the user here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_2FA:
            guarded, open_to_all = _paths()
            if (
                request.path.startswith(guarded)
                and not request.path.startswith(open_to_all)
                and request.user.is_authenticated
                and not request.user.is_verified()
                and two_step.required_for(request.user)
            ):
                following = request.get_full_path() if request.method == "GET" else reverse("admin:index")
                return redirect(f"{reverse('signin:two_step')}?{urlencode({'next': following})}")
        return self.get_response(request)
