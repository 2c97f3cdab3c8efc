from django.core.management.base import BaseCommand

from articles.models import Article
from references.citations import Library


class Command(BaseCommand):
    help = (
        "Render every article's Markdown, citations and images again (e.g. after restoring MEDIA_ROOT "
        "or changing the renderer). Reports citations that no longer resolve."
    )

    def handle(self, *args, **options):
        library = Library.load()
        articles = Article.objects.prefetch_related("key_points", "sections")
        for article in articles:
            for problem in article.render_content(library):
                self.stdout.write(self.style.WARNING(f"{article.slug}: {problem}"))
        self.stdout.write(self.style.SUCCESS(f"Rendered {len(articles)} articles."))
