"""Editors keep the clinic's details; Authors may read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["add_clinicdetails", "change_clinicdetails", "view_clinicdetails"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("clinic")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="clinic")}
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*(permissions[codename] for codename in EDITOR))
    for group in Group.objects.filter(name="Author"):
        group.permissions.add(permissions["view_clinicdetails"])


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label="clinic"):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial"), ("articles", "0003_author_and_editor_roles")]

    operations = [migrations.RunPython(grant, revoke)]
