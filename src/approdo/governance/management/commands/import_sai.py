"""`approdo import-sai FILE [--dry-run]`: SAI projects from CSV or XLSX (DESIGN 4.4)."""

from approdo.governance.importing import SaiImport
from approdo.reports.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import SAI projects from a CSV or XLSX file (a code already stored updates its "
        "project). A file with any bad row imports nothing and every bad row is listed."
    )
    noun = "SAI project(s)"

    def importer(self, options) -> SaiImport:
        return SaiImport()
