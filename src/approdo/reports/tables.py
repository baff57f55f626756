"""Reading the CSV and XLSX files people import: one reader for every import command, with the
guards imports need (size, row count, unpacked size of a workbook against zip bombs)."""

import csv
import datetime
import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 10_000


class ImportFileError(ValueError):
    """The file cannot be read at all (format, size, header)."""


def read_rows(data: bytes, filename: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty row of a CSV (UTF-8, comma, semicolon
    or tab) or XLSX (first sheet) file; column names are lower-cased. Raises ImportFileError
    when the file cannot be read or lacks a `required` column."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            gettext("The file is larger than the %(size)s MB allowed.")
            % {"size": MAX_BYTES // 1024 // 1024}
        )
    if Path(filename).suffix.lower() == ".xlsx":
        table = _xlsx_table(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(gettext("The CSV file is not UTF-8 text.")) from error
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    if not table:
        raise ImportFileError(gettext("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(
            gettext("The file has %(rows)s rows; at most %(max)s are allowed.")
            % {"rows": len(table) - 1, "max": MAX_ROWS}
        )
    header = [str(name or "").strip().lower() for name in table[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for line, values in enumerate(table[1:], start=2):
        row = {
            name: ("" if value is None else str(value)).strip()
            for name, value in zip(header, values, strict=False)
            if name
        }
        if any(row.values()):
            rows.append((line, row))
    return rows


def _cell(value):
    """Spreadsheet values as the text a CSV would hold: dates as ISO dates, whole numbers
    without ".0" (an ISTAT code typed as a number stays a code)."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _xlsx_table(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(gettext("The file is not a readable XLSX workbook.")) from error
    if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb
        raise ImportFileError(gettext("The workbook unpacks into too much data."))
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            if len(table) > MAX_ROWS + 1:
                break
            table.append([_cell(value) for value in values])
    except Exception as error:  # noqa: BLE001  (openpyxl raises many kinds on a broken file)
        raise ImportFileError(gettext("The file is not a readable XLSX workbook.")) from error
    return table
