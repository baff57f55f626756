"""`approdo import-projects FILE --call SLUG`: projects of a call from CSV or XLSX (DESIGN 4.3)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approdo.funding import importing
from approdo.reports.tables import read_path


class Command(BaseCommand):
    help = (
        "Import the projects of a call from a CSV or XLSX file, creating the call when missing. "
        "A file with any bad row imports nothing and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--call", required=True, help="Slug of the call.")
        parser.add_argument("--call-title", default="", help="Title of the call, if created.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            rows = importing.read_rows(read_path(path), path.name)
        except (importing.ImportFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        result = importing.import_projects(
            rows,
            call_slug=options["call"],
            call_title=options["call_title"],
            dry_run=options["dry_run"],
        )
        if result.errors:
            lines = "\n".join(str(error) for error in result.errors)
            raise CommandError(f"{len(result.errors)} bad row(s), nothing imported:\n{lines}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        prefix = "Dry run, nothing written: would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{prefix} {len(result.created)} new and {len(result.updated)} updated project(s) "
            f"into {options['call']}"
            + (" (call created)" if result.call_created else "")
            + f"; {len(result.organizations_created)} organisation(s) created."
        )
