"""The articles that share a topic or a cited work with another, read from indexes alone.

Every public article page ranks its related articles by the topics and works they share (articles.related).
With only single-column indexes PostgreSQL read the whole citation and topic link tables for each page
(about 1.4 ms of a 2 ms query on a 500-article site, growing with the site). An index on (work, article)
and one on (topic, article) answer "which articles share these" without touching the tables. The
citation's index replaces the single-column one of its foreign key, which it begins with. The topics' link
table is Django's own (ManyToManyField), which a model cannot give an index: hence the SQL, the same on
PostgreSQL and SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_stored_search_vector"),
        ("references", "0006_key_help_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="citation",
            name="reference",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="citations",
                to="references.reference",
            ),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(fields=["reference", "article"], name="citation_articles_by_work"),
        ),
        migrations.RunSQL(
            "CREATE INDEX article_topics_articles_by_topic ON articles_article_topics (topic_id, article_id)",
            "DROP INDEX article_topics_articles_by_topic",
        ),
    ]
