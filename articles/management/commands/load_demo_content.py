from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from glossary.demo import load_demo_glossary
from practitioners.models import Practitioner

DEMO_REFERENCES = settings.BASE_DIR / "references" / "demo" / "references.json"
DEMO_ARTICLES = settings.BASE_DIR / "articles" / "demo"
FEATURED_DEMO_ARTICLE = "walking-foot-pain-and-why-real-change-takes-time"


class Command(BaseCommand):
    help = "Import the demo references, glossary and articles (the gait article and its neighbours). Safe to run again."

    def handle(self, *args, **options):
        # The demo articles' byline. No person is invented: the clinic's team as a whole.
        Practitioner.objects.get_or_create(
            slug="the-body-lab-team",
            defaults={
                "name": "The Body Lab team",
                "role": "Clinical team",
                "bio": "The Body Lab's practitioners write and review these articles together.",
            },
        )
        call_command("load_demo_clinic", stdout=self.stdout)
        call_command("import_references", str(DEMO_REFERENCES), stdout=self.stdout)
        added = load_demo_glossary()  # before the articles, so that they explain its words when imported
        self.stdout.write(f"Demo glossary: {added} entries added (demo entries, for the clinic to review).")
        for path in sorted(Path(DEMO_ARTICLES).glob("*.md")):
            try:
                call_command("import_article", str(path), stdout=self.stdout)
            except CommandError as error:
                # A practitioner's edits to a demo article are kept, never overwritten.
                self.stdout.write(self.style.WARNING(f"Kept as it is: {error}"))
        if not Article.objects.filter(featured=True).exists():  # the home page's "Start here", until an Editor picks
            Article.objects.filter(slug=FEATURED_DEMO_ARTICLE).update(featured=True)
