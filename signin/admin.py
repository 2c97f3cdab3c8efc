"""The admin pages of staff accounts and of signing in (Django's users and groups, django-axes' lockout
records, django-otp's authenticator devices), with the checks our own admin pages make of what a request
gives them.

As shipped, each of them looked a tampered selection of rows up as it came (`_selected_action=abc`, or an
id wider than 64 bits) and the user and group forms looked up a chosen group or permission id wider than
64 bits: a 500 on SQLite, which raises OverflowError. Their pages are otherwise Django's and the apps'.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import CheckedFormInput


def check_what_requests_give(model):
    """Register `model`'s admin again, as the same class with our checks in front of it."""
    shipped = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(shipped.__name__, (CheckedFormInput, CheckedSelectionMixin, shipped), {}))


for model in (User, Group, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice):
    check_what_requests_give(model)
