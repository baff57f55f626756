from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (the django-tasks database worker). Options go to db_worker."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", help="Options passed to db_worker, after --.")

    def handle(self, *args, **options):
        call_command("db_worker", *args)
