from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from references import csl
from references.errors import ImportProblem
from references.importing import import_records


class Command(BaseCommand):
    help = "Import references from a CSL-JSON file into the library. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            counts = import_records(csl.parse(text, source=str(file)))
        except ImportProblem as problem:
            raise CommandError(f"{problem}. Nothing was imported.") from problem
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
