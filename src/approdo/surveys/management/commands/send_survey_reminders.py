"""Enqueue the deadline reminders that are due."""

from django.core.management.base import BaseCommand

from approdo.surveys.actions import campaigns_with_reminders_due
from approdo.surveys.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Enqueue a reminder task for every published campaign with a reminder due (the "
        "campaign's 'reminder days' before its deadline). Safe to run as often as you like: "
        "each organisation gets each reminder once. Run it from a timer, e.g. a systemd timer "
        "or cron entry every 15 minutes: `approdo send-survey-reminders`; `approdo worker` "
        "sends the e-mails."
    )

    def handle(self, *args, **options):
        campaigns = campaigns_with_reminders_due()
        for campaign in campaigns:
            send_reminders.enqueue(campaign.pk)
        self.stdout.write(f"{len(campaigns)} campaign(s) with reminders due.")
