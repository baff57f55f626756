"""`approdo import-practices`: practices collected earlier in spreadsheets (DESIGN 4.5).

All or nothing: every row is checked first; a file with any bad row writes nothing and every
bad row is reported with its line number and reasons. A code already present updates that
practice, so the same file can be imported again without duplicates. The lead organisation
is matched by name and kind, else created. `published=yes` publishes the practice directly:
the spreadsheet records an editorial decision taken before Approdo (no checklist needed).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from approdo.core.text import single_line
from approdo.organizations.models import Organization
from approdo.practices import actions
from approdo.practices.models import Practice
from approdo.reports import tables
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Comune, Zona

COLUMNS = [
    "code",
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "end_date",
    "lead_name",
    "lead_kind",
    "comuni",
    "zones",
    "actions",
    "targets",
    "funding_sources",
    "results",
    "transferability",
    "contact_email",
    "published",
    "confirmed_at",  # optional, not in DESIGN 4.5: the date of the last confirmation
]
REQUIRED = ["title", "lead_name", "lead_kind"]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
YES = {"yes", "si", "sì", "true", "1", "y"}
NO = {"no", "false", "0", "n", ""}
MAX_SHOWN = 80  # characters of a cell quoted in an error


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
    unchanged: list[str] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def shown(value: str) -> str:
    """A cell quoted in a message: control characters escaped, long text cut."""
    text = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


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

    def __init__(self):
        self.actions = set(Action.objects.values_list("code", flat=True))
        self.targets = set(TargetGroup.objects.values_list("code", flat=True))
        self.comuni = set(Comune.objects.values_list("istat_code", flat=True))
        self.zone: dict[str, int] = {}
        for pk, name, slug, other in Zona.objects.values_list("pk", "name", "slug", "other_names"):
            for key in [name, slug, *other.split(";")]:
                if key.strip():
                    self.zone[key.strip().casefold()] = pk
        self.kinds = set(Organization.Kind.values)


def _check_row(row: dict, lookups: _Lookups) -> tuple[dict, list[str]]:
    """The row's values, cleaned, and the reasons it is bad (empty when it is good)."""
    reasons = []
    clean: dict = {}
    for name in REQUIRED:
        if not row.get(name):
            reasons.append(gettext("%(column)s is required") % {"column": name})
    clean["code"] = row.get("code", "")
    if len(clean["code"]) > 40:
        reasons.append(gettext("code longer than 40 characters"))
    for name, limit in (("title", 250), ("summary", 1000)):
        clean[name] = row.get(name, "")
        if name == "title":
            clean[name] = single_line(clean[name])  # a title is one line
        if len(clean[name]) > limit:
            reasons.append(
                gettext("%(column)s longer than %(limit)s characters")
                % {"column": name, "limit": limit}
            )
    for name in ("description", "results", "transferability"):
        clean[name] = row.get(name, "")
    status = row.get("status") or Practice.Status.ONGOING
    if status not in Practice.Status.values:
        reasons.append(gettext("unknown status “%(value)s”") % {"value": shown(status)})
    clean["status"] = status
    for column in ("start_date", "end_date", "confirmed_at"):
        text = row.get(column, "")
        try:
            clean[column] = _date(text) if text else None
        except ValueError:
            reasons.append(
                gettext("%(column)s “%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY)")
                % {"column": column, "value": shown(text)}
            )
    if (
        clean.get("start_date")
        and clean.get("end_date")
        and clean["end_date"] < clean["start_date"]
    ):
        reasons.append(gettext("the end date comes before the start date"))
    kind = row.get("lead_kind", "")
    if kind and kind not in lookups.kinds:
        reasons.append(gettext("unknown organisation kind “%(value)s”") % {"value": shown(kind)})
    clean["lead"] = (row.get("lead_name", "")[:250], kind)
    clean["comuni"] = _split(row.get("comuni", ""))
    for code in clean["comuni"]:
        if code not in lookups.comuni:
            reasons.append(gettext("unknown ISTAT code “%(value)s”") % {"value": shown(code)})
    clean["zone"] = []
    for name in _split(row.get("zones", "")):
        if name.casefold() not in lookups.zone:
            reasons.append(gettext("unknown zona “%(value)s”") % {"value": shown(name)})
        else:
            clean["zone"].append(lookups.zone[name.casefold()])
    for column, known, label in (
        ("actions", lookups.actions, gettext("unknown action “%(value)s”")),
        ("targets", lookups.targets, gettext("unknown target group “%(value)s”")),
    ):
        clean[column] = _split(row.get(column, ""))
        reasons += [label % {"value": shown(code)} for code in clean[column] if code not in known]
    clean["funding_sources"] = _split(row.get("funding_sources", ""))
    email = row.get("contact_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reasons.append(gettext("invalid e-mail “%(value)s”") % {"value": shown(email)})
    clean["contact_email"] = email
    published = row.get("published", "").casefold()
    if published not in YES | NO:
        reasons.append(
            gettext("published must be yes or no, not “%(value)s”") % {"value": shown(published)}
        )
    clean["published"] = published in YES
    return clean, reasons


def _lead(name: str, kind: str, result: ImportResult) -> Organization:
    lead = Organization.objects.filter(name__iexact=name, kind=kind).order_by("pk").first()
    if lead is None:
        lead = Organization.objects.create(name=name, kind=kind)
        result.organizations_created.append(name)
    return lead


@transaction.atomic
def import_practices(
    rows: list[tuple[int, dict[str, str]]], *, by=None, dry_run: bool = False
) -> ImportResult:
    """Check every row, then (only if all are good) create or update the practices.
    With `dry_run`, report what would change and write nothing."""
    lookups = _Lookups()
    result = ImportResult()
    checked = []
    seen: dict[str, int] = {}
    for line, row in rows:
        clean, reasons = _check_row(row, lookups)
        code = clean["code"]
        if code and code in seen:
            reasons.append(
                gettext("code “%(code)s” already used on line %(line)s")
                % {"code": shown(code), "line": seen[code]}
            )
        seen.setdefault(code, line)
        if reasons:
            result.errors.append(RowError(line, reasons))
        checked.append(clean)
    if result.errors:
        return result
    now = timezone.now()
    existing = {
        p.code: p
        for p in Practice.objects.filter(code__in=[c["code"] for c in checked if c["code"]])
    }
    for clean in checked:
        practice = existing.get(clean["code"])
        data = {
            name: clean[name]
            for name in (
                "title",
                "summary",
                "description",
                "status",
                "start_date",
                "end_date",
                "funding_sources",
                "results",
                "transferability",
                "contact_email",
            )
        }
        data["lead_organization"] = _lead(*clean["lead"], result)
        if clean["confirmed_at"]:
            data["confirmed_at"] = clean["confirmed_at"]
        relations = {
            "comuni": clean["comuni"],
            "zone": clean["zone"],
            "actions": clean["actions"],
            "targets": clean["targets"],
        }
        if practice is None:
            if clean["code"]:
                data["code"] = clean["code"]
            data["published_at"] = now if clean["published"] else None
            practice = actions.create_practice(
                by=by, data=data, relations=relations, action="imported"
            )
            result.created.append(practice.code)
            continue
        if clean["published"] != (practice.published_at is not None):
            data["published_at"] = now if clean["published"] else None
        changes = actions.update_practice(
            practice, by=by, data=data, relations=relations, action="imported"
        )
        (result.updated if changes else result.unchanged).append(practice.code)
    transaction.set_rollback(dry_run)
    return result
