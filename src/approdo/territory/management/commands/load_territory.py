from django.core.management.base import BaseCommand

from approdo.territory.loading import load_territory


class Command(BaseCommand):
    help = (
        "Load the built-in Tuscan reference data: region, ASL, provinces, zone distretto, "
        "Società della Salute, comuni, memberships and population. Safe to run again."
    )

    def handle(self, *args, **options):
        counts = load_territory()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS("Territory loaded."))
