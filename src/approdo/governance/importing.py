"""`approdo import-sai` (DESIGN 4.4) and `approdo import-cas`: SAI projects and CAS figures
from CSV or XLSX files. All or nothing, dry run: reports.importing.

SAI: a code already stored updates that project, so the same file can be imported again (and
changes nothing the second time). Holders and managers are matched by tax code, else by name
and kind, else created; a tax code of an organisation of another kind is an error. Columns:
code, holder_name, holder_kind, manager_name (optional), type, places, comuni, start_date,
end_date; optional: holder_tax_code, manager_kind (default altro_ets), manager_tax_code,
status (default: planned before the start, closed after the end, else active). `comuni` lists
ISTAT codes separated by ";"; "048017:30" gives a comune's own places.

CAS: `date`, `comune` (ISTAT code) or `province` (sigla or ISTAT code), `places` and/or
`presences`; a date and territory already stored are updated.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from approdo.governance import actions
from approdo.governance.forms_sai import hosting_errors, parse_hosting
from approdo.governance.models import HOLDER_KINDS, CasFigure, SaiProject
from approdo.organizations.models import Organization
from approdo.reports import importing
from approdo.territory.models import Province

THIRD_SECTOR_KINDS = [
    kind for kind in Organization.Kind.values if kind not in Organization.PUBLIC_KINDS
]

COPIED = ["code", "type", "places", "start_date", "end_date", "status"]


def _istat(code: str) -> str:
    """A comune's ISTAT code with the leading zero some sources drop."""
    return "0" + code if code.isdigit() and len(code) == 5 else code


def _unknown_comune(code: str) -> ValidationError:
    return ValidationError(
        gettext("unknown ISTAT code “%(value)s”"), code="unknown", params={"value": code}
    )


class HostingField(forms.Field):
    """ISTAT codes separated by ";", "048017:30" giving a comune's own places:
    {code: places or None}."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.known: set[str] = set()

    def clean(self, value) -> dict[str, int | None]:
        hosting, problems = parse_hosting(str(value or ""))
        self.validate(hosting)
        errors = [ValidationError(problem) for problem in problems]
        errors += [_unknown_comune(code) for code in hosting if code not in self.known]
        if errors:
            raise ValidationError(errors)
        return hosting


class SaiRowForm(importing.RowForm):
    code = forms.CharField(max_length=40)
    holder_name = forms.CharField(max_length=250)
    holder_kind = importing.CodeField(HOLDER_KINDS)
    holder_tax_code = importing.TaxCodeField()
    manager_name = forms.CharField(required=False, max_length=250)
    manager_kind = importing.CodeField(THIRD_SECTOR_KINDS, default="altro_ets", required=False)
    manager_tax_code = importing.TaxCodeField()
    type = importing.CodeField(SaiProject.Type.values)
    places = importing.WholeNumberField(min_value=1)
    comuni = HostingField()
    start_date = importing.DateField()
    end_date = importing.DateField(required=False)
    status = importing.CodeField(SaiProject.Status.values, required=False)

    def clean(self):
        cleaned = self.cleaned_data
        importing.end_after_start(self)
        if "comuni" in cleaned and cleaned.get("places"):
            for problem in hosting_errors(cleaned["places"], cleaned["comuni"]):
                self.add_error("comuni", problem)
        if not cleaned.get("status"):
            cleaned["status"] = default_status(cleaned.get("start_date"), cleaned.get("end_date"))
        return cleaned


def default_status(start: datetime.date | None, end: datetime.date | None) -> str:
    today = timezone.localdate()
    if start and start > today:
        return SaiProject.Status.PLANNED
    if end and end < today:
        return SaiProject.Status.CLOSED
    return SaiProject.Status.ACTIVE


class SaiImport(importing.RowImport):
    form_class = SaiRowForm

    def known(self) -> dict:
        return {"comuni": importing.comune_codes()}

    def prepare(self, rows: list[dict]) -> None:
        codes = [row["code"] for row in rows]
        self.existing = SaiProject.objects.in_bulk(codes, field_name="code")

    def save(self, cleaned: dict) -> None:
        holder = self._organization(cleaned, "holder")
        manager = self._organization(cleaned, "manager") if cleaned["manager_name"] else None
        fields = {name: cleaned[name] for name in COPIED} | {"holder": holder, "manager": manager}
        project = self.existing.get(cleaned["code"])
        if project is None:
            actions.create_sai_project(by=self.by, hosting=cleaned["comuni"], **fields)
            self.result.created.append(cleaned["code"])
        elif actions.update_sai_project(project, by=self.by, hosting=cleaned["comuni"], **fields):
            self.result.updated.append(cleaned["code"])
        else:
            self.result.unchanged.append(cleaned["code"])

    def _organization(self, cleaned: dict, role: str) -> Organization:
        """The holder or the manager; refuses the row when its tax code is that of an
        organisation of another kind."""
        kind, tax_code = cleaned[f"{role}_kind"], cleaned[f"{role}_tax_code"]
        organization = self.organizations.match(cleaned[f"{role}_name"], kind, tax_code)
        if organization.kind != kind:
            message = gettext("tax code %(tax_code)s belongs to %(name)s, of kind %(kind)s") % {
                "tax_code": tax_code,
                "name": organization.name,
                "kind": organization.kind,
            }
            raise ValidationError({f"{role}_tax_code": message})
        return organization


class ComuneField(forms.CharField):
    """A comune's ISTAT code, one of `known`; None when empty."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.known: set[str] = set()

    def clean(self, value) -> str | None:
        code = _istat(super().clean(value))
        if code and code not in self.known:
            raise _unknown_comune(code)
        return code or None


