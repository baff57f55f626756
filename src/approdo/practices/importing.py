"""`approdo import-practices`: practices collected earlier in spreadsheets (DESIGN 4.5).

A code already present updates that practice, so the same file can be imported again without
duplicates. The lead organisation is matched by name and kind, else created. `published=yes`
publishes the practice directly: the spreadsheet records an editorial decision taken before
Approdo (no checklist needed). All or nothing, dry run: reports.importing.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.core.text import single_line
from approdo.organizations.models import Organization
from approdo.practices import actions
from approdo.practices.models import Practice
from approdo.reports import importing

COPIED = [
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
]


class OneLineField(forms.CharField):
    def to_python(self, value) -> str:
        return single_line(super().to_python(value))


class PracticeRowForm(importing.RowForm):
    code = forms.CharField(required=False, max_length=40)
    title = OneLineField(max_length=250)
    summary = forms.CharField(required=False, max_length=1000)
    description = forms.CharField(required=False)
    status = importing.CodeField(
        Practice.Status.values, default=Practice.Status.ONGOING, required=False
    )
    start_date = importing.DateField(required=False)
    end_date = importing.DateField(required=False)
    lead_name = forms.CharField(max_length=250)
    lead_kind = importing.CodeField(Organization.Kind.values)
    comuni = importing.ComuniField(required=False)
    zones = importing.ZoneField(required=False)
    actions = importing.CodeListField(required=False)
    targets = importing.CodeListField(required=False)
    funding_sources = importing.ListField(required=False)
    results = forms.CharField(required=False)
    transferability = forms.CharField(required=False)
    contact_email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={"invalid": _("“%(value)s” is not an e-mail address")},
    )
    published = importing.YesNoField(required=False)
    confirmed_at = importing.DateField(required=False)  # not in DESIGN 4.5: last confirmation

    def clean(self):
        importing.end_after_start(self)
        return self.cleaned_data


class PracticeImport(importing.RowImport):
    form_class = PracticeRowForm

    def known(self) -> dict:
        return importing.places_and_terms()

    def prepare(self, rows: list[dict]) -> None:
        codes = [row["code"] for row in rows if row["code"]]
        self.existing = Practice.objects.in_bulk(codes, field_name="code")
        self.now = timezone.now()

    def save(self, cleaned: dict) -> None:
        data = {name: cleaned[name] for name in COPIED}
        data["lead_organization"] = self.organizations.match(
            cleaned["lead_name"], cleaned["lead_kind"]
        )
        if cleaned["confirmed_at"]:
            data["confirmed_at"] = cleaned["confirmed_at"]
        relations = {name: cleaned[name] for name in ("comuni", "actions", "targets")}
        relations["zone"] = cleaned["zones"]
        published_at = self.now if cleaned["published"] else None
        practice = self.existing.get(cleaned["code"])
        if practice is None:
            if cleaned["code"]:
                data["code"] = cleaned["code"]
            data["published_at"] = published_at
            practice = actions.create_practice(
                by=self.by, data=data, relations=relations, action="imported"
            )
            self.result.created.append(practice.code)
            return
        if cleaned["published"] != (practice.published_at is not None):
            data["published_at"] = published_at
        changes = actions.update_practice(
            practice, by=self.by, data=data, relations=relations, action="imported"
        )
        (self.result.updated if changes else self.result.unchanged).append(practice.code)
