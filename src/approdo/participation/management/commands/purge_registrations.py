"""Anonymise the personal data of old registrations."""

from django.core.management.base import BaseCommand

from approdo.participation.registration import purge, retention_days


class Command(BaseCommand):
    help = (
        "Anonymise the registrations of events that ended more than "
        "APPRODO_REGISTRATION_RETENTION_DAYS days ago: name, e-mail, accessibility needs, "
        "free-text organisation and account link go; the organisation and the counts stay. "
        "Safe to run again. Run it nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = purge(dry_run=dry_run)
        days = retention_days()
        if dry_run:
            self.stdout.write(f"{count} registration(s) would be anonymised (after {days} days).")
        else:
            self.stdout.write(f"{count} registration(s) anonymised (after {days} days).")
