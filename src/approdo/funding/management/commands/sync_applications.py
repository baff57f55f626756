"""`approdo sync-applications`: applications and report submissions for questionnaires sent
before submitting one created them (run once after upgrading; safe to run again)."""

from django.core.management.base import BaseCommand, CommandError

from approdo.funding import actions
from approdo.funding.models import Call


class Command(BaseCommand):
    help = (
        "Create the application of every submitted response of a call's questionnaire that has "
        "none, and mark as sent the monitoring reports whose questionnaire was sent. "
        "Submissions do both themselves; this command catches up responses sent before they "
        "did. Safe to run again and while people submit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", help="Slug of one call (default: every call).")

    def handle(self, *args, call=None, **options):
        calls = Call.objects.order_by("slug")
        if call:
            calls = calls.filter(slug=call)
            if not calls.exists():
                raise CommandError(f"{call}: no such call.")
        applications = reports = 0
        for item in calls:
            applications += len(actions.sync_applications(item))
            reports += actions.sync_report_submissions(item)
        self.stdout.write(
            f"{applications} application(s) created; {reports} report(s) marked as sent."
        )
