"""`approdo import-projects`: projects of a call from a CSV or XLSX file (DESIGN 4.3).

All or nothing: every row is checked first; a file with any bad row writes nothing and every
bad row is reported with its line number and reasons. A code already in the call updates that
project, so the same file can be imported again. Organisations are matched by tax code, else
by name and kind, else created.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify
from django.utils.translation import gettext

from approdo.core.history import record_history
from approdo.funding import actions
from approdo.funding.models import Call, Project
from approdo.organizations.models import Organization
from approdo.organizations.validators import validate_tax_code
from approdo.reports import tables
from approdo.reports.documents import format_amount
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Comune, Zona

COLUMNS = [
    "code",
    "title",
    "status",
    "lead_name",
    "lead_kind",
    "lead_tax_code",
    "partners",
    "comuni",
    "zones",
    "actions",
    "targets",
    "requested_amount",
    "granted_amount",
    "start_date",
    "end_date",
    "summary",
]
REQUIRED = ["code", "title", "lead_name", "lead_kind"]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass
class RowError:
    line: int
    reasons: list[str]

    def __str__(self) -> str:
        return gettext("line %(line)s: %(reasons)s") % {
            "line": self.line,
            "reasons": "; ".join(self.reasons),
        }


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    call_created: bool = False
    # Facts about the imported data worth a second look that do not stop the import.
    warnings: list[str] = field(default_factory=list)


ImportFileError = tables.ImportFileError  # what the commands and views catch


def read_rows(data: bytes, filename: str, required: list[str] = REQUIRED):
    """(line number, {column: text}) for each non-empty row of a CSV or XLSX file."""
    return tables.read_rows(data, filename, required)


def _split(text: str) -> list[str]:
    return [item.strip() for item in (text or "").split(";") if item.strip()]


def _date(text: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Lookups:
    """Reference data read once for the whole file."""

    def __init__(self, call: Call | None):
        self.actions = set(Action.objects.values_list("code", flat=True))
        self.targets = set(TargetGroup.objects.values_list("code", flat=True))
        self.comuni = set(Comune.objects.values_list("istat_code", flat=True))
        self.zone: dict[str, int] = {}
        for pk, name, slug, other in Zona.objects.values_list("pk", "name", "slug", "other_names"):
            for key in [name, slug, *other.split(";")]:
                if key.strip():
                    self.zone[key.strip().casefold()] = pk
        self.kinds = set(Organization.Kind.values)
        self.existing = dict(call.projects.values_list("code", "pk")) if call is not None else {}


def _check_row(row: dict, lookups: _Lookups) -> tuple[dict, list[str]]:
    """The row's values, cleaned, and the reasons it is bad (empty when it is good)."""
    reasons = []
    clean: dict = {}
    for name in REQUIRED:
        if not row.get(name):
            reasons.append(gettext("%(column)s is required") % {"column": name})
    clean["code"], clean["title"] = row.get("code", ""), row.get("title", "")[:300]
    clean["summary"] = row.get("summary", "")
    status = row.get("status") or Project.Status.FUNDED
    if status not in Project.Status.values:
        reasons.append(gettext("unknown status “%(value)s”") % {"value": status})
    clean["status"] = status
    if row.get("lead_kind") and row["lead_kind"] not in lookups.kinds:
        reasons.append(
            gettext("unknown organisation kind “%(value)s”") % {"value": row["lead_kind"]}
        )
    tax_code = row.get("lead_tax_code", "").upper()
    if tax_code:
        try:
            validate_tax_code(tax_code)
        except ValidationError:
            reasons.append(gettext("invalid tax code “%(value)s”") % {"value": tax_code})
    clean["lead"] = (row.get("lead_name", ""), row.get("lead_kind", ""), tax_code)
    clean["partners"] = []
    for item in _split(row.get("partners", "")):
        name, _sep, kind = item.rpartition("|")
        if not name.strip() or kind.strip() not in lookups.kinds:
            reasons.append(gettext("bad partner “%(value)s” (write name|kind)") % {"value": item})
        else:
            clean["partners"].append((name.strip(), kind.strip(), ""))
    clean["comuni"] = _split(row.get("comuni", ""))
    for code in clean["comuni"]:
        if code not in lookups.comuni:
            reasons.append(gettext("unknown ISTAT code “%(value)s”") % {"value": code})
    clean["zone"] = []
    for name in _split(row.get("zones", "")):
        if name.casefold() not in lookups.zone:
            reasons.append(gettext("unknown zona “%(value)s”") % {"value": name})
        else:
            clean["zone"].append(lookups.zone[name.casefold()])
    for column, known, label in (
        ("actions", lookups.actions, gettext("unknown action “%(value)s”")),
        ("targets", lookups.targets, gettext("unknown target group “%(value)s”")),
    ):
        clean[column] = _split(row.get(column, ""))
        reasons += [label % {"value": code} for code in clean[column] if code not in known]
    for column in ("requested_amount", "granted_amount"):
        text = row.get(column, "")
        clean[column] = actions.parse_amount(text) if text else None
        if text and clean[column] is None:
            reasons.append(
                gettext("bad amount “%(value)s” in %(column)s") % {"value": text, "column": column}
            )
    for column in ("start_date", "end_date"):
        text = row.get(column, "")
        clean[column] = None
        if text:
            try:
                clean[column] = _date(text)
            except ValueError:
                reasons.append(
                    gettext("bad date “%(value)s” in %(column)s (write YYYY-MM-DD)")
                    % {"value": text, "column": column}
                )
    if clean["start_date"] and clean["end_date"] and clean["end_date"] < clean["start_date"]:
        reasons.append(gettext("the end date comes before the start date"))
    return clean, reasons


