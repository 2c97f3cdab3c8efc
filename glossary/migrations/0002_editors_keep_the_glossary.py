"""Editors keep the glossary; Authors read it (the groups of articles migration 0003)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["add_glossaryentry", "change_glossaryentry", "delete_glossaryentry", "view_glossaryentry"]
AUTHOR = ["view_glossaryentry"]


def give_permissions(apps, schema_editor):
    app_config = apps.get_app_config("glossary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editor", EDITOR), ("Author", AUTHOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="glossary", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0001_initial"),
        ("articles", "0003_author_and_editor_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_permissions, migrations.RunPython.noop)]
