from django.core.management.base import BaseCommand, CommandError

from approdo.territory.boundaries import BoundariesError, load_boundaries


class Command(BaseCommand):
    help = (
        "Load comuni boundaries from a GeoJSON FeatureCollection (path or http(s) URL) whose "
        "features have an istat_code property; zone, ASL, provinces and region are dissolved "
        "from them. Nothing is written if any feature is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="path or http(s) URL of the comuni GeoJSON")

    def handle(self, *args, source, **options):
        try:
            result = load_boundaries(source)
        except BoundariesError as error:
            lines = [f"No boundaries loaded: {len(error.problems)} problem(s)."]
            lines += [f"  {problem}" for problem in error.problems]
            raise CommandError("\n".join(lines)) from error
        for name, count in result.counts().items():
            self.stdout.write(f"{name}: {count}")
        if result.comuni_without_boundary:
            missing = ", ".join(result.comuni_without_boundary)
            self.stdout.write(self.style.WARNING(f"comuni without a boundary: {missing}"))
        self.stdout.write(self.style.SUCCESS("Boundaries loaded."))
