from django.core.cache import cache
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Empty the cache (stored pages, their tags, image sizes): after restoring the database, every page is "
        "rendered again from the restored data. Only the site's cache is lost, never content."
    )

    def handle(self, *args, **options):
        cache.clear()
        self.stdout.write("The cache is empty: pages are rendered again as they are asked for.")
