import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from approdo.core.models import HistoryEntry
from approdo.funding import importing
from approdo.funding.models import Call, Project
from approdo.organizations.models import Organization
from approdo.reports.tables import ImportFileError

HEADER = (
    "code,title,status,lead_name,lead_kind,lead_tax_code,partners,comuni,zones,actions,"
    "targets,requested_amount,granted_amount,start_date,end_date,summary"
)
GOOD = [
    "A-1,Accoglienza a Prato,funded,Comune di Prato,comune,84006890481,"
    "Cooperativa Nuova|cooperativa_sociale;Associazione Mondo Aperto|aps,100005;100004,,"
    "orientamento_servizi;supporto_abitare,diniego_protezione;senza_dimora,"
    '50000,"45.000,00",2020-01-15,2021-06-30,Sintesi',
    "A-2,Sportello legale,not_funded,Cooperativa Sociale Il Ponte,cooperativa_sociale,,,,"
    "Firenze;Pisana,consulenza_legale,richiedenti_asilo,30000,,15/02/2020,,",
]


def rows_of(*lines: str):
    data = "\n".join([HEADER, *lines]).encode()
    return importing.ProjectImport.read(data, "projects.csv")


def run(rows, *, call_slug: str, call_title: str = "", dry_run: bool = False):
    return importing.ProjectImport(call_slug=call_slug, call_title=call_title).run(
        rows, dry_run=dry_run
    )


def test_import_creates_projects_organisations_and_zone(prato, coop):
    result = run(rows_of(*GOOD), call_slug="nuovo-bando", call_title="Bando")
    assert result.errors == []
    assert result.call_created
    call = Call.objects.get(slug="nuovo-bando")
    assert call.title == "Bando"
    first = Project.objects.get(call=call, code="A-1")
    assert first.lead == prato  # matched by tax code
    assert first.status == "funded"
    assert str(first.granted_amount) == "45000.00"
    assert set(first.zone.values_list("slug", flat=True)) == {"pratese"}  # from its comuni
    assert set(first.partners.values_list("name", flat=True)) == {
        "Cooperativa Nuova",
        "Associazione Mondo Aperto",
    }
    assert Organization.objects.filter(name="Cooperativa Nuova").exists()  # created
    second = Project.objects.get(call=call, code="A-2")
    assert second.lead == coop  # matched by name and kind
    assert set(second.zone.values_list("name", flat=True)) == {"Firenze", "Pisana"}
    assert second.start_date.isoformat() == "2020-02-15"
    assert HistoryEntry.objects.filter(action="imported").count() == 2


def test_import_again_updates_instead_of_duplicating(prato, coop):
    run(rows_of(*GOOD), call_slug="bando")
    changed = GOOD[1].replace("Sportello legale", "Sportello giuridico")
    result = run(rows_of(GOOD[0], changed), call_slug="bando")
    assert result.updated == ["A-2"] and result.unchanged == ["A-1"] and result.created == []
    assert Project.objects.filter(call__slug="bando").count() == 2
    assert Project.objects.get(code="A-2").title == "Sportello giuridico"
    assert HistoryEntry.objects.filter(action="updated").count() == 1


def test_a_file_imported_twice_changes_nothing_the_second_time(prato, coop):
    run(rows_of(*GOOD), call_slug="bando")
    history = HistoryEntry.objects.count()

    result = run(rows_of(*GOOD), call_slug="bando")

    assert result.unchanged == ["A-1", "A-2"] and result.updated == [] and result.created == []
    assert HistoryEntry.objects.count() == history


