"""The clinic's practitioners: who writes and who clinically reviews the articles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from content.xmltext import typed_text
from uploads.images import ReencodedImageField, ServerChosenName


class Practitioner(models.Model):
    shown_on_pages = True  # pagecache: pages record the practitioners they show
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The end of the profile's address, as in /practitioners/this-part/."
    )
    credentials = models.CharField(max_length=200, blank=True, help_text="For example “MSc, Physiotherapist”.")
    role = models.CharField(max_length=120, blank=True, help_text="For example “Clinical lead”.")
    bio = models.TextField(blank=True, help_text="A short introduction in plain text.")
    photo = ReencodedImageField(upload_to=ServerChosenName("practitioners"), blank=True)
    photo_alt = models.CharField(
        "photo description (alt text)",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the team page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="admin login",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
        help_text="The practitioner's own login: with it they may edit this profile themselves.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("practitioners:detail", args=[self.slug])

    def clean(self):
        typed, self.name = self.name, typed_text(self.name)
        if typed and not self.name:  # only characters no one means (an empty one the field refuses itself)
            raise ValidationError({"name": "This field is required."})
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo: alt text is required with a photo."})

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
