"""The two practitioner roles, as groups: Author writes drafts, Editor also publishes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHOR = {
    "articles": ["add_article", "change_article", "view_article", "add_keypoint", "change_keypoint",
                 "delete_keypoint", "view_keypoint", "add_section", "change_section", "delete_section",
                 "view_section", "add_articleauthor", "change_articleauthor", "delete_articleauthor",
                 "view_articleauthor"],
    "references": ["add_reference", "change_reference", "view_reference", "add_contributor",
                   "change_contributor", "delete_contributor", "view_contributor"],
    "practitioners": ["view_practitioner"],
    "topics": ["view_topic"],
}  # fmt: skip
EDITOR_EXTRA = {
    "articles": ["publish_article", "delete_article"],
    "references": ["delete_reference"],
    "practitioners": ["add_practitioner", "change_practitioner"],
    "topics": ["add_topic", "change_topic"],
}


def permissions(apps, spec):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in spec.items():
        found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in found}
        if missing:
            raise RuntimeError(f"Permissions not found: {sorted(missing)}")
        yield from found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    """The two groups and their permissions (which must exist). Also used by tests that empty the database."""
    Group = apps.get_model("auth", "Group")
    author, _ = Group.objects.get_or_create(name="Author")
    author.permissions.set(list(permissions(apps, AUTHOR)))
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(list(permissions(apps, AUTHOR)) + list(permissions(apps, EDITOR_EXTRA)))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Author", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_authors_review_topics_images_search"),
        ("references", "0001_initial"),
        ("practitioners", "0001_initial"),
        ("topics", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
