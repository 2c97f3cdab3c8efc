"""Admin actions that refuse a tampered selection instead of failing on it."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect

from .admin_forms import LARGEST_ID


class CheckedSelectionMixin:
    """Django's ModelAdmin.response_action filters `pk__in` with the posted ids as they come: a
    non-numeric or 64-bit-overflowing id is a 500. Only a tampered form sends one; say so, do nothing."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isascii() and value.isdigit() and int(value) <= LARGEST_ID for value in selected):
            self.message_user(request, "That selection was not valid, so nothing was done.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