def check_rows(rows, call: Call | None) -> tuple[list[tuple[int, dict]], list[RowError]]:
    lookups = _Lookups(call)
    good, errors, lines_of_code = [], [], {}
    for line, row in rows:
        clean, reasons = _check_row(row, lookups)
        code = clean["code"]
        if code and code in lines_of_code:
            reasons.append(
                gettext("duplicate code “%(code)s” (also on line %(line)s)")
                % {"code": code, "line": lines_of_code[code]}
            )
        lines_of_code.setdefault(code, line)
        if reasons:
            errors.append(RowError(line, reasons))
        else:
            good.append((line, clean))
    return good, errors


class _Organizations:
    """Match organisations by tax code, else by name and kind, else create them."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.cache: dict[tuple, Organization] = {}

    def get(self, name: str, kind: str, tax_code: str) -> Organization:
        key = (name.casefold(), kind, tax_code)
        if key in self.cache:
            return self.cache[key]
        organization = None
        if tax_code:
            organization = Organization.objects.filter(tax_code__iexact=tax_code).first()
        if organization is None:
            organization = Organization.objects.filter(name__iexact=name, kind=kind).first()
        if organization is None:
            organization = Organization.objects.create(name=name, kind=kind, tax_code=tax_code)
            self.result.organizations_created.append(name)
        self.cache[key] = organization
        return organization


@transaction.atomic
def import_projects(
    rows: list[tuple[int, dict]],
    *,
    call_slug: str,
    call_title: str = "",
    by=None,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then (only if all are good) create or update the projects."""
    result = ImportResult()
    call = Call.objects.filter(slug=call_slug).first()
    good, result.errors = check_rows(rows, call)
    if result.errors:
        return result
    if call is None:
        call = Call.objects.create(
            slug=slugify(call_slug)[:100] or call_slug, title=call_title or call_slug
        )
        record_history(call, by=by, action="created", note=gettext("Created by a projects import."))
        result.call_created = True
    organizations = _Organizations(result)
    existing = {p.code: p for p in call.projects.all()}
    for _line, clean in good:
        _save_project(call, clean, existing.get(clean["code"]), organizations, result, by)
    actions.schedule_reports(call)
    result.warnings += budget_warnings(call)
    transaction.set_rollback(dry_run)
    return result


def budget_warnings(call: Call) -> list[str]:
    """A warning when the amounts granted to the call's funded projects, the imported ones
    and those already there, add up to more than the call's budget: a data error to check
    (a wrong amount, a project of another call), not a reason to refuse the file."""
    if call.budget is None:
        return []
    granted = call.projects.funded().aggregate(total=Sum("granted_amount"))["total"]
    if granted is None or granted <= call.budget:
        return []
    return [
        gettext(
            "The funded projects of the call were granted %(granted)s in total, more than its "
            "budget of %(budget)s (%(excess)s over): check the granted amounts."
        )
        % {
            "granted": format_amount(granted),
            "budget": format_amount(call.budget),
            "excess": format_amount(granted - call.budget),
        }
    ]


def _save_project(call, clean, project, organizations, result, by) -> None:
    fields = {
        "title": clean["title"],
        "summary": clean["summary"],
        "status": clean["status"],
        "lead": organizations.get(*clean["lead"]),
        "requested_amount": clean["requested_amount"],
        "granted_amount": clean["granted_amount"],
        "start_date": clean["start_date"],
        "end_date": clean["end_date"],
    }
    relations = {
        "partners": [organizations.get(*partner) for partner in clean["partners"]],
        "actions": clean["actions"],
        "targets": clean["targets"],
    }
    if project is None:
        project = Project.objects.create(call=call, code=clean["code"], **fields)
        record_history(
            project, by=by, action="imported", changes={"status": [None, project.status]}
        )
        result.created.append(project.code)
    else:
        actions.update_project(project, by=by, fields=fields, relations=relations)
        result.updated.append(project.code)
    for name, values in relations.items():
        getattr(project, name).set(values)
    actions.set_territory(project, comune_ids=clean["comuni"], zona_ids=clean["zone"])