class ProvinceField(forms.CharField):
    """A province by sigla or ISTAT code (`known` maps both to the code): its code, or None
    when empty."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.known: dict[str, str] = {}

    def clean(self, value) -> str | None:
        province = super().clean(value).upper()
        if province and province not in self.known:
            raise ValidationError(
                gettext("unknown province %(province)s") % {"province": importing.shown(province)}
            )
        return self.known.get(province)


class CasRowForm(importing.RowForm):
    date = importing.DateField()
    comune = ComuneField(required=False)
    province = ProvinceField(required=False)
    places = importing.WholeNumberField(required=False)
    presences = importing.WholeNumberField(required=False)

    def clean(self):
        if bool(self.data.get("comune")) == bool(self.data.get("province")):
            self.add_error(None, gettext("give either comune or province"))
        if not self.data.get("places") and not self.data.get("presences"):
            self.add_error(None, gettext("give places or presences"))
        return self.cleaned_data


class CasImport(importing.RowImport):
    form_class = CasRowForm
    key_column = ""
    duplicate_message = gettext_lazy("the same date and territory are already on line %(line)s")

    def known(self) -> dict:
        provinces = {}
        for code, sigla in Province.objects.values_list("istat_code", "sigla"):
            provinces[code] = provinces[sigla.upper()] = code
        return {"comune": importing.comune_codes(), "province": provinces}

    def key(self, cleaned: dict) -> tuple | None:
        if not {"date", "comune", "province"} <= cleaned.keys():  # one of them is bad
            return None
        return (cleaned["date"], cleaned["comune"], cleaned["province"])

    def prepare(self, rows: list[dict]) -> None:
        stored = CasFigure.objects.filter(date__in={row["date"] for row in rows})
        self.existing = {(f.date, f.comune_id, f.province_id): f for f in stored}

    def save(self, cleaned: dict) -> None:
        where = {
            "date": cleaned["date"],
            "comune_id": cleaned["comune"],
            "province_id": cleaned["province"],
        }
        values = {"places": cleaned["places"], "presences": cleaned["presences"]}
        label = f"{cleaned['date']} {cleaned['comune'] or cleaned['province']}"
        stored = self.existing.get(self.key(cleaned))
        if stored is not None and (stored.places, stored.presences) == tuple(values.values()):
            self.result.unchanged.append(label)
            return
        _figure, created = CasFigure.objects.update_or_create(**where, defaults=values)
        (self.result.created if created else self.result.updated).append(label)
