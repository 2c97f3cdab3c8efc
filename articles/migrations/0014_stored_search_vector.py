"""The weighted search vector of search/queries.py, stored: a generated column with a GIN index, on PostgreSQL only.

0004 indexed the expression, but ranking recomputed it from the text of every matching article on each
search (7 s for a common word on a 500-article site). PostgreSQL now keeps the vector in a column it
computes on every write, however the row is written, and search/queries.py reads it. The column is
not a model field: Django never reads or writes it, so no other query carries it. On SQLite
(development) this migration does nothing.
"""

from django.db import migrations

# Title weighs most, then subtitle and summary, then the text of the article.
ADD_COLUMN = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(subtitle, '') || ' ' || coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(search_document, '')), 'C')
) STORED
"""
INDEX_NAME = "article_search_vector_gin"


def store_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
        schema_editor.execute(ADD_COLUMN)
        schema_editor.execute(f"CREATE INDEX {INDEX_NAME} ON articles_article USING gin (search_vector)")


def index_expression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_article DROP COLUMN search_vector")  # drops its index
        from importlib import import_module

        import_module("articles.migrations.0004_search_index").add_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_article_featured_keypoint_section"),
    ]

    operations = [
        migrations.RunPython(store_vector, index_expression),
    ]
