"""Enqueue the monitoring report reminders and the sync of applications from questionnaires."""

from django.core.management.base import BaseCommand

from approdo.funding.models import Call
from approdo.funding.tasks import send_report_reminders_task, sync_call


class Command(BaseCommand):
    help = (
        "Enqueue the reminders of monitoring reports (14 and 3 days before the due date, "
        "7 days after it when still missing) and the creation of applications from newly "
        "submitted call questionnaires. Safe to run as often as you like: each reminder is "
        "sent once. Run it from a timer, e.g. every 15 minutes; `approdo worker` does the work."
    )

    def handle(self, *args, **options):
        calls = list(Call.objects.exclude(campaign=None).values_list("pk", flat=True))
        for call_id in calls:
            sync_call.enqueue(call_id)
        send_report_reminders_task.enqueue()
        self.stdout.write(f"Reminders enqueued; {len(calls)} call(s) to sync.")
