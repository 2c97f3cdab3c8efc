"""Two-step sign-in: who must use it, and their authenticator app (a django-otp TOTP device).

One device per user, made when they start enrolling and confirmed by the first code it shows; until
then the same secret is kept, so reloading the page does not undo a scan.
"""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

EDITOR_GROUP = "Editor"
DEVICE_NAME = "Authenticator app"


def required_for(user):
    """With STAFF_2FA on: the staff who may publish or change anything, superusers and Editors."""
    return (
        settings.STAFF_2FA and user.is_staff and (user.is_superuser or user.groups.filter(name=EDITOR_GROUP).exists())
    )


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def device_to_enrol(user):
    return TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )


def check_code(device, code):
    """None when `code` is the device's current code, otherwise what is wrong, to show the user.

    Each code is accepted once (django-otp keeps the last time step used), one step early or late is
    allowed for a slow clock, and each wrong code doubles the wait before the next is checked.
    """
    code = "".join((code or "").split())
    if not code:
        return "Enter the 6-digit code your authenticator app shows: two-step sign-in is on for this account."
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return "Too many wrong codes: wait a minute, then enter the code your app shows now."
        if not device.verify_token(code):
            return "That code is not right, or has been used already. Enter the code your app shows now."
    return None


def confirm(device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def secret_of(device):
    """The key as an app asks for it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
