from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from references.errors import ImportProblem
from references.importing import FORMATS, format_for_filename, import_records, parse

SUPPORTED = ", ".join(f".{extension} ({label})" for extension, (label, _) in FORMATS.items())


class Command(BaseCommand):
    help = (
        f"Import references from a file into the library: {SUPPORTED}, chosen by the file's extension. "
        "Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        fmt = format_for_filename(file.name)
        if fmt is None:
            raise CommandError(
                f"{file}: cannot tell the format from '{file.suffix or 'no extension'}'; use {SUPPORTED}."
            )
        try:
            text = file.read_text(encoding="utf-8-sig")  # -sig: EndNote and Windows tools start with a BOM
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            counts = import_records(parse(text, fmt, source=str(file)))
        except ImportProblem as problem:
            raise CommandError(problem.refusal) from problem
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
