"""`approdo import-practices FILE [--dry-run]`: practices from CSV or XLSX (DESIGN 4.5)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approdo.practices import importing
from approdo.reports.tables import read_path


class Command(BaseCommand):
    help = (
        "Import good practices from a CSV or XLSX file (columns: docs/practices-import.md). "
        "A file with any bad row imports nothing and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            rows = importing.read_rows(read_path(path), path.name)
        except importing.ImportFileError as error:
            raise CommandError(f"{path}: {error}") from None
        result = importing.import_practices(rows, dry_run=options["dry_run"])
        if result.errors:
            lines = "\n".join(str(error) for error in result.errors)
            raise CommandError(f"{len(result.errors)} bad row(s), nothing imported:\n{lines}")
        prefix = "Dry run, nothing written: would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{prefix} {len(result.created)} new and {len(result.updated)} updated practice(s), "
            f"{len(result.unchanged)} unchanged; "
            f"{len(result.organizations_created)} organisation(s) created."
        )
