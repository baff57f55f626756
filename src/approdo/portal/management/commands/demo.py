from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from approdo.core import registry


class Command(BaseCommand):
    help = (
        "Load every app's demo data (the territory first; each app declares its loader in its "
        "AppConfig), then the boundaries when available (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--boundaries",
            default=settings.APPRODO_BOUNDARIES,
            help="Comuni GeoJSON with an istat_code property (path or URL).",
        )

    def handle(self, *args, boundaries, **options):
        for load in registry.demo_loaders():
            if summary := load():
                self.stdout.write(summary)
        if boundaries:
            call_command("load_boundaries", boundaries, stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write("Boundaries: none given (maps are hidden; tables remain).")
