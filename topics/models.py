"""Topics group articles for patients browsing: Foot, Knee, Gait, Tendons..."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from content.xmltext import typed_text


class Topic(models.Model):
    shown_on_pages = True  # pagecache: pages record the topics they show
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two plain sentences shown on the topic's page.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topics:detail", args=[self.slug])

    def clean(self):
        typed, self.name = self.name, typed_text(self.name)
        if typed and not self.name:  # only characters no one means (an empty one the field refuses itself)
            raise ValidationError({"name": "This field is required."})
