"""Authors may add and change practitioner profiles: PractitionerAdmin lets them change only their own."""

from django.db import migrations

AUTHOR_PROFILE = ["add_practitioner", "change_practitioner"]


def assign_profile_rights(apps, schema_editor=None):
    """Also used by tests that empty the database (after articles' assign_roles)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="practitioners", codename__in=AUTHOR_PROFILE)
    for group in Group.objects.filter(name="Author"):
        group.permissions.add(*rights)


def remove_profile_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="practitioners", codename__in=AUTHOR_PROFILE)
    for group in Group.objects.filter(name="Author"):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("practitioners", "0004_practitioner_login"),
        ("articles", "0003_author_and_editor_roles"),
    ]

    operations = [migrations.RunPython(assign_profile_rights, remove_profile_rights)]
