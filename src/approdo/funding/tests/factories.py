"""Small builders for funding tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from approdo.funding.models import Call, EvaluationCriterion, Project


def make_call(slug: str = "test-call", **fields) -> Call:
    defaults = {
        "title": "Bando di prova",
        "opens_at": timezone.now() - datetime.timedelta(days=10),
        "closes_at": timezone.now() + datetime.timedelta(days=20),
    }
    call, _ = Call.objects.get_or_create(slug=slug, defaults={**defaults, **fields})
    return call


def add_criteria(call: Call) -> list[EvaluationCriterion]:
    """Two criteria: quality (max 10, weight 2) and partnership (max 5, weight 1)."""
    return [
        EvaluationCriterion.objects.create(
            call=call, title="Qualità", max_score=10, weight=Decimal(2), position=0
        ),
        EvaluationCriterion.objects.create(
            call=call, title="Partenariato", max_score=5, weight=Decimal(1), position=1
        ),
    ]


def make_project(call: Call, lead, code: str = "P-1", **fields) -> Project:
    return Project.objects.create(
        call=call, lead=lead, code=code, title=fields.pop("title", f"Progetto {code}"), **fields
    )
