from django import forms

from .models import Practitioner


class PractitionerForm(forms.ModelForm):
    """The admin's form. Alt text with a photo is required by Practitioner.clean(), which this form runs;
    the photo itself is checked and re-encoded by its field (uploads.images.ReencodedImageField)."""

    class Meta:
        model = Practitioner
        fields = ["name", "slug", "credentials", "role", "position", "photo", "photo_alt", "bio"]
