"""A GIN index on the weighted search vector of search/queries.py, on PostgreSQL only.

The expression was a frozen copy of the query's; 0014 replaced this index by a stored column and
its index. On SQLite (development) this migration does nothing.
"""

from django.db import migrations

INDEX_NAME = "article_search_vector_gin"


def search_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("subtitle", "summary", weight="B", config="english")
        + SearchVector("search_document", weight="C", config="english")
    )
    return GinIndex(vector, name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_author_and_editor_roles"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index),
    ]
