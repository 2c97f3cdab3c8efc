from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import importing
from references.errors import ImportProblem


class Command(BaseCommand):
    help = (
        "Import an article from a Markdown file with YAML front matter. Running it twice changes nothing; "
        "an article edited in the admin since its last import is only overwritten with --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite changes made in the admin.")

    def handle(self, *args, file, force, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            outcome = importing.import_article(importing.parse(text, source=str(file)), force=force)
        except ImportProblem as problem:
            raise CommandError(f"{problem}. Nothing was saved.") from problem
        self.stdout.write(self.style.SUCCESS(f"{file}: {outcome}."))
