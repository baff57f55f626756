"""Every writer writes any value: what a format cannot hold becomes text or is cleaned, never
an exception; a streamed CSV that fails midway does not look complete."""

import datetime
import decimal
import io
import zipfile

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from approdo.reports.datasets import Sheet
from approdo.reports.writers import (
    RowCountMismatch,
    csv_lines,
    number,
    write_csv,
    write_ods,
    write_xlsx,
    xml_cell,
)

HUGE = 10**400
HOSTILE = [
    HUGE,
    -(10**15),
    10**15 - 1,
    float("inf"),
    float("nan"),
    decimal.Decimal("1e30"),
    decimal.Decimal("NaN"),
    "a\x00b\x0bc\x01",
    "x\ud800y",
    "=1+1",
    "9" * 400,  # a numeric answer of 400 digits
    "9" * 5000,  # more digits than int() reads
    "1e400",
]


def hostile_sheet() -> Sheet:
    return Sheet(
        title="Dati: [prova]\x00",
        headers=["h\x00" + str(i) for i in range(len(HOSTILE))],
        rows=[list(HOSTILE)],
        expected=1,
        numeric=(10, 11, 12),
    )


def test_xml_cells_hold_only_what_xml_and_spreadsheets_can():
    assert xml_cell(HUGE) == str(HUGE)
    assert xml_cell(10**15 - 1) == 10**15 - 1
    assert xml_cell(float("inf")) == "inf"
    assert xml_cell(decimal.Decimal("1e30")) == "1E+30"
    assert xml_cell(decimal.Decimal("12.5")) == decimal.Decimal("12.5")
    assert xml_cell("a\x00b\x0bc\ud800") == "ab\nc"
    assert len(xml_cell("x" * 40_000)) == 32_767
    assert xml_cell("x" * 40_000).endswith(" [...]")
    assert xml_cell("x" * 32_767) == "x" * 32_767
    assert number("9" * 5000) == "9" * 5000
    assert number("9" * 16) == "9" * 16
    assert number("-123") == -123


def test_xlsx_writes_every_value():
    out = io.BytesIO()

    assert write_xlsx([hostile_sheet()], out) == 1

    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[0] == "h0"
    assert row[0] == str(HUGE)
    assert row[1] == str(-(10**15))  # a text cell: never run as a formula
    assert row[2] == 10**15 - 1
    assert row[3] == "inf"
    assert row[7] == "ab\nc"
    assert row[8] == "xy"
    assert row[9] == "'=1+1"
    assert row[10] == "9" * 400
    assert row[11] == "9" * 5000


def test_ods_writes_every_value():
    out = io.BytesIO()

    assert write_ods([hostile_sheet()], out) == 1

    content = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("content.xml").decode()
    assert "\x00" not in content and "\x0b" not in content
    header, row = read_ods(out.getvalue())["Dati_ _prova_"]
    assert header[0] == "h0"
    assert row[:4] == [str(HUGE), str(-(10**15)), 10**15 - 1, "inf"]
    assert type(row[2]) is float  # a number cell, not text
    assert row[7:12] == ["ab\nc", "xy", "'=1+1", "9" * 400, "9" * 5000]


def read_ods(data: bytes) -> dict[str, list[list]]:
    """Each sheet's rows as python-calamine (the Rust reader calamine, which pandas also
    uses) reads them: a reader that shares nothing with the writer."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_ods_values_and_types_read_back_with_a_spreadsheet_reader():
    answers = Sheet(
        title="Risposte",
        headers=["codice", "persone", "importo", "quota", "nota", "dal", "età"],
        rows=[
            ["A-1", 12, 2.5, decimal.Decimal("1234.56"), "=1+1", datetime.date(2024, 5, 31), "7"],
            ['B & <2> "c"', -3, 0.1, None, "", None, "sette"],
        ],
        expected=2,
        numeric=(6,),
    )
    repeats = Sheet(title="Ripetizioni", headers=["n"], rows=iter([[1], [2]]))
    out = io.BytesIO()

    assert write_ods([answers, repeats], out) == 2

    sheets = read_ods(out.getvalue())
    assert list(sheets) == ["Risposte", "Ripetizioni"]
    header, first, second = sheets["Risposte"]
    assert header == ["codice", "persone", "importo", "quota", "nota", "dal", "età"]
    assert first == ["A-1", 12, 2.5, 1234.56, "'=1+1", "2024-05-31", 7]
    assert [type(value) for value in first] == [str, float, float, float, str, str, float]
    assert second == ['B & <2> "c"', -3, 0.1, "", "", "", "sette"]
    assert [type(value) for value in second] == [str, float, float, str, str, str, str]
    assert sheets["Ripetizioni"] == [["n"], [1], [2]]


def test_csv_writes_every_value():
    out = io.BytesIO()

    assert write_csv([hostile_sheet()], out) == 1

    text = out.getvalue().decode("utf-8")  # strict: every byte is UTF-8
    assert str(HUGE) in text
    assert "xy" in text


def test_streamed_csv_lines_are_encodable():
    text = "".join(csv_lines(hostile_sheet()))

    text.encode("utf-8")
    assert str(HUGE) in text


def failing_rows():
    yield ["uno"]
    yield ["due"]
    raise RuntimeError("connection lost")


def test_a_streamed_csv_failing_midway_ends_with_a_notice_and_fails():
    sheet = Sheet(title="t", headers=["a"], rows=failing_rows())
    lines = []

    with pytest.raises(RuntimeError):
        for line in csv_lines(sheet):
            lines.append(line)

    assert lines[1:3] == ["uno\r\n", "due\r\n"]
    assert "EXPORT INCOMPLETE" in lines[-1]
    assert "2" in lines[-1]


def test_a_streamed_csv_with_rows_missing_ends_with_a_notice_and_fails():
    sheet = Sheet(title="t", headers=["a"], rows=[["uno"]], expected=3)
    lines = []

    with pytest.raises(RowCountMismatch):
        for line in csv_lines(sheet):
            lines.append(line)

    assert "EXPORT INCOMPLETE" in lines[-1]
