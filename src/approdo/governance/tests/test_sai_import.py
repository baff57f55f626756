"""`approdo import-sai`: all or nothing, every bad row reported with its line, dry run,
re-import changes nothing, holders matched or created."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from approdo.core.models import HistoryEntry
from approdo.governance import importing
from approdo.governance.models import CasFigure, SaiProject
from approdo.organizations.models import Organization
from approdo.reports.tables import ImportFileError

pytestmark = pytest.mark.django_db

HEADER = "code,holder_name,holder_kind,manager_name,type,places,comuni,start_date,end_date"
GOOD = [
    "PROG-1,Comune di Prato,comune,Cooperativa Nuova Rotta,ordinari,30,100005;100006:10,"
    "2024-01-01,2026-12-31",
    "PROG-2,Unione dei Comuni della Val di Bisenzio,unione_comuni,,msna,12,100006;100007,"
    "01/01/2024,",
]


def write(tmp_path, lines, name="sai.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_sai", str(path), *args, stdout=out)
    return out.getvalue()


def test_good_file_imports_and_a_second_run_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    assert "2 new" in run(path)
    project = SaiProject.objects.get(code="PROG-1")
    assert project.places_by_comune() == {"100005": 20, "100006": 10}
    assert project.manager.kind == "altro_ets" and project.holder.kind == "comune"
    assert SaiProject.objects.get(code="PROG-2").places_by_comune() == {"100006": 6, "100007": 6}
    history = HistoryEntry.objects.count()
    assert "2 unchanged" in run(path)
    assert HistoryEntry.objects.count() == history
    assert Organization.objects.filter(name="Comune di Prato", kind="comune").count() == 1


def test_update_is_recorded_in_history(tmp_path):
    run(write(tmp_path, GOOD))
    changed = [GOOD[0].replace(",30,", ",35,"), GOOD[1]]
    assert "1 updated" in run(write(tmp_path, changed))
    entry = HistoryEntry.objects.for_object(SaiProject.objects.get(code="PROG-1")).first()
    assert entry.action == "updated" and entry.changes["places"] == ["30", "35"]


def test_dry_run_writes_nothing(tmp_path):
    organizations = Organization.objects.count()
    assert "Dry run" in run(write(tmp_path, GOOD), "--dry-run")
    assert not SaiProject.objects.exists()
    assert Organization.objects.count() == organizations


def test_every_bad_row_is_reported_and_nothing_written(tmp_path):
    bad = [
        GOOD[0],
        "PROG-3,Comune di Prato,comune,,ordinari,10,999999,2024-01-01,",  # unknown ISTAT code
        "PROG-4,Prefettura di Prato,prefettura,,ordinari,10,100005,2024-01-01,",  # wrong kind
        "PROG-5,Comune di Prato,comune,,ordinari,0,100005,2024-01-01,",  # non-positive places
        "PROG-6,Comune di Prato,comune,,ordinari,10,100005,2024-06-01,2024-01-01",  # end < start
        "PROG-1,Comune di Prato,comune,,ordinari,10,100005,2024-01-01,",  # duplicate code
        "PROG-7,Comune di Prato,comune,,speciale,10,100005:20,2024-13-01,",  # several at once
    ]
    path = write(tmp_path, bad)
    with pytest.raises(CommandError) as error:
        run(path)
    message = str(error.value)
    assert "6 bad row(s), nothing imported" in message
    for line, reason in [
        (3, "comuni: unknown ISTAT code “999999”"),
        (4, "holder_kind: “prefettura” is not one of comune, unione_comuni, sds"),
        (5, "places: Ensure this value is greater than or equal to 1."),
        (6, "end_date: the end date comes before the start date"),
        (7, "code: “PROG-1” is already on line 2"),
        (8, "type: “speciale” is not one of ordinari, dm_ds, msna"),
    ]:
        assert f"line {line}: {reason}" in message
    # line 8 lists all its reasons, in the order of the columns
    assert (
        "type: “speciale” is not one of ordinari, dm_ds, msna; "
        "comuni: The places given per comune exceed the project's places.; "
        "start_date: “2024-13-01” is not a date"
    ) in message
    assert not SaiProject.objects.exists()
    assert not Organization.objects.filter(name="Cooperativa Nuova Rotta").exists()


def test_tax_code_of_an_organisation_of_another_kind_is_refused(tmp_path, coop):
    coop.tax_code = "01234560017"
    coop.save()
    header = HEADER + ",holder_tax_code"
    path = tmp_path / "sai.csv"
    path.write_text(
        f"{header}\nPROG-9,Comune X,comune,,ordinari,5,100005,2024-01-01,,01234560017\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        run(path)
    assert (
        "line 2: holder_tax_code: tax code 01234560017 belongs to Cooperativa Sociale Il Ponte, "
        "of kind cooperativa_sociale"
    ) in str(error.value)
    assert not SaiProject.objects.exists()


def test_xlsx_and_missing_columns(tmp_path):
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["PROG-X", "Comune di Prato", "comune", None, "dm_ds", 8, "100005", None, None])
    sheet["H2"] = datetime.datetime(2024, 2, 1)
    path = tmp_path / "sai.xlsx"
    book.save(path)
    assert "1 new" in run(path)
    assert SaiProject.objects.get(code="PROG-X").start_date == datetime.date(2024, 2, 1)
    missing = "Missing columns: holder_kind, type, places, comuni, start_date."
    with translation.override("en"), pytest.raises(ImportFileError, match=missing):
        importing.SaiImport.read(b"code,holder_name\nA,B\n", "x.csv")


CAS_GOOD = "date,comune,province,places,presences\n2024-03-01,100005,,120,98\n2024-03-01,,FI,900,\n"


def run_cas(path, *args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_cas", str(path), *args, stdout=out)
    return out.getvalue()


def test_cas_figures_are_created_then_updated(tmp_path):
    path = tmp_path / "cas.csv"
    path.write_text(CAS_GOOD, encoding="utf-8")
    assert "Imported 2 new, 0 updated and 0 unchanged CAS figure(s)." in run_cas(path)
    assert CasFigure.objects.get(comune_id="100005").presences == 98
    assert CasFigure.objects.get(province__sigla="FI").places == 900
    path.write_text(CAS_GOOD.replace("120,98", "125,99"), encoding="utf-8")
    assert "Imported 0 new, 1 updated and 1 unchanged CAS figure(s)." in run_cas(path)
    assert CasFigure.objects.count() == 2
    assert CasFigure.objects.get(comune_id="100005").places == 125


def test_cas_dry_run_reports_updates_as_updates(tmp_path):
    path = tmp_path / "cas.csv"
    path.write_text(CAS_GOOD, encoding="utf-8")
    run_cas(path)
    changed = CAS_GOOD.replace("120,98", "125,99") + "2024-04-01,100005,,130,\n"
    path.write_text(changed, encoding="utf-8")

    output = run_cas(path, "--dry-run")

    assert (
        "Dry run, nothing written: would import 1 new, 1 updated and 1 unchanged CAS figure(s)."
    ) in output
    assert CasFigure.objects.count() == 2
    assert CasFigure.objects.get(comune_id="100005").places == 120


def test_cas_bad_rows_are_all_reported_and_nothing_written(tmp_path):
    path = tmp_path / "cas.csv"
    path.write_text(CAS_GOOD, encoding="utf-8")
    run_cas(path)
    bad = (
        "date,comune,province,places,presences\n"
        "2024-13-01,100005,,1,\n"  # bad date
        "2024-04-01,100005,PO,1,\n"  # both territories
        "2024-04-01,,XX,1,\n"  # unknown province
        "2024-04-01,999999,,,\n"  # unknown comune, no figure
        "2024-04-03,100005,,1.000,\n"  # not a whole number
        "2024-04-02,100005,,7,\n"  # a fine row
        "02/04/2024,100005,,8,\n"  # the same date and comune
    )
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run_cas(path)
    message = str(error.value)
    assert "6 bad row(s)" in message
    for line, reason in [
        (2, "date: “2024-13-01” is not a date"),
        (3, "give either comune or province"),
        (4, "province: unknown province XX"),
        (5, "give places or presences; comune: unknown ISTAT code “999999”"),
        (6, "places: “1.000” is not a whole number"),
        (8, "the same date and territory are already on line 7"),
    ]:
        assert f"line {line}: {reason}" in message
    assert CasFigure.objects.count() == 2