def test_every_bad_row_is_reported_and_nothing_is_written(prato):
    bad = [
        "B-1,Azione ignota,funded,Comune X,comune,,,,,volare,,,,,,",
        "B-2,Target ignoto,funded,Comune X,comune,,,,,,alieni,,,,,",
        "B-3,Tipo ignoto,funded,Ente X,ente_spaziale,,,,,,,,,,,",
        "B-4,Zona ignota,funded,Comune X,comune,,,,Atlantide,,,,,,,",
        "B-5,ISTAT ignoto,funded,Comune X,comune,,,999999,,,,,,,,",
        "B-6,Data sbagliata,funded,Comune X,comune,,,,,,,,,31/02/2020,,",
        "B-7,Importo sbagliato,funded,Comune X,comune,,,,,,,molti,,,,",
        "A-1,Duplicato,funded,Comune X,comune,,,,,,,,,,,",
        "B-9,Partner sbagliato,funded,Comune X,comune,,Ente senza tipo,,,,,,,,,",
        ",,funded,,comune,,,,,,,,,,,",
        "B-11,Stato sbagliato,finished,Comune X,comune,,,,,,,,,,,",
        "B-12,Date invertite,funded,Comune X,comune,,,,,,,,,2021-01-01,2020-01-01,",
        "B-13,Codice fiscale,funded,Comune X,comune,12345,,,,,,,,,,",
    ]
    result = run(rows_of(GOOD[0], *bad), call_slug="bando")
    reported = {error.line: error.errors for error in result.errors}
    assert sorted(reported) == list(range(3, 3 + len(bad)))
    assert reported[3] == {"actions": ["unknown code “volare”"]}
    assert reported[4] == {"targets": ["unknown code “alieni”"]}
    assert reported[5]["lead_kind"][0].startswith("“ente_spaziale” is not one of regione,")
    assert reported[6] == {"zones": ["unknown zona “Atlantide”"]}
    assert reported[7] == {"comuni": ["unknown ISTAT code “999999”"]}
    assert reported[8] == {
        "start_date": ["“31/02/2020” is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]
    }
    assert reported[9] == {
        "requested_amount": [
            "“molti” is not an amount in euro (write 45000, 45000.50 or 45.000,50)"
        ]
    }
    assert reported[10] == {"code": ["“A-1” is already on line 2"]}
    assert reported[11] == {"partners": ["bad partner “Ente senza tipo” (write name|kind)"]}
    assert set(reported[12]) == {"code", "title", "lead_name"}
    assert reported[12]["code"] == ["This field is required."]
    assert reported[13]["status"][0].startswith("“finished” is not one of submitted,")
    assert reported[14] == {"end_date": ["the end date comes before the start date"]}
    assert reported[15] == {
        "lead_tax_code": ["12345 is not a valid codice fiscale or partita IVA."]
    }
    assert not Call.objects.filter(slug="bando").exists()
    assert not Project.objects.exists()
    assert not Organization.objects.filter(name__in=["Comune X", "Cooperativa Nuova"]).exists()


def test_dry_run_writes_nothing(prato):
    result = run(rows_of(*GOOD), call_slug="bando", dry_run=True)
    assert result.created == ["A-1", "A-2"]
    assert not Call.objects.filter(slug="bando").exists()
    assert not Project.objects.exists()


def test_xlsx_files_are_read(prato):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["X-1", "Da Excel", "funded", "Comune di Prato", "comune", "", "", "100005"])
    out = io.BytesIO()
    workbook.save(out)
    rows = importing.ProjectImport.read(out.getvalue(), "projects.xlsx")
    result = run(rows, call_slug="excel")
    assert result.created == ["X-1"]


def test_missing_columns_are_refused():
    with pytest.raises(ImportFileError, match="Missing columns: lead_name, lead_kind"):
        importing.ProjectImport.read(b"code,title\nA,B\n", "p.csv")


def test_command_reports_bad_rows_and_dry_run(tmp_path, prato, capsys):
    path = tmp_path / "projects.csv"
    path.write_text("\n".join([HEADER, *GOOD]))
    call_command("import_projects", str(path), "--call", "cmd", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not Call.objects.filter(slug="cmd").exists()
    call_command("import_projects", str(path), "--call", "cmd", "--call-title", "Bando cmd")
    assert Project.objects.filter(call__slug="cmd").count() == 2
    path.write_text("\n".join([HEADER, GOOD[0].replace("100005", "000000")]))
    with pytest.raises(CommandError, match="line 2: comuni: unknown ISTAT code “000000”"):
        call_command("import_projects", str(path), "--call", "cmd")


def test_granted_total_above_the_budget_is_a_warning_not_an_error(prato, coop):
    Call.objects.create(slug="stretto", title="Bando", budget=Decimal("40000"))
    result = run(rows_of(*GOOD), call_slug="stretto", dry_run=True)
    assert result.errors == [] and result.created == ["A-1", "A-2"]
    [warning] = result.warnings  # A-1 granted 45,000 (A-2 is not funded)
    assert "45.000,00" in warning or "45,000.00" in warning
    assert "5.000,00" in warning or "5,000.00" in warning  # over the budget by
    within = run(rows_of(*GOOD), call_slug="bando-largo", dry_run=True)
    assert within.warnings == []  # no budget: nothing to compare
    Call.objects.filter(slug="stretto").update(budget=Decimal("45000"))
    assert run(rows_of(*GOOD), call_slug="stretto").warnings == []


def test_command_and_dry_run_page_show_the_budget_warning(tmp_path, client, prato, coop):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from approdo.organizations.tests.factories import make_user

    Call.objects.create(slug="stretto", title="Bando", budget=Decimal("40000"))
    path = tmp_path / "projects.csv"
    path.write_text("\n".join([HEADER, *GOOD]))
    out = io.StringIO()
    call_command("import_projects", str(path), "--call", "stretto", "--dry-run", stdout=out)
    assert "Warning:" in out.getvalue() and "Dry run" in out.getvalue()
    user = make_user("coord@anci.example", organization=coop, role="coordinator", totp=True)
    client.force_login(user)
    upload = SimpleUploadedFile("p.csv", "\n".join([HEADER, *GOOD]).encode())
    page = client.post(
        reverse("funding:project-import", args=["stretto"]), {"file": upload, "dry_run": "on"}
    ).content.decode()
    assert 'class="alert alert-warning"' in page
    assert not Project.objects.exists()
