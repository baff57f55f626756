"""Imported files arrive whole: quotes, commas, semicolons, line breaks inside fields and BOMs
survive every import (practices, projects, SAI, CAS, indicator values), in comma and semicolon
CSV and in XLSX; hostile files (a million columns, zip bombs, broken workbooks) are refused
with a plain message, before they cost memory."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from approdo.funding import importing as project_importing
from approdo.funding import monitoring
from approdo.funding.forms import IndicatorUploadForm, ProjectImportForm
from approdo.funding.models import Indicator, IndicatorValue, Project
from approdo.funding.tests.factories import make_call, make_project
from approdo.governance import importing as governance_importing
from approdo.governance.models import CasFigure, SaiProject
from approdo.practices import importing as practice_importing
from approdo.practices.models import Practice
from approdo.reports import tables

pytestmark = pytest.mark.django_db

LINE = 'Il progetto "Casa aperta" ospita, a Prato; 12 persone'
TEXT = LINE + '\nSeconda riga, con "virgolette"; e punto e virgola\r\nTerza'
STORED_TEXT = TEXT  # stored as written, line endings too

FORMATS = ["comma", "semicolon", "comma-bom-crlf", "semicolon-bom", "xlsx"]


def encode(table: list[list[str]], form: str) -> tuple[bytes, str]:
    """`table` as a file of the given form: (bytes, file name)."""
    if form == "xlsx":
        workbook = Workbook()
        for row in table:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "data.xlsx"
    out = io.StringIO(newline="")
    delimiter = ";" if form.startswith("semicolon") else ","
    terminator = "\r\n" if "crlf" in form else "\n"
    csv.writer(out, delimiter=delimiter, lineterminator=terminator).writerows(table)
    text = ("\ufeff" if "bom" in form else "") + out.getvalue()
    return text.encode(), "data.csv"


def test_doubled_quotes_are_read_whole():
    data = b'title,summary\r\n"Il progetto ""Casa aperta"" ospita, a Prato, 12 persone",ok\r\n'

    [(line, row)] = tables.read_rows(data, "f.csv", ["title"])

    assert row == {
        "title": 'Il progetto "Casa aperta" ospita, a Prato, 12 persone',
        "summary": "ok",
    }
    assert line == 2


def test_the_delimiter_is_found_in_the_header_only():
    assert tables.delimiter_of("a;b;c") == ";"
    assert tables.delimiter_of("a,b,c") == ","
    assert tables.delimiter_of('"a,b";c;d') == ";"
    assert tables.delimiter_of("a\tb") == "\t"
    assert tables.delimiter_of("only") == ","


@pytest.mark.parametrize("form", FORMATS)
def test_practices_round_trip(form, prato):
    data, name = encode(
        [
            ["title", "lead_name", "lead_kind", "summary", "results"],
            [LINE, "Comune di Prato", "comune", TEXT, "a;b,c"],
        ],
        form,
    )

    result = practice_importing.PracticeImport().run(
        practice_importing.PracticeImport.read(data, name)
    )

    assert result.errors == []
    practice = Practice.objects.get()
    assert (practice.title, practice.summary, practice.results) == (LINE, STORED_TEXT, "a;b,c")


@pytest.mark.parametrize("form", FORMATS)
def test_projects_round_trip(form, prato):
    data, name = encode(
        [
            ["code", "title", "lead_name", "lead_kind", "status", "summary"],
            ["A-1", LINE, "Comune di Prato", "comune", "funded", TEXT],
        ],
        form,
    )

    rows = project_importing.ProjectImport.read(data, name)
    result = project_importing.ProjectImport(call_slug="bando").run(rows)

    assert result.errors == []
    project = Project.objects.get()
    assert (project.title, project.summary) == (LINE, STORED_TEXT)


@pytest.mark.parametrize("form", FORMATS)
def test_sai_round_trip(form):
    header = ["code", "holder_name", "holder_kind", "type", "places", "comuni", "start_date"]
    data, name = encode(
        [header, ["PROG-1", LINE, "comune", "ordinari", "30", "100005;100006:10", "2024-01-01"]],
        form,
    )

    result = governance_importing.SaiImport().run(governance_importing.SaiImport.read(data, name))

    assert result.errors == []
    project = SaiProject.objects.get()
    assert project.holder.name == LINE
    assert project.places_by_comune() == {"100005": 20, "100006": 10}


@pytest.mark.parametrize("form", FORMATS)
def test_cas_round_trip(form):
    data, name = encode(
        [
            ["date", "comune", "places", "presences", "note"],
            ["2024-03-01", "100005", "120", "98", TEXT],
        ],
        form,
    )

    rows = governance_importing.CasImport.read(data, name)
    result = governance_importing.CasImport().run(rows)

    assert result.errors == []
    figure = CasFigure.objects.get()
    assert (figure.places, figure.presences) == (120, 98)


@pytest.mark.parametrize("form", [f for f in FORMATS if f != "xlsx"])
def test_indicator_values_round_trip(form, prato, anci_coordinator):
    call = make_call()
    make_project(call, prato, code="F-1", status="funded", title=LINE)
    Indicator.objects.create(call=call, code="persone", name=TEXT, unit="persone", target=100)
    exported = monitoring.indicator_values_csv(call)  # no periods yet: the header only
    header = next(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    row = ["F-1", "persone", "2024-06-30", "40", "35", LINE, TEXT, "persone"]
    data, _ = encode([header, row], form)

    result = monitoring.upload_indicator_values(
        call, monitoring.read_indicator_csv(data), by=anci_coordinator
    )

    assert result.errors == [] and result.changed == 1
    value = IndicatorValue.objects.get()
    assert (value.period, value.planned, value.achieved) == (
        datetime.date(2024, 6, 30),
        Decimal(40),
        Decimal(35),
    )


def test_a_million_columns_are_refused_even_with_the_valid_ones():
    header = "title,lead_name,lead_kind," + ",".join(f"c{i}" for i in range(1_000_000))
    data = (header + "\nT,Ente,comune\n").encode()

    with pytest.raises(tables.ImportFileError, match="200 columns"):
        tables.read_rows(data, "f.csv", ["title"])


def test_a_row_with_too_many_columns_is_refused():
    data = ("title\nT" + "," * 500 + "\n").encode()

    with pytest.raises(tables.ImportFileError, match="200 columns"):
        tables.read_rows(data, "f.csv", ["title"])


def test_commas_inside_quotes_do_not_count_as_columns():
    data = ('title,summary\nT,"' + "a, " * 1000 + '"\n').encode()

    [(_, row)] = tables.read_rows(data, "f.csv", ["title"])

    assert row["summary"].count(",") == 1000


def test_a_workbook_with_too_many_columns_is_refused():
    data, name = encode([["title", *[f"c{i}" for i in range(300)]]], "xlsx")

    with pytest.raises(tables.ImportFileError, match="200 columns"):
        tables.read_rows(data, name, ["title"])


def test_trailing_empty_cells_of_a_workbook_do_not_count():
    workbook = Workbook()
    workbook.active.append(["title"])
    workbook.active.append(["T"])
    workbook.active.cell(row=1, column=5000).value = None
    workbook.active.cell(row=1, column=5000).number_format = "0.00"  # a styled empty cell
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = tables.read_rows(buffer.getvalue(), "f.xlsx", ["title"])

    assert rows == [(2, {"title": "T"})]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))

    with pytest.raises(tables.ImportFileError, match="unpacks into too much data"):
        tables.read_rows(buffer.getvalue(), "bomb.xlsx", ["title"])


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        b"plain text",
        b"",
        "zip-without-workbook",
        "truncated",
    ],
)
def test_broken_workbooks_get_a_plain_message(data):
    if data == "zip-without-workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hello")
        data = buffer.getvalue()
    elif data == "truncated":
        data = encode([["title"], ["T"]], "xlsx")[0][:-200]

    with pytest.raises(tables.ImportFileError) as caught:
        tables.read_rows(data, "f.xlsx", ["title"])

    assert "not a readable XLSX workbook" in str(caught.value)


def test_bad_csv_text_gets_a_plain_message():
    with pytest.raises(tables.ImportFileError, match="not UTF-8"):
        tables.read_rows("title\nCittà\n".encode("latin-1"), "f.csv", ["title"])


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)

    with pytest.raises(tables.ImportFileError, match="more than 3 rows"):
        tables.read_rows(b"title\n1\n2\n3\n4\n", "f.csv", ["title"])


def test_import_commands_check_the_size_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_BYTES", 10)
    path = tmp_path / "f.csv"
    path.write_bytes(b"title\n" + b"x" * 100)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read"))

    with pytest.raises(tables.ImportFileError, match="larger than"):
        tables.read_path(path)


@pytest.mark.parametrize("form_class", [ProjectImportForm, IndicatorUploadForm])
def test_import_forms_cap_the_file_size(form_class, monkeypatch):
    monkeypatch.setattr(tables, "MAX_BYTES", 10)
    upload = SimpleUploadedFile("f.csv", b"title\n" + b"x" * 100, content_type="text/csv")

    form = form_class(data={}, files={"file": upload})

    assert not form.is_valid()
    assert "larger than" in str(form.errors["file"])
