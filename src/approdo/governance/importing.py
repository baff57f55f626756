"""`approdo import-sai`: SAI projects from a CSV or XLSX file (DESIGN 4.4).

All or nothing: every row is checked first; a file with any bad row writes nothing and every
bad row is reported with its line number and reasons. A code already stored updates that
project, so the same file can be imported again (and changes nothing the second time).
Holders and managers are matched by tax code, else by name and kind, else created.

Columns: code, holder_name, holder_kind, manager_name (optional), type, places, comuni,
start_date, end_date; optional: holder_tax_code, manager_kind (default altro_ets),
manager_tax_code, status (default: planned before the start, closed after the end, else
active). `comuni` lists ISTAT codes separated by ";"; "048017:30" gives a comune's own places.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from approdo.governance import actions
from approdo.governance.forms_sai import hosting_errors, parse_hosting
from approdo.governance.models import HOLDER_KINDS, SaiProject
from approdo.organizations.models import Organization
from approdo.organizations.validators import validate_tax_code
from approdo.reports import tables
from approdo.territory.models import Comune

REQUIRED = ["code", "holder_name", "holder_kind", "type", "places", "comuni", "start_date"]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DEFAULT_MANAGER_KIND = "altro_ets"


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


ImportFileError = tables.ImportFileError  # what the commands and views catch


def read_rows(data: bytes, filename: str, required: list[str] = REQUIRED):
    """(line number, {column: text}) for each non-empty row of a CSV or XLSX file."""
    return tables.read_rows(data, filename, required)


def _date(text: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _tax_code_errors(value: str, label: str) -> list[str]:
    if not value:
        return []
    try:
        validate_tax_code(value)
    except ValidationError as error:
        return [f"{label}: {' '.join(error.messages)}"]
    return []


def _check_row(row: dict, known_comuni: set[str]) -> tuple[dict, list[str]]:
    """The row's clean values and the list of what is wrong with it."""
    errors = []
    clean = {"code": row.get("code", "")}
    for name in REQUIRED:
        if not row.get(name):
            errors.append(gettext("%(column)s is empty") % {"column": name})
    clean["holder_name"] = row.get("holder_name", "")
    clean["holder_kind"] = row.get("holder_kind", "")
    if clean["holder_kind"] and clean["holder_kind"] not in HOLDER_KINDS:
        errors.append(
            gettext("holder of the wrong kind %(kind)s: it must be comune, unione_comuni or sds")
            % {"kind": clean["holder_kind"]}
        )
    clean["holder_tax_code"] = row.get("holder_tax_code", "")
    errors += _tax_code_errors(clean["holder_tax_code"], "holder_tax_code")
    clean["manager_name"] = row.get("manager_name", "")
    clean["manager_kind"] = row.get("manager_kind", "") or DEFAULT_MANAGER_KIND
    clean["manager_tax_code"] = row.get("manager_tax_code", "")
    errors += _tax_code_errors(clean["manager_tax_code"], "manager_tax_code")
    third_sector = set(Organization.Kind.values) - Organization.PUBLIC_KINDS
    if clean["manager_name"] and clean["manager_kind"] not in third_sector:
        errors.append(
            gettext("manager of the wrong kind %(kind)s: it must be a third-sector kind")
            % {"kind": clean["manager_kind"]}
        )
    clean["type"] = row.get("type", "")
    if clean["type"] and clean["type"] not in SaiProject.Type.values:
        errors.append(
            gettext("unknown type %(type)s: it must be ordinari, dm_ds or msna")
            % {"type": clean["type"]}
        )
    places = row.get("places", "")
    clean["places"] = int(places) if places.isdigit() and int(places) > 0 else None
    if places and clean["places"] is None:
        errors.append(
            gettext("places must be a positive whole number, not %(value)s") % {"value": places}
        )
    hosting, hosting_problems = parse_hosting(row.get("comuni", ""))
    errors += hosting_problems
    unknown = sorted(code for code in hosting if code not in known_comuni)
    if unknown:
        errors.append(gettext("unknown ISTAT codes: %(codes)s") % {"codes": ", ".join(unknown)})
    elif hosting:
        errors += hosting_errors(clean["places"], hosting)
    clean["hosting"] = hosting
    for name in ("start_date", "end_date"):
        clean[name] = None
        if row.get(name):
            try:
                clean[name] = _date(row[name])
            except ValueError:
                errors.append(
                    gettext("%(column)s is not a date (YYYY-MM-DD or DD/MM/YYYY): %(value)s")
                    % {"column": name, "value": row[name]}
                )
    if clean["start_date"] and clean["end_date"] and clean["end_date"] < clean["start_date"]:
        errors.append(gettext("end_date is before start_date"))
    status = row.get("status", "")
    if status and status not in SaiProject.Status.values:
        errors.append(
            gettext("unknown status %(status)s: it must be planned, active or closed")
            % {"status": status}
        )
    clean["status"] = status or default_status(clean["start_date"], clean["end_date"])
    return clean, errors


def default_status(start: datetime.date | None, end: datetime.date | None) -> str:
    today = timezone.localdate()
    if start and start > today:
        return SaiProject.Status.PLANNED
    if end and end < today:
        return SaiProject.Status.CLOSED
    return SaiProject.Status.ACTIVE


def check_rows(rows) -> tuple[list[tuple[int, dict]], list[RowError]]:
    known = set(Comune.objects.values_list("istat_code", flat=True))
    checked, errors, seen = [], [], {}
    for line, row in rows:
        clean, problems = _check_row(row, known)
        code = clean["code"]
        if code and code in seen:
            problems.append(
                gettext("code %(code)s is already on line %(line)s")
                % {"code": code, "line": seen[code]}
            )
        seen.setdefault(code, line)
        if problems:
            errors.append(RowError(line, problems))
        else:
            checked.append((line, clean))
    return checked, errors


