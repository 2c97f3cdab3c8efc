from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEMO_REFERENCES = settings.BASE_DIR / "references" / "demo" / "references.json"
DEMO_ARTICLES = settings.BASE_DIR / "articles" / "demo"


class Command(BaseCommand):
    help = "Import the demo references and articles (the gait article and its neighbours). Safe to run again."

    def handle(self, *args, **options):
        call_command("import_references", str(DEMO_REFERENCES), stdout=self.stdout)
        for path in sorted(Path(DEMO_ARTICLES).glob("*.md")):
            try:
                call_command("import_article", str(path), stdout=self.stdout)
            except CommandError as error:
                # A practitioner's edits to a demo article are kept, never overwritten.
                self.stdout.write(self.style.WARNING(f"Kept as it is: {error}"))
