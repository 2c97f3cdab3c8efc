from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from uploads.renditions import cached_picture

from .forms import ClinicDetailsForm
from .models import ClinicDetails


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    """One record: the list goes straight to it (or to adding it, the first time); it cannot be deleted."""

    form = ClinicDetailsForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # the admin builds its own form class
    fieldsets = [
        (None, {"fields": ["name", "description", "is_demo"]}),
        (
            "Contact and booking",
            {
                "fields": ["street_address", "locality", "postcode", "phone", "email", "opening_hours", "booking_url"],
                "description": "Shown in every page's footer and on the contact page. A detail left empty is "
                "left out of the pages.",
            },
        ),
        ("Elsewhere", {"fields": ["map_url", "social_links"]}),
        ("Logo", {"fields": ["logo", "logo_alt"]}),
        ("At the end of every article", {"fields": ["help_note"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ClinicDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if ClinicDetails.objects.filter(pk=1).exists():
            return redirect(reverse("admin:clinic_clinicdetails_change", args=[1]))
        return redirect(reverse("admin:clinic_clinicdetails_add"))

    def response_post_save_change(self, request, obj):
        return redirect(reverse("admin:index"))

    response_post_save_add = response_post_save_change

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.logo:
            cached_picture(obj.logo.name)  # its renditions now rather than for the first reader
