"""Enqueue the nightly refresh of the catalogue's index."""

from django.core.management.base import BaseCommand

from approdo.practices.tasks import refresh_running_practices


class Command(BaseCommand):
    help = (
        "Enqueue the reindexing of the published practices still running, so that the year "
        "facet counts the new year. Run it nightly from a timer (systemd timer or cron): "
        "`approdo refresh-catalogue`; `approdo worker` runs it. --now runs it here instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Reindex now, without the worker.")

    def handle(self, *args, **options):
        if options["now"]:
            count = refresh_running_practices.call()
            self.stdout.write(f"{count} running practice(s) reindexed.")
        else:
            refresh_running_practices.enqueue()
            self.stdout.write("Refresh of the running practices queued for the worker.")
