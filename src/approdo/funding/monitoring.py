"""Monitoring of funded projects: planned against achieved indicator values, and the CSV round
trip that updates indicator values in bulk.

An indicator value is the figure of one period alone (not a running total); totals add the
periods up.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext

from approdo.core.history import record_history
from approdo.funding.actions import parse_amount
from approdo.funding.models import Call, Indicator, IndicatorValue, MonitoringReport, Project
from approdo.reports import tables
from approdo.reports.datasets import Sheet
from approdo.reports.importing import RowError
from approdo.reports.writers import csv_lines

CSV_COLUMNS = ["project_code", "indicator_code", "period", "planned", "achieved"]
CONTEXT_COLUMNS = ["project_title", "indicator_name", "unit"]  # ignored on upload


@dataclass
class Progress:
    indicator: Indicator
    planned: Decimal | None
    achieved: Decimal | None
    projects: int = 0

    @property
    def percent(self) -> Decimal | None:
        """Achieved as a share of planned, one decimal."""
        if not self.planned or self.achieved is None:
            return None
        return (self.achieved * 100 / self.planned).quantize(Decimal("0.1"))

    @property
    def target_percent(self) -> Decimal | None:
        target = self.indicator.target
        if not target or self.achieved is None:
            return None
        return (self.achieved * 100 / target).quantize(Decimal("0.1"))


def call_progress(call: Call) -> list[Progress]:
    """Planned and achieved per indicator over the call's funded projects (one query)."""
    funded = Q(values__project__status=Project.Status.FUNDED)
    indicators = call.indicators.annotate(
        planned_sum=Sum("values__planned", filter=funded),
        achieved_sum=Sum("values__achieved", filter=funded),
        project_count=Count("values__project", filter=funded, distinct=True),
    )
    return [Progress(i, i.planned_sum, i.achieved_sum, i.project_count) for i in indicators]


def project_progress(project: Project) -> list[dict]:
    """Per indicator: its values by period and the totals, for one project."""
    values = project.indicator_values.select_related("indicator").order_by(
        "indicator__code", "period"
    )
    table: dict[int, dict] = {}
    for value in values:
        row = table.setdefault(
            value.indicator_id, {"indicator": value.indicator, "periods": [], "total": None}
        )
        row["periods"].append(value)
    for row in table.values():
        planned = [v.planned for v in row["periods"] if v.planned is not None]
        achieved = [v.achieved for v in row["periods"] if v.achieved is not None]
        row["total"] = Progress(
            row["indicator"], sum(planned) if planned else None, sum(achieved) if achieved else None
        )
    return list(table.values())


def report_rows(call: Call) -> list[MonitoringReport]:
    return list(
        MonitoringReport.objects.filter(deadline__call=call)
        .select_related("project__lead", "deadline")
        .order_by("deadline__due_date", "project__code")
    )


# CSV round trip --------------------------------------------------------------------------


def indicator_values_sheet(call: Call) -> Sheet:
    """Every (funded project, indicator, period) of the call: the existing values, plus an
    empty row for each reporting period still without a value, ready to fill in."""
    projects = list(call.projects.funded().order_by("code").values_list("pk", "code", "title"))
    indicators = list(call.indicators.order_by("code"))
    periods = sorted(
        set(IndicatorValue.objects.filter(indicator__call=call).values_list("period", flat=True))
        | set(call.reporting_deadlines.values_list("due_date", flat=True))
    )
    stored = {
        (v.project_id, v.indicator_id, v.period): v
        for v in IndicatorValue.objects.filter(indicator__call=call)
    }
    rows = []
    for project_id, code, title in projects:
        for indicator in indicators:
            for period in periods:
                value = stored.get((project_id, indicator.pk, period))
                rows.append(
                    [
                        code,
                        indicator.code,
                        period.isoformat(),
                        value.planned if value else None,
                        value.achieved if value else None,
                        title,
                        indicator.name,
                        indicator.unit,
                    ]
                )
    return Sheet(
        title=gettext("Indicator values"),
        headers=CSV_COLUMNS + CONTEXT_COLUMNS,
        rows=rows,
        expected=len(rows),
    )


