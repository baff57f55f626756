"""Background work of funding: reminders of monitoring reports. Tasks take ids."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from approdo.funding.models import MonitoringReport, ReportReminderSent
from approdo.surveys.tasks import recipients_of, site_link

REMINDER_DAYS = (14, 3, -7)  # before the due date; negative: after it, for late reports
LATE_WINDOW_DAYS = 60  # reports older than this get no more reminders


def reminders_due(today: datetime.date | None = None) -> list[tuple[MonitoringReport, int]]:
    """(report, days) for every unsent report whose reminder of `days` is due and not sent:
    the reminder with the fewest days before the due date whose time has come."""
    today = today or timezone.localdate()
    reports = (
        MonitoringReport.objects.filter(
            submitted_at__isnull=True,
            deadline__due_date__gte=today - datetime.timedelta(days=LATE_WINDOW_DAYS),
            deadline__due_date__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
        )
        .select_related("deadline", "project__call", "project__lead")
        .order_by("pk")
    )
    sent = set(
        ReportReminderSent.objects.filter(report__in=reports).values_list(
            "report_id", "days_before"
        )
    )
    due = []
    for report in reports:
        left = (report.deadline.due_date - today).days
        days = min((d for d in REMINDER_DAYS if left <= d), default=None)
        if days is not None and (report.pk, days) not in sent:
            due.append((report, days))
    return due


def send_report_reminders(today: datetime.date | None = None) -> int:
    """E-mail the due reminders to the lead organisations' members; idempotent: a
    ReportReminderSent row per (report, days) is written with the e-mail."""
    count = 0
    for report, days in reminders_due(today):
        with transaction.atomic():
            _, created = ReportReminderSent.objects.get_or_create(report=report, days_before=days)
            if created:
                _send_reminder(report, days)
                count += 1
    return count


def _send_reminder(report: MonitoringReport, days: int) -> None:
    lead_id = report.project.lead_id
    to = recipients_of([lead_id]).get(lead_id, [])
    if not to:
        return
    context = {
        "report": report,
        "project": report.project,
        "deadline": report.deadline,
        "late": days < 0,
        "link": site_link(
            "funding:project-detail",
            "/",
            slug=report.project.call.slug,
            pk=report.project.pk,
        ),
        "site_name": settings.APPRODO_SITE_NAME,
    }
    subject = render_to_string("funding/workflow/email/report_reminder_subject.txt", context)
    message = render_to_string("funding/workflow/email/report_reminder_message.txt", context)
    send_mail(" ".join(subject.split()), message, settings.DEFAULT_FROM_EMAIL, to)


@task()
def send_report_reminders_task() -> int:
    """Send the monitoring report reminders that are due (idempotent)."""
    return send_report_reminders()


@task()
def sync_call(call_id: int) -> None:
    """Create the applications of newly submitted questionnaires and copy report submissions."""
    from approdo.funding import actions
    from approdo.funding.models import Call

    call = Call.objects.get(pk=call_id)
    actions.sync_applications(call)
    actions.sync_report_submissions(call)
