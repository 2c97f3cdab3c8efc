from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from .models import Practitioner


class PractitionerForm(forms.ModelForm):
    """The admin's form. Alt text with a photo is required by Practitioner.clean(), which this form runs;
    the photo itself is checked and re-encoded by its field (uploads.images.ReencodedImageField)."""

    class Meta:
        model = Practitioner
        fields = ["name", "slug", "credentials", "role", "position", "photo", "photo_alt", "bio", "user"]


class PractitionerUserForm(UserCreationForm):
    """A staff login in the Author or Editor group and its practitioner profile, made together."""

    group = forms.ModelChoiceField(
        label="Role",
        queryset=Group.objects.filter(name__in=["Author", "Editor"]).order_by("name"),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="An Author writes drafts and keeps their own profile; an Editor also publishes and keeps the team.",
    )
    name = forms.CharField(max_length=120, help_text="As readers see it, for example Alex Morgan.")
    credentials = forms.CharField(max_length=200, required=False, help_text="For example “MSc, Physiotherapist”.")
    role = forms.CharField(label="Job title", max_length=120, required=False, help_text="For example “Clinical lead”.")

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]

    @transaction.atomic
    def save(self):
        user = super().save(commit=False)
        user.is_staff = True
        user.first_name, _, user.last_name = self.cleaned_data["name"].partition(" ")
        user.save()
        user.groups.add(self.cleaned_data["group"])
        practitioner = Practitioner(
            name=self.cleaned_data["name"],
            slug=unique_slug(self.cleaned_data["name"]),
            credentials=self.cleaned_data["credentials"],
            role=self.cleaned_data["role"],
            user=user,
        )
        practitioner.full_clean()
        practitioner.save()
        return practitioner


def unique_slug(name):
    base = slugify(name)[:110] or "practitioner"
    slug, number = base, 1
    while Practitioner.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