def indicator_values_csv(call: Call) -> str:
    return "".join(csv_lines(indicator_values_sheet(call)))


def _unguarded(text: str) -> str:
    """Undo the export's formula guard (a leading apostrophe)."""
    text = (text or "").strip()
    return text[1:] if text.startswith("'") else text


@dataclass
class UploadResult:
    changed: int = 0
    errors: list[RowError] | None = None


def read_indicator_csv(data: bytes) -> list[tuple[int, dict]]:
    """The rows of an indicator values CSV (the shared import reader: standard dialect, comma
    or semicolon), the export's formula guard undone. ImportFileError (a ValueError) when
    the file cannot be read or lacks a column."""
    rows = tables.read_rows(data, "indicator-values.csv", CSV_COLUMNS)
    return [(line, {k: _unguarded(v) for k, v in row.items()}) for line, row in rows]


@transaction.atomic
def upload_indicator_values(call: Call, rows: list[tuple[int, dict]], *, by) -> UploadResult:
    """Create or update the values of every row, or of none: any bad row (unknown project or
    indicator, bad period or number, the same value twice) stops the whole upload and every
    bad row is reported. Empty planned and achieved cells leave a value out (or empty it)."""
    projects = dict(call.projects.funded().values_list("code", "pk"))
    indicators = dict(call.indicators.values_list("code", "pk"))
    errors, values, seen = [], [], {}
    for line, row in rows:
        reasons = []
        project_id = projects.get(row.get("project_code", ""))
        if project_id is None:
            reasons.append(
                gettext("unknown funded project “%(value)s”") % {"value": row.get("project_code")}
            )
        indicator_id = indicators.get(row.get("indicator_code", ""))
        if indicator_id is None:
            reasons.append(
                gettext("unknown indicator “%(value)s”") % {"value": row.get("indicator_code")}
            )
        try:
            period = datetime.date.fromisoformat(row.get("period", ""))
        except ValueError:
            period = None
            reasons.append(
                gettext("bad period “%(value)s” (write YYYY-MM-DD)") % {"value": row.get("period")}
            )
        numbers = {}
        for column in ("planned", "achieved"):
            text = row.get(column, "")
            numbers[column] = parse_amount(text) if text else None
            if text and numbers[column] is None:
                reasons.append(
                    gettext("bad number “%(value)s” in %(column)s")
                    % {"value": text, "column": column}
                )
        key = (project_id, indicator_id, period)
        if not reasons and key in seen:
            reasons.append(gettext("same value as line %(line)s") % {"line": seen[key]})
        seen.setdefault(key, line)
        if reasons:
            errors.append(RowError(line, {"": reasons}))
            continue
        values.append(
            IndicatorValue(
                project_id=project_id, indicator_id=indicator_id, period=period, **numbers
            )
        )
    if errors:
        return UploadResult(errors=errors)
    changed = _apply(call, values)
    record_history(
        call,
        by=by,
        action="indicator_values_uploaded",
        note=gettext("%(count)s values changed") % {"count": changed},
    )
    return UploadResult(changed=changed, errors=[])


def _apply(call: Call, values: list[IndicatorValue]) -> int:
    """Write the values that differ from the stored ones; returns how many."""
    stored = {
        (v.project_id, v.indicator_id, v.period): (v.planned, v.achieved)
        for v in IndicatorValue.objects.filter(indicator__call=call)
    }
    changed = [
        v
        for v in values
        if stored.get((v.project_id, v.indicator_id, v.period)) != (v.planned, v.achieved)
        and not (
            (v.project_id, v.indicator_id, v.period) not in stored
            and v.planned is None
            and v.achieved is None
        )
    ]
    IndicatorValue.objects.bulk_create(
        changed,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["project", "indicator", "period"],
        update_fields=["planned", "achieved"],
    )
    return len(changed)
