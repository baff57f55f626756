"""Send the reminders of tomorrow's events and expire unconfirmed registrations."""

from django.core.management.base import BaseCommand

from approdo.participation.tasks import expire_registrations, send_reminders


class Command(BaseCommand):
    help = (
        "Enqueue the reminder of the events starting in the next 24 hours to their confirmed "
        "participants, and the cancellation of registrations whose address was not confirmed "
        "in APPRODO_REGISTRATION_CONFIRM_HOURS (their places go to the waiting list). Safe to "
        "run as often as you like: each person gets one reminder. Run it every 15 minutes; "
        "`approdo worker` sends the e-mails."
    )

    def handle(self, *args, **options):
        expire_registrations.enqueue()
        send_reminders.enqueue()
        self.stdout.write("Event reminders and registration expiry enqueued.")
