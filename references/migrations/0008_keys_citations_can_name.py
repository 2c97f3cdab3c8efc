"""Keys saved before a key had to end with a letter, digit or _ (0007): renamed without their last
punctuation ("trail." -> "trail"), which no citation could name. `manage.py render_articles` after the
upgrade writes the new anchors into the articles that list them."""

import re

from django.db import migrations

KEY = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_])?$")  # references.normalise.KEY, as of now


def rename_keys(apps, schema_editor):
    Reference = apps.get_model("references", "Reference")
    taken = set(Reference.objects.values_list("key", flat=True))
    for reference in Reference.objects.only("key"):
        if KEY.match(reference.key):
            continue
        stem = re.sub(r"^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$", "", reference.key) or "reference"
        key, number = stem, 1
        while key in taken:
            number += 1
            suffix = f"_{number}"
            key = f"{stem[: 100 - len(suffix)]}{suffix}"  # the field's max_length
        taken.add(key)
        Reference.objects.filter(pk=reference.pk).update(key=key)


class Migration(migrations.Migration):
    dependencies = [("references", "0007_key_ends_with_a_letter_digit_or_underscore")]

    operations = [migrations.RunPython(rename_keys, migrations.RunPython.noop)]
