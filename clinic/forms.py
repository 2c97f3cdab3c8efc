from django import forms
from django.db import models

from .models import ClinicDetails


def https_by_default(field, **kwargs):
    """A link typed without a scheme means https (Django 6's default; silences 5.2's deprecation warning)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ClinicDetailsForm(forms.ModelForm):
    """The admin's form; ClinicDetails.clean() checks the opening hours, the profiles and the logo's alt text;
    the logo itself is checked and re-encoded by its field (uploads.images.ReencodedImageField)."""

    class Meta:
        model = ClinicDetails
        fields = ["name", "description", "is_demo", *ClinicDetails.PATIENT_FIELDS, "logo_alt"]
        formfield_callback = https_by_default
