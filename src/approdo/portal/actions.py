"""Writes of the portal: readers' feedback reports."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from approdo.portal.models import FeedbackReport

# The same limit as the other public forms' (practices: update reports).
FEEDBACK_LIMIT_PER_IP = 5  # reports per hour from one address


class TooManyReports(Exception):
    def __init__(self) -> None:
        self.message = gettext("Too many messages: please try again later.")
        super().__init__(self.message)


@transaction.atomic
def submit_feedback(report: FeedbackReport, *, ip_hash: str) -> FeedbackReport:
    """Store a reader's report (anyone may send one). Raises TooManyReports when the address
    (`ip_hash`, from core.client) sent FEEDBACK_LIMIT_PER_IP reports in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = FeedbackReport.objects.filter(ip_hash=ip_hash, created_at__gte=since).count()
    if recent >= FEEDBACK_LIMIT_PER_IP:
        raise TooManyReports
    report.ip_hash = ip_hash
    report.save()
    return report
