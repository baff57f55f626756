"""Reading the CSV and XLSX files people import: one reader for every import (practices,
projects, SAI and CAS places, indicator values), with the guards imports need.

CSV files are read with the standard dialect (double quotes, a quote inside a field doubled):
only the delimiter is detected, comma or semicolon (tab when the header has neither), from the
header line. A BOM is dropped. Memory stays bounded: the file's size is checked before it is
read (MAX_BYTES), a workbook's unpacked size before it is opened (MAX_UNPACKED_BYTES, against
zip bombs), a workbook is read row by row (openpyxl's read-only mode), and a file with more
than MAX_COLUMNS columns or MAX_ROWS rows is refused before its rows are kept. A file that
cannot be read gets a plain message, never a library's internal error.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext

from approdo.core.text import clean_text

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200

_QUOTED = re.compile(r'"[^"]*"')


class ImportFileError(ValueError):
    """The file cannot be read at all (format, size, header)."""


def check_size(size: int) -> None:
    """ImportFileError when a file of `size` bytes is too large to import."""
    if size > MAX_BYTES:
        raise ImportFileError(
            gettext("The file is larger than the %(size)s MB allowed.")
            % {"size": MAX_BYTES // 1024 // 1024}
        )


def read_path(path: Path) -> bytes:
    """The bytes of a file to import, its size checked before it is read."""
    check_size(path.stat().st_size)
    return path.read_bytes()


def read_rows(data: bytes, filename: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty row of a CSV (UTF-8, comma or
    semicolon) or XLSX (first sheet) file; column names are lower-cased. Raises
    ImportFileError when the file cannot be read or lacks a `required` column."""
    check_size(len(data))
    if Path(filename).suffix.lower() == ".xlsx":
        records = _xlsx_records(data)
    else:
        records = csv_records(data)
    header_values = next(records, None)
    if header_values is None:
        raise ImportFileError(gettext("The file is empty."))
    header = [str(name or "").strip().lower() for name in header_values]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for line, values in enumerate(records, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportFileError(
                gettext("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
            )
        row = {
            name: clean_text("" if value is None else str(value)).strip()
            for name, value in zip(header, values, strict=False)
            if name
        }
        if any(row.values()):
            rows.append((line, row))
    return rows


def delimiter_of(header_line: str) -> str:
    """The delimiter of a CSV file from its header line: semicolon when it has more
    semicolons than commas outside quotes, tab when it has neither but tabs, else comma."""
    bare = _QUOTED.sub("", header_line)
    commas, semicolons = bare.count(","), bare.count(";")
    if semicolons > commas:
        return ";"
    if not commas and not semicolons and "\t" in bare:
        return "\t"
    return ","


def csv_records(data: bytes) -> Iterator[list[str]]:
    """The records of a UTF-8 CSV file (standard dialect, delimiter detected), header first.
    ImportFileError, before any record, when the file is not UTF-8 or a record has more than
    MAX_COLUMNS fields."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(gettext("The CSV file is not UTF-8 text.")) from error
    delimiter = delimiter_of(text.split("\n", 1)[0])
    # Quoted fields out, one line is one record: count its fields before the csv module
    # makes a list of them (a line of a million commas would be a list of a million).
    for line in _QUOTED.sub("", text).split("\n"):
        if line.count(delimiter) >= MAX_COLUMNS:
            raise _too_many_columns()
    return _parsed(text, delimiter)


def _parsed(text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), "excel", delimiter=delimiter)
    try:
        for record in reader:
            if len(record) > MAX_COLUMNS:
                raise _too_many_columns()
            yield record
    except csv.Error as error:
        raise ImportFileError(
            gettext("The CSV file cannot be read near line %(line)s.") % {"line": reader.line_num}
        ) from error


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        gettext("The file has more than %(max)s columns.") % {"max": MAX_COLUMNS}
    )


def _cell(value):
    """Spreadsheet values as the text a CSV would hold: dates as ISO dates, whole numbers
    without ".0" (an ISTAT code typed as a number stays a code)."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def unpacked_size(data: bytes) -> int:
    """The sum of the uncompressed sizes of a zip's members; ImportFileError if it is not a
    zip. The sizes are those the archive declares: reading a member stops at its size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(unreadable_workbook()) from error


def unreadable_workbook() -> str:
    return gettext(
        "The file is not a readable XLSX workbook: save it again from your spreadsheet "
        "program as .xlsx, or as CSV."
    )


def _xlsx_records(data: bytes) -> Iterator[list]:
    """The rows of the first sheet, read row by row, trailing empty cells left out."""
    from openpyxl import load_workbook

    if unpacked_size(data) > MAX_UNPACKED_BYTES:  # a zip bomb
        raise ImportFileError(gettext("The workbook unpacks into too much data."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared size of A1:XFD1048576 must not pad every row
    except Exception as error:  # noqa: BLE001  (openpyxl raises many kinds on a broken file)
        raise ImportFileError(unreadable_workbook()) from error
    return _xlsx_rows(workbook, sheet)


def _xlsx_rows(workbook, sheet) -> Iterator[list]:
    try:
        for values in sheet.iter_rows(values_only=True):
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise _too_many_columns()
            yield [_cell(value) for value in values]
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001
        raise ImportFileError(unreadable_workbook()) from error
    finally:
        workbook.close()
