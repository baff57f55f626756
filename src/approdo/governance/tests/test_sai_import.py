"""`approdo import-sai`: all or nothing, every bad row reported with its line, dry run,
re-import changes nothing, holders matched or created."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from approdo.core.models import HistoryEntry
from approdo.governance import importing
from approdo.governance.models import SaiProject
from approdo.organizations.models import Organization

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
        (3, "999999"),
        (4, "prefettura"),
        (5, "positive"),
        (6, "end_date is before start_date"),
        (7, "already on line 2"),
        (8, "speciale"),
    ]:
        assert f"line {line}: " in message and reason in message
    assert "exceed" in message and "not a date" in message  # line 8 lists all its reasons
    assert not SaiProject.objects.exists()
    assert not Organization.objects.filter(name="Cooperativa Nuova Rotta").exists()


def test_tax_code_of_an_organisation_of_another_kind_is_refused(tmp_path, coop):
    coop.tax_code = "01234567897"
    coop.save()
    header = HEADER + ",holder_tax_code"
    path = tmp_path / "sai.csv"
    path.write_text(
        f"{header}\nPROG-9,Comune X,comune,,ordinari,5,100005,2024-01-01,,01234567897\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="line 2"):
        run(path)
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
    with translation.override("en"), pytest.raises(importing.ImportFileError, match="places"):
        importing.read_rows(b"code,holder_name\nA,B\n", "x.csv")


def test_cas_figures_all_or_nothing_then_update(tmp_path):
    from approdo.governance.models import CasFigure

    path = tmp_path / "cas.csv"
    good = "date,comune,province,places,presences\n2024-03-01,100005,,120,98\n2024-03-01,,FI,900,\n"
    path.write_text(good, encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_cas", str(path), stdout=out)
    assert "2 new" in out.getvalue()
    assert CasFigure.objects.get(comune_id="100005").presences == 98
    assert CasFigure.objects.get(province__sigla="FI").places == 900
    path.write_text(good.replace("120,98", "125,99"), encoding="utf-8")
    with translation.override("en"):
        call_command("import_cas", str(path), stdout=out)
    assert CasFigure.objects.count() == 2
    assert CasFigure.objects.get(comune_id="100005").places == 125
    bad = (
        "date,comune,province,places,presences\n"
        "2024-13-01,100005,,1,\n"  # bad date
        "2024-04-01,100005,PO,1,\n"  # both territories
        "2024-04-01,,XX,1,\n"  # unknown province
        "2024-04-01,999999,,,\n"  # unknown comune, no figure
        "2024-04-02,100005,,uno,\n"  # not a number
    )
    path.write_text(bad, encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_cas", str(path), stdout=out)
    assert "5 bad row(s)" in str(error.value)
    for line in range(2, 7):
        assert f"line {line}: " in str(error.value)
    assert CasFigure.objects.count() == 2
