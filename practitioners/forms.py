from django import forms

from articles.images import upload_problem

from .models import Practitioner


class PractitionerForm(forms.ModelForm):
    """The admin's form. Alt text with a photo is required by Practitioner.clean(), which this form runs."""

    class Meta:
        model = Practitioner
        fields = ["name", "slug", "credentials", "role", "position", "photo", "photo_alt", "bio"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        problem = upload_problem(photo)
        if problem:
            raise forms.ValidationError(problem)
        return photo
