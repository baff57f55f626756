"""`approdo import-cas FILE [--dry-run]`: aggregate CAS figures by comune or province and date."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approdo.governance import importing
from approdo.reports.tables import read_path


class Command(BaseCommand):
    help = (
        "Import CAS figures (places and/or presences on a date, for a comune or a province) "
        "from CSV or XLSX. A file with any bad row imports nothing and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            rows = importing.read_rows(read_path(path), path.name, importing.CAS_REQUIRED)
        except (importing.ImportFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        result = importing.import_cas(rows, dry_run=options["dry_run"])
        if result.errors:
            lines = "\n".join(str(error) for error in result.errors)
            raise CommandError(f"{len(result.errors)} bad row(s), nothing imported:\n{lines}")
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written: {len(result.created)} row(s) are valid.")
        else:
            self.stdout.write(
                f"Imported {len(result.created)} new and {len(result.updated)} updated "
                "CAS figure(s)."
            )
