from django.core.management import call_command
from django.core.management.base import BaseCommand

from approdo.reports.actions import recover_stale_exports


class Command(BaseCommand):
    help = (
        "Run background tasks (the django-tasks database worker). Options go to db_worker. "
        "Exports left running by a worker that died are queued again first."
    )

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", help="Options passed to db_worker, after --.")

    def handle(self, *args, **options):
        if recovered := recover_stale_exports():
            self.stdout.write(f"Stale exports queued again or failed: {recovered}")
        call_command("db_worker", *args)
