"""Builders for the editorial tests: practices made through the real actions."""

import datetime

from django.utils import timezone

from approdo.practices import actions
from approdo.practices.models import Practice

FULL_SCORES = {
    "relevance": 3,
    "results": 2,
    "involvement": 2,
    "transferability": 1,
    "sustainability": 2,
}


def make_draft(lead, *, title: str = "Sportello orientamento", by=None, **data) -> Practice:
    data.setdefault("summary", "Uno sportello che orienta ai servizi.")
    data.setdefault("contact_email", "referente@progetto.example")
    data.setdefault("confirmed_at", timezone.localdate())
    relations = {name: data.pop(name) for name in list(data) if name in actions.M2M_FIELDS}
    return actions.create_practice(
        by=by, data={"title": title, "lead_organization": lead, **data}, relations=relations
    )


def make_published(lead, *, by=None, **data) -> Practice:
    practice = make_draft(lead, by=by, **data)
    actions.assess_practice(practice, by=by, values=FULL_SCORES)
    return actions.publish_practice(practice, by=by)


def years_ago(years: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=365 * years + 1)
