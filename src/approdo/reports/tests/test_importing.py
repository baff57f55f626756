"""The base every import shares: fields, row errors, organisations matched or created even
when another import creates the same one meanwhile, all or nothing."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from approdo.organizations.models import Organization
from approdo.reports import importing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class TeamForm(importing.RowForm):
    code = forms.CharField()
    name = forms.CharField()
    kind = importing.CodeField(Organization.Kind.values)
    members = importing.WholeNumberField(required=False)
    since = importing.DateField(required=False)
    public = importing.YesNoField(required=False)


class TeamImport(importing.RowImport):
    """Organisations through the base: the smallest import there is."""

    form_class = TeamForm

    def save(self, cleaned: dict) -> None:
        if cleaned["members"] == 13:
            raise ValidationError({"members": "unlucky"})
        self.organizations.match(cleaned["name"], cleaned["kind"])
        self.result.created.append(cleaned["code"])


def test_fields_parse_cells_and_quote_bad_ones():
    form = TeamForm(
        {"code": "T", "name": "N", "kind": "aps", "members": " 12 ", "since": "01/02/2024"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["members"] == 12
    assert form.cleaned_data["since"].isoformat() == "2024-02-01"
    assert form.cleaned_data["public"] is False
    for members in ("1.000", "-1", "²", "12345678901"):
        bad = TeamForm({"code": "T", "name": "N", "kind": "aps", "members": members})
        assert not bad.is_valid()
    long = "x" * 500
    row = {"code": "T", "name": "N", "kind": long, "since": "2024-02-30", "public": "forse"}
    messages = importing.row_messages(ValidationError(TeamForm(row).errors.as_data()))
    assert messages["kind"][0].startswith("“" + "x" * 79 + "…” is not one of regione, comune,")
    assert messages["since"] == ["“2024-02-30” is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]
    assert messages["public"] == ["“forse” is not yes or no"]


def test_every_bad_row_is_reported_by_column_and_nothing_is_written():
    rows = [
        (2, {"code": "A", "name": "Alfa", "kind": "aps"}),
        (3, {"code": "B", "name": "", "kind": "club", "members": "uno"}),
        (4, {"code": "A", "name": "Beta", "kind": "aps"}),
    ]

    result = TeamImport().run(rows)

    assert [str(error) for error in result.errors] == [
        "line 3: name: This field is required.; kind: “club” is not one of "
        + ", ".join(Organization.Kind.values)
        + "; members: “uno” is not a whole number",
        "line 4: code: “A” is already on line 2",
    ]
    assert result.created == []
    assert not Organization.objects.filter(name="Alfa").exists()


def test_a_row_refused_by_its_save_rolls_back_every_row():
    rows = [
        (2, {"code": "A", "name": "Alfa", "kind": "aps"}),
        (3, {"code": "B", "name": "Beta", "kind": "aps", "members": "13"}),
    ]

    result = TeamImport().run(rows)

    assert [str(error) for error in result.errors] == ["line 3: members: unlucky"]
    assert not Organization.objects.filter(name="Alfa").exists()


def test_dry_run_reports_and_writes_nothing():
    result = TeamImport().run([(2, {"code": "A", "name": "Alfa", "kind": "aps"})], dry_run=True)

    assert result.created == ["A"] and result.organizations_created == ["Alfa"]
    assert not Organization.objects.filter(name="Alfa").exists()


def test_required_columns_are_the_required_fields():
    assert TeamImport.required_columns() == ["code", "name", "kind"]


def test_organisations_are_matched_by_tax_code_then_name_and_kind(coop):
    coop.tax_code = "01234560017"
    coop.save()
    organizations = importing.Organizations(importing.ImportResult())

    assert organizations.match("Altro nome", "aps", "01234560017") == coop
    assert organizations.match("cooperativa sociale il ponte", "cooperativa_sociale") == coop
    other = organizations.match("Cooperativa Sociale Il Ponte", "aps")
    assert other != coop and other.kind == "aps"
    assert organizations.result.organizations_created == ["Cooperativa Sociale Il Ponte"]


def test_an_organisation_created_meanwhile_is_used_not_duplicated(monkeypatch):
    """Between the look-up and the insert, another import creates the organisation: the
    unique constraint refuses the insert, and the import goes on with the other's."""
    organizations = importing.Organizations(importing.ImportResult())
    find = organizations._find
    calls = []

    def find_after_the_other_import(name, kind, tax_code):
        calls.append(name)
        if len(calls) == 1:
            Organization.objects.create(name=name, kind=kind)  # the other import
            return None
        return find(name, kind, tax_code)

    monkeypatch.setattr(organizations, "_find", find_after_the_other_import)

    found = organizations.match("Nuova Rotta", "cooperativa_sociale")

    assert Organization.objects.filter(name="Nuova Rotta").count() == 1
    assert found == Organization.objects.get(name="Nuova Rotta")
    assert organizations.result.organizations_created == []  # and the transaction goes on
