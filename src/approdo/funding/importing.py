"""`approdo import-projects`: projects of a call from a CSV or XLSX file (DESIGN 4.3).

A code already in the call updates that project, so the same file can be imported again.
Organisations are matched by tax code, else by name and kind, else created. The call is
created when missing. All or nothing, dry run: reports.importing.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db.models import Sum
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.core.history import record_history
from approdo.funding import actions
from approdo.funding.models import Call, Project
from approdo.organizations.models import Organization
from approdo.reports import importing
from approdo.reports.documents import format_amount

COPIED = [
    "title",
    "summary",
    "status",
    "requested_amount",
    "granted_amount",
    "start_date",
    "end_date",
]


class PartnersField(importing.ListField):
    """`name|kind` items separated by ";": (name, kind) pairs."""

    default_error_messages = {"invalid": _("bad partner “%(value)s” (write name|kind)")}

    def clean(self, value) -> list[tuple[str, str]]:
        partners, errors = [], []
        for item in super().clean(value):
            name, _sep, kind = (part.strip() for part in item.rpartition("|"))
            if name and len(name) <= 250 and kind in Organization.Kind.values:
                partners.append((name, kind))
            else:
                errors.append(
                    ValidationError(
                        self.error_messages["invalid"], code="invalid", params={"value": item}
                    )
                )
        if errors:
            raise ValidationError(errors)
        return partners


class AmountField(forms.Field):
    """Euro written plainly or the Italian way (actions.parse_amount)."""

    default_error_messages = {
        "invalid": _("“%(value)s” is not an amount in euro (write 45000, 45000.50 or 45.000,50)")
    }
    default_validators = [DecimalValidator(14, 2)]  # Project's amount fields

    def to_python(self, value):
        if value in self.empty_values:
            return None
        amount = actions.parse_amount(value)
        if amount is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return amount


class ProjectRowForm(importing.RowForm):
    code = forms.CharField(max_length=60)
    title = forms.CharField(max_length=300)
    status = importing.CodeField(
        Project.Status.values, default=Project.Status.FUNDED, required=False
    )
    lead_name = forms.CharField(max_length=250)
    lead_kind = importing.CodeField(Organization.Kind.values)
    lead_tax_code = importing.TaxCodeField()
    partners = PartnersField(required=False)
    comuni = importing.ComuniField(required=False)
    zones = importing.ZoneField(required=False)
    actions = importing.CodeListField(required=False)
    targets = importing.CodeListField(required=False)
    requested_amount = AmountField(required=False)
    granted_amount = AmountField(required=False)
    start_date = importing.DateField(required=False)
    end_date = importing.DateField(required=False)
    summary = forms.CharField(required=False)

    def clean(self):
        importing.end_after_start(self)
        return self.cleaned_data


COLUMNS = list(ProjectRowForm.base_fields)  # shown on the import page


@dataclass
class ProjectImportResult(importing.ImportResult):
    call_created: bool = False


class ProjectImport(importing.RowImport):
    form_class = ProjectRowForm
    result_class = ProjectImportResult

    def __init__(self, *, call_slug: str, call_title: str = "", by=None):
        super().__init__(by=by)
        self.call_slug, self.call_title = call_slug, call_title

    def known(self) -> dict:
        return importing.places_and_terms()

    def prepare(self, rows: list[dict]) -> None:
        self.call = Call.objects.filter(slug=self.call_slug).first()
        if self.call is None:
            self.call = Call.objects.create(
                slug=slugify(self.call_slug)[:100] or self.call_slug,
                title=self.call_title or self.call_slug,
            )
            record_history(
                self.call,
                by=self.by,
                action="created",
                note=gettext("Created by a projects import."),
            )
            self.result.call_created = True
        self.existing = {project.code: project for project in self.call.projects.all()}

    def save(self, cleaned: dict) -> None:
        fields = {name: cleaned[name] for name in COPIED}
        fields["lead"] = self.organizations.match(
            cleaned["lead_name"], cleaned["lead_kind"], cleaned["lead_tax_code"]
        )
        relations = {
            "partners": [self.organizations.match(*partner) for partner in cleaned["partners"]],
            "actions": cleaned["actions"],
            "targets": cleaned["targets"],
        }
        project = self.existing.get(cleaned["code"])
        if project is None:
            project = Project.objects.create(call=self.call, code=cleaned["code"], **fields)
            record_history(
                project, by=self.by, action="imported", changes={"status": [None, project.status]}
            )
            for name, values in relations.items():
                getattr(project, name).set(values)
            actions.set_territory(project, comune_ids=cleaned["comuni"], zona_ids=cleaned["zones"])
            self.result.created.append(project.code)
            return
        relations |= {"comuni": cleaned["comuni"], "zone": cleaned["zones"]}
        if actions.update_project(project, by=self.by, fields=fields, relations=relations):
            self.result.updated.append(project.code)
        else:
            self.result.unchanged.append(project.code)

    def finish(self) -> None:
        actions.schedule_reports(self.call)
        self.result.warnings += budget_warnings(self.call)


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
