from django import forms

from .models import ClinicDetails


class ClinicDetailsForm(forms.ModelForm):
    """The admin's form; ClinicDetails.clean() checks the opening hours, the profiles and the logo's alt text;
    the logo itself is checked and re-encoded by its field (uploads.images.ReencodedImageField)."""

    class Meta:
        model = ClinicDetails
        fields = ["name", "description", "is_demo", *ClinicDetails.PATIENT_FIELDS, "logo_alt"]
