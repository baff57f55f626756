"""`approdo import-practices FILE [--dry-run]`: practices from CSV or XLSX (DESIGN 4.5)."""

from approdo.practices.importing import PracticeImport
from approdo.reports.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import good practices from a CSV or XLSX file (columns: docs/practices-import.md). "
        "A file with any bad row imports nothing and every bad row is listed."
    )
    noun = "practice(s)"

    def importer(self, options) -> PracticeImport:
        return PracticeImport()
