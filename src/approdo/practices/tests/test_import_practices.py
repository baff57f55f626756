import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from approdo.core.models import HistoryEntry
from approdo.organizations.models import Organization
from approdo.practices import importing
from approdo.practices.models import Practice
from approdo.reports import tables

HEADER = (
    "code,title,summary,description,status,start_date,end_date,lead_name,lead_kind,comuni,"
    "zones,actions,targets,funding_sources,results,transferability,contact_email,published\n"
)
GOOD = (
    "BP-OLD-1,Sportello migranti,Orientamento,Descrizione,ongoing,2021-01-10,,"
    "Comune di Prato,comune,100005;100004,,orientamento_servizi;mediazione_culturale,"
    "richiedenti_asilo,FAMI;Fondi comunali,Risultati,Trasferibile,a@b.example,yes\n"
    "BP-OLD-2,Casa comune,,,ended,10/02/2019,31/12/2022,Nuova Cooperativa,cooperativa_sociale,,"
    "Pisana,supporto_abitare,senza_dimora,,,,,no\n"
)


def rows(text: str, name: str = "f.csv"):
    return importing.PracticeImport.read(text.encode(), name)


def run(text: str, *, dry_run: bool = False):
    return importing.PracticeImport().run(rows(text), dry_run=dry_run)


@pytest.fixture(autouse=True)
def _db_in_english(db):
    with translation.override("en"):
        yield


def test_imports_good_rows_with_zone_from_comuni(prato):
    result = run(HEADER + GOOD)
    assert result.errors == []
    assert sorted(result.created) == ["BP-OLD-1", "BP-OLD-2"]
    first = Practice.objects.get(code="BP-OLD-1")
    assert first.lead_organization == prato
    assert first.published
    assert first.funding_sources == ["FAMI", "Fondi comunali"]
    assert {z.slug for z in first.zone.all()} == {"pratese"}
    second = Practice.objects.get(code="BP-OLD-2")
    assert not second.published
    assert second.end_date.isoformat() == "2022-12-31"
    assert [z.name for z in second.zone.all()] == ["Pisana"]
    assert result.organizations_created == ["Nuova Cooperativa"]
    assert HistoryEntry.objects.for_object(first).filter(action="imported").exists()


def test_reimport_changes_nothing(prato):
    run(HEADER + GOOD)
    result = run(HEADER + GOOD)
    assert result.created == [] and result.updated == []
    assert sorted(result.unchanged) == ["BP-OLD-1", "BP-OLD-2"]
    assert Practice.objects.count() == 2


def test_any_bad_row_imports_nothing_and_every_bad_row_is_reported():
    bad = (
        ",,,,paused,2021-13-01,,Ente,kind_x,999999,Atlantide,volare,alieni,,,,not-an-email,maybe\n"
        "BP-OLD-1,Duplicate code,,,,2022-01-01,2021-01-01,Comune di Prato,comune,,,,,,,,,\n"
    )
    result = run(HEADER + GOOD + bad)
    assert Practice.objects.count() == 0
    assert [error.line for error in result.errors] == [4, 5]
    for column, expected in {
        "title": "This field is required.",
        "status": "“paused” is not one of ongoing, ended",
        "start_date": "“2021-13-01” is not a date (write YYYY-MM-DD or DD/MM/YYYY)",
        "lead_kind": "“kind_x” is not one of regione, comune,",
        "comuni": "unknown ISTAT code “999999”",
        "zones": "unknown zona “Atlantide”",
        "actions": "unknown code “volare”",
        "targets": "unknown code “alieni”",
        "contact_email": "“not-an-email” is not an e-mail address",
        "published": "“maybe” is not yes or no",
    }.items():
        assert expected in " ".join(result.errors[0].errors[column]), column
    assert result.errors[1].errors == {
        "code": ["“BP-OLD-1” is already on line 2"],
        "end_date": ["the end date comes before the start date"],
    }
    assert "line 5: code: “BP-OLD-1” is already on line 2; end_date: the end date" in str(
        result.errors[1]
    )


def test_dry_run_writes_nothing():
    result = run(HEADER + GOOD, dry_run=True)
    assert len(result.created) == 2
    assert Practice.objects.count() == 0
    assert not Organization.objects.filter(name="Nuova Cooperativa").exists()


def test_dry_run_reports_updates_as_updates(prato):
    run(HEADER + GOOD)
    changed = GOOD.replace("Casa comune", "Casa aperta")

    result = run(HEADER + changed, dry_run=True)

    assert (result.created, result.updated, result.unchanged) == ([], ["BP-OLD-2"], ["BP-OLD-1"])
    assert Practice.objects.get(code="BP-OLD-2").title == "Casa comune"


def test_code_is_generated_when_absent(prato):
    text = "title,lead_name,lead_kind\nSenza codice,Comune di Prato,comune\n"
    result = run(text)
    assert result.created[0].startswith("BP-")


def test_missing_columns_and_bad_files_are_refused():
    with pytest.raises(tables.ImportFileError, match="Missing columns: title, lead_name"):
        rows("code,summary\nX,Y\n")
    with pytest.raises(tables.ImportFileError, match="not a readable XLSX"):
        importing.PracticeImport.read(b"not a zip", "f.xlsx")
    with pytest.raises(tables.ImportFileError, match="larger than"):
        importing.PracticeImport.read(b"x" * (tables.MAX_BYTES + 1), "f.csv")


def test_cells_are_escaped_in_errors():
    text = "title,lead_name,lead_kind,status\nT,Ente,comune,\x1b[31m" + "x" * 200 + "\n"
    result = run(text)
    reason = result.errors[0].reasons[0]
    assert "\x1b" not in reason and "[31m" in reason  # dropped on reading the file
    assert len(reason) < 150


def test_xlsx_file(tmp_path, prato):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "lead_name", "lead_kind", "zones", "published"])
    sheet.append(["Da foglio", "Comune di Prato", "comune", "Pratese", "si"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "pratiche.xlsx"
    path.write_bytes(buffer.getvalue())
    out = io.StringIO()
    call_command("import_practices", str(path), stdout=out)
    assert "Imported 1 new" in out.getvalue()
    assert Practice.objects.get(title="Da foglio").published


def test_command_reports_bad_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,lead_name,lead_kind\n,Ente,comune\n")
    with pytest.raises(CommandError, match="line 2: title: This field is required."):
        call_command("import_practices", str(path))
