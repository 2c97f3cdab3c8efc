from django import forms

from articles.images import upload_problem

from .models import ClinicDetails


class ClinicDetailsForm(forms.ModelForm):
    """The admin's form; ClinicDetails.clean() checks the opening hours, the profiles and the logo's alt text."""

    class Meta:
        model = ClinicDetails
        fields = ["name", "description", "is_demo", *ClinicDetails.PATIENT_FIELDS, "logo_alt"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        problem = upload_problem(logo)
        if problem:
            raise forms.ValidationError(problem)
        return logo
