"""`approdo import-cas FILE [--dry-run]`: aggregate CAS figures by comune or province and date."""

from approdo.governance.importing import CasImport
from approdo.reports.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import CAS figures (places and/or presences on a date, for a comune or a province) "
        "from CSV or XLSX. A file with any bad row imports nothing and every bad row is listed."
    )
    noun = "CAS figure(s)"

    def importer(self, options) -> CasImport:
        return CasImport()
