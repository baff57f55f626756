"""The ranking (graduatoria) of a call's applications by their weighted review totals.

A reviewer's total is the sum over criteria of score x weight; an application's total is the
mean of the totals its reviewers sent. Only sent scores count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from approdo.funding.models import Call, Project, Score
from approdo.reports.datasets import Sheet

CENT = Decimal("0.01")


@dataclass
class RankRow:
    position: int | None
    project: Project
    total: Decimal | None
    reviews: int
    criterion_means: list = field(default_factory=list)  # aligned with the call's criteria


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def ranking(call: Call) -> tuple[list, list[RankRow], Decimal]:
    """(criteria, rows best first, maximum total). Applications without sent scores come
    last, without a position; equal totals share a position."""
    criteria = list(call.criteria.all())
    weights = {c.pk: c.weight for c in criteria}
    maximum = sum((c.max_score * c.weight for c in criteria), Decimal(0)).quantize(CENT)
    rows = Score.objects.filter(
        assignment__project__call=call, assignment__submitted_at__isnull=False
    ).values_list("assignment__project_id", "assignment_id", "criterion_id", "score")
    per_review: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    per_criterion: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for project_id, assignment_id, criterion_id, score in rows:
        per_review[project_id][assignment_id] += score * weights[criterion_id]
        per_criterion[project_id][criterion_id].append(score)
    projects = call.projects.exclude(
        status__in=[Project.Status.WITHDRAWN, Project.Status.INADMISSIBLE]
    ).select_related("lead")
    result = []
    for project in projects:
        totals = list(per_review.get(project.pk, {}).values())
        result.append(
            RankRow(
                position=None,
                project=project,
                total=_mean(totals) if totals else None,
                reviews=len(totals),
                criterion_means=[
                    _mean(per_criterion[project.pk][c.pk])
                    if per_criterion[project.pk][c.pk]
                    else None
                    for c in criteria
                ],
            )
        )
    result.sort(key=lambda r: (r.total is None, -(r.total or 0), r.project.code))
    previous = None
    for index, row in enumerate(result, start=1):
        if row.total is None:
            break
        row.position = previous.position if previous and previous.total == row.total else index
        previous = row
    return criteria, result, maximum


def ranking_sheet(call: Call) -> Sheet:
    criteria, rows, _maximum = ranking(call)
    headers = [
        gettext("Position"),
        gettext("Code"),
        gettext("Title"),
        gettext("Lead organisation"),
        gettext("Status"),
        *[c.title for c in criteria],
        gettext("Weighted total"),
        gettext("Reviews"),
    ]
    data = [
        [
            row.position,
            row.project.code,
            row.project.title,
            row.project.lead.name,
            row.project.get_status_display(),
            *row.criterion_means,
            row.total,
            row.reviews,
        ]
        for row in rows
    ]
    return Sheet(title=gettext("Ranking"), headers=headers, rows=data, expected=len(data))


def ranking_pdf(call: Call) -> bytes | None:
    """The ranking as a PDF, or None where WeasyPrint cannot run."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    criteria, rows, maximum = ranking(call)
    html = render_to_string(
        "funding/workflow/ranking_print.html",
        {
            "call": call,
            "criteria": criteria,
            "rows": rows,
            "maximum": maximum,
            "generated_at": timezone.now(),
            "site_name": settings.APPRODO_SITE_NAME,
        },
    )
    return HTML(string=html, base_url=settings.APPRODO_SITE_URL).write_pdf()
