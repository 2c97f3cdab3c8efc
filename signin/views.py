"""The two-step page, in the admin: enrol an authenticator app, or enter its code (STAFF_2FA)."""

import django_otp
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.qr import write_qrcode_image

from . import two_step
from .forms import CodeForm


def two_step_page(request):
    user = request.user
    device = two_step.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = two_step.device_to_enrol(user)
    elif user.is_verified():
        return _page(request, "signin/two_step_on.html", device=device)

    form = CodeForm(request.POST or None, device=device)
    if form.is_valid():
        if enrolling:
            two_step.confirm(device)
            messages.success(request, "Two-step sign-in is on: from now on, logging in asks for a code from your app.")
        django_otp.login(request, device)
        return redirect(_next(request))
    return _page(
        request,
        "signin/two_step.html",
        form=form,
        enrolling=enrolling,
        required=two_step.required_for(user),
        device=device,
        secret=two_step.secret_of(device),
        next=_next(request),
    )


def qr_code(request):
    """The QR code of the app being enrolled, as an image: no inline markup on the page."""
    if two_step.confirmed_device(request.user) is not None:
        raise Http404("Two-step sign-in is already on.")
    response = HttpResponse(content_type="image/svg+xml")
    write_qrcode_image(two_step.device_to_enrol(request.user).config_url, response)
    return response


def _page(request, template, **context):
    context = {**admin.site.each_context(request), "title": "Two-step sign-in", **context}
    return TemplateResponse(request, template, context)


def _next(request):
    following = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return following
    return reverse("admin:index")
