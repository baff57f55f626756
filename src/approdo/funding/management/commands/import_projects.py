"""`approdo import-projects FILE --call SLUG`: projects of a call from CSV or XLSX (DESIGN 4.3)."""

from approdo.funding.importing import ProjectImport, ProjectImportResult
from approdo.reports.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the projects of a call from a CSV or XLSX file, creating the call when missing. "
        "A file with any bad row imports nothing and every bad row is listed."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--call", required=True, help="Slug of the call.")
        parser.add_argument("--call-title", default="", help="Title of the call, if created.")

    def importer(self, options) -> ProjectImport:
        return ProjectImport(call_slug=options["call"], call_title=options["call_title"])

    def counted(self, result: ProjectImportResult, options) -> str:
        created = " (call created)" if result.call_created else ""
        return f"project(s) into {options['call']}{created}"