class _Organizations:
    """Match organisations by tax code, else by name and kind, else create them."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.cache: dict[tuple, Organization] = {}

    def get(self, name: str, kind: str, tax_code: str) -> tuple[Organization | None, str]:
        """The organisation, or None and why it cannot be used."""
        key = (name.casefold(), kind, tax_code)
        if key not in self.cache:
            organization = None
            if tax_code:
                organization = Organization.objects.filter(tax_code__iexact=tax_code).first()
            if organization is None:
                organization = Organization.objects.filter(name__iexact=name, kind=kind).first()
            if organization is None:
                organization = Organization.objects.create(name=name, kind=kind, tax_code=tax_code)
                self.result.organizations_created.append(name)
            self.cache[key] = organization
        organization = self.cache[key]
        if organization.kind != kind:
            return None, gettext("tax code %(tax_code)s belongs to %(name)s, of kind %(kind)s") % {
                "tax_code": tax_code,
                "name": organization.name,
                "kind": organization.kind,
            }
        return organization, ""


class _DryRun(Exception):
    """Raised to roll back everything a dry run did."""


def import_sai(rows, *, dry_run: bool = False, by=None) -> ImportResult:
    result = ImportResult()
    checked, result.errors = check_rows(rows)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _write(checked, result, by)
            if result.errors or dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _write(checked, result: ImportResult, by) -> None:
    organizations = _Organizations(result)
    existing = SaiProject.objects.in_bulk(
        [clean["code"] for _line, clean in checked], field_name="code"
    )
    for line, clean in checked:
        holder, problem = organizations.get(
            clean["holder_name"], clean["holder_kind"], clean["holder_tax_code"]
        )
        manager = None
        if clean["manager_name"] and not problem:
            manager, problem = organizations.get(
                clean["manager_name"], clean["manager_kind"], clean["manager_tax_code"]
            )
        if problem:
            result.errors.append(RowError(line, [problem]))
            continue
        fields = {
            "code": clean["code"],
            "holder": holder,
            "manager": manager,
            "type": clean["type"],
            "places": clean["places"],
            "start_date": clean["start_date"],
            "end_date": clean["end_date"],
            "status": clean["status"],
        }
        project = existing.get(clean["code"])
        if project is None:
            actions.create_sai_project(by=by, hosting=clean["hosting"], **fields)
            result.created.append(clean["code"])
        elif actions.update_sai_project(project, by=by, hosting=clean["hosting"], **fields):
            result.updated.append(clean["code"])
        else:
            result.unchanged.append(clean["code"])


# --- CAS figures ---------------------------------------------------------------------------

CAS_REQUIRED = ["date"]


def import_cas(rows, *, dry_run: bool = False) -> ImportResult:
    """CAS figures: `date`, `comune` (ISTAT code) or `province` (sigla or ISTAT code), `places`
    and/or `presences`. A date and territory already stored are updated. All or nothing."""
    from approdo.governance.models import CasFigure
    from approdo.territory.models import Province

    known = set(Comune.objects.values_list("istat_code", flat=True))
    provinces = {}
    for code, sigla in Province.objects.values_list("istat_code", "sigla"):
        provinces[code] = provinces[sigla.upper()] = code
    result, checked, seen = ImportResult(), [], {}
    for line, row in rows:
        errors, clean = [], {}
        try:
            clean["date"] = _date(row.get("date", ""))
        except ValueError:
            errors.append(
                gettext("%(column)s is not a date (YYYY-MM-DD or DD/MM/YYYY): %(value)s")
                % {"column": "date", "value": row.get("date", "")}
            )
        comune, province = row.get("comune", ""), row.get("province", "").upper()
        if comune.isdigit() and len(comune) == 5:
            comune = "0" + comune
        if bool(comune) == bool(province):
            errors.append(gettext("give either comune or province"))
        elif comune and comune not in known:
            errors.append(gettext("unknown ISTAT codes: %(codes)s") % {"codes": comune})
        elif province and province not in provinces:
            errors.append(gettext("unknown province %(province)s") % {"province": province})
        clean["comune_id"] = comune or None
        clean["province_id"] = provinces.get(province) if province else None
        for name in ("places", "presences"):
            value = row.get(name, "")
            if value and not value.isdigit():
                errors.append(
                    gettext("%(column)s must be a whole number, not %(value)s")
                    % {"column": name, "value": value}
                )
            clean[name] = int(value) if value.isdigit() else None
        if clean["places"] is None and clean["presences"] is None:
            errors.append(gettext("give places or presences"))
        key = (clean.get("date"), clean["comune_id"], clean["province_id"])
        if key in seen:
            errors.append(
                gettext("the same date and territory are already on line %(line)s")
                % {"line": seen[key]}
            )
        seen.setdefault(key, line)
        if errors:
            result.errors.append(RowError(line, errors))
        else:
            checked.append(clean)
    if result.errors or dry_run:
        result.created = [str(clean["date"]) for clean in checked]
        return result
    with transaction.atomic():
        for clean in checked:
            _figure, created = CasFigure.objects.update_or_create(
                date=clean["date"],
                comune_id=clean["comune_id"],
                province_id=clean["province_id"],
                defaults={"places": clean["places"], "presences": clean["presences"]},
            )
            (result.created if created else result.updated).append(str(clean["date"]))
    return result
