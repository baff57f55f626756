"""Writers of sheets into CSV, XLSX and ODS, in constant memory.

Every text cell is guarded against formula injection: a value starting with = + - @ (or a tab
or carriage return) gets a leading apostrophe, so a spreadsheet shows it as text. Each writer
counts the rows it writes and raises RowCountMismatch when a sheet says how many rows it must
have and the count differs: an export never reports success with rows missing.

A value a format cannot hold is written as text, never an exception: numbers a spreadsheet
cannot keep exactly (more than 15 significant digits, infinities, NaN) become text in XLSX and
ODS, the characters XML forbids are dropped from XLSX and ODS cells, text longer than a cell
holds (32,767 characters) is cut with a visible " [...]", lone surrogates (which
UTF-8 cannot encode) from CSV. A streamed CSV that fails midway ends with a line saying that
the file is incomplete, and the stream then fails, so the client sees a broken transfer
rather than a complete-looking file.
"""

import csv
import datetime
import decimal
import io
import logging
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext

from approdo.core.text import clean_text, has_unstorable
from approdo.reports.datasets import Sheet

logger = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SURROGATES = re.compile("[\ud800-\udfff]")
PROGRESS_EVERY = 1000
# Spreadsheets keep 15 significant digits: a larger whole number is written as text, exactly.
MAX_EXACT_INTEGER = 10**15
# Excel's limit of the text of one cell; longer text is cut and ends with TRUNCATED.
MAX_CELL_TEXT = 32_767
TRUNCATED = " [...]"

Progress = Callable[[int], None]


class RowCountMismatch(RuntimeError):
    """Fewer or more rows were written than the database holds."""

    def __init__(self, sheet: str, written: int, expected: int):
        self.written, self.expected = written, expected
        super().__init__(
            gettext("Sheet “%(sheet)s”: %(written)s rows written, %(expected)s expected.")
            % {"sheet": sheet, "written": written, "expected": expected}
        )


def safe_text(value: str) -> str:
    """A text cell that no spreadsheet will run as a formula."""
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


_FORMULA_START = frozenset(FORMULA_PREFIXES)
_NUMBERS = (int, float, decimal.Decimal)


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers stay numbers, the rest becomes guarded text."""
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in _FORMULA_START else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if kind is bool:
        return int(value)
    if isinstance(value, _NUMBERS):
        return value
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return safe_text(str(value))


def number(value: Any) -> Any:
    """A number written as text as a number, when it reads as a finite one."""
    if type(value) is not str or not value:
        return value
    digits = value[1:] if value[0] == "-" else value
    if digits.isdecimal():  # whole: int() reads it (a failed int() costs more than this)
        return int(value) if len(digits) <= 15 else value
    if len(value) > 40:  # no number a spreadsheet holds is written this long
        return value
    try:
        result = float(value)
    except ValueError:
        return value
    return result if math.isfinite(result) else value


def cells(values: Iterable[Any]) -> list[Any]:
    """cell() of each value, None kept (an empty cell). The common kinds go without a call:
    this runs for every cell of an export."""
    start = _FORMULA_START
    return [
        v
        if (type(v) is str and not (v and v[0] in start))
        or type(v) is int
        or type(v) is float
        or v is None
        else cell(v)
        for v in values
    ]


def number_cells(values: Iterable[Any]) -> list[Any]:
    """cells() of a column of numbers written as text (Sheet.numeric): a negative number is
    not a formula, other text starting like one is guarded."""
    start = _FORMULA_START
    return [
        v if v is None or (type(v) is str and not (v and v[0] in start)) else _number_cell(v)
        for v in values
    ]


def _number_cell(value: Any) -> Any:
    if type(value) is str:
        return value if number(value) is not value else safe_text(value)
    return cell(value)


def _typed(sheet: Sheet, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """The rows with the sheet's numeric columns as numbers (for XLSX and ODS)."""
    numeric = sheet.numeric
    if not numeric:
        yield from rows
        return
    for row in rows:
        for index in numeric:
            row[index] = number(row[index])
        yield row


def xml_cell(value: Any) -> Any:
    """A cell for XML formats (XLSX, ODS): also without the characters XML forbids, and a
    number a spreadsheet cannot hold exactly as text."""
    value = cell(value)
    kind = type(value)
    if kind is str:
        if has_unstorable(value):
            value = clean_text(value)
        if len(value) > MAX_CELL_TEXT:  # more than a spreadsheet cell holds: cut, visibly
            value = value[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
        return value
    if kind is int:
        return value if -MAX_EXACT_INTEGER < value < MAX_EXACT_INTEGER else str(value)
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        exact = value.is_finite() and (not value or value.adjusted() < 15)
        return value if exact else safe_text(str(value))
    return value


def _check(sheet: Sheet, written: int) -> None:
    if sheet.expected is not None and written != sheet.expected:
        raise RowCountMismatch(sheet.title, written, sheet.expected)


def _counted(sheet: Sheet, progress: Progress | None) -> Iterator[list[Any]]:
    written = 0
    for row in sheet.rows:
        yield row
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    _check(sheet, written)
    if progress is not None:
        progress(written)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(sheet: Sheet, progress: Progress | None) -> Iterator[list[Any]]:
    if sheet.ready:
        yield from _counted(sheet, progress)
        return
    for row in _counted(sheet, progress):
        yield cells(row)


def encodable(line: str) -> str:
    """`line` without lone surrogates, which UTF-8 cannot encode."""
    if line.isascii() or not _SURROGATES.search(line):
        return line
    return _SURROGATES.sub("", line)


def csv_stream(headers: list[Any], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines of `headers` then `rows` (cells already made), with a BOM, for a streamed
    response. If producing the rows fails, a last line says the file is incomplete and the
    error is raised again, so the transfer fails too: a client never gets a partial file
    that looks complete."""
    writer = csv.writer(_Echo())
    yield encodable("\ufeff" + writer.writerow([cell(h) for h in headers]))
    written = 0
    try:
        for row in rows:
            yield encodable(writer.writerow(row))
            written += 1
    except Exception:
        logger.exception("A streamed CSV failed after %s rows", written)
        yield writer.writerow([incomplete_notice(written)])
        raise


def incomplete_notice(written: int) -> str:
    return gettext(
        "EXPORT INCOMPLETE: an error stopped it after %(rows)s rows. Do not use this file; "
        "download it again."
    ) % {"rows": written}


def csv_lines(sheet: Sheet, progress: Progress | None = None) -> Iterator[str]:
    """The sheet as CSV lines (header first), for a streamed response (see csv_stream).
    Raises RowCountMismatch at the end if the rows do not match the expected count."""
    return csv_stream(sheet.headers, _csv_rows(sheet, progress))


def write_csv(sheets: list[Sheet], out: IO[bytes], progress: Progress | None = None) -> int:
    """Write the first sheet as UTF-8 CSV (with BOM, for spreadsheets); return its row count."""
    sheet = sheets[0]
    # "ignore" drops lone surrogates, the only text UTF-8 cannot encode.
    text = io.TextIOWrapper(out, encoding="utf-8", errors="ignore", newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow([cell(h) for h in sheet.headers])
    count = 0

    def counting():
        nonlocal count
        for row in _csv_rows(sheet, progress):
            count += 1
            yield row

    writer.writerows(counting())  # the rows straight to the file, without a line per row
    text.flush()
    text.detach()
    return count


def write_xlsx(sheets: list[Sheet], out: IO[bytes], progress: Progress | None = None) -> int:
    """Write every sheet with openpyxl's write-only mode; return the first sheet's rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    first = 0
    try:
        for index, sheet in enumerate(sheets):
            worksheet = workbook.create_sheet(_sheet_title(sheet.title, index))
            worksheet.append([xml_cell(h) for h in sheet.headers])
            written = 0
            for row in _typed(sheet, _counted(sheet, progress if index == 0 else None)):
                worksheet.append([xml_cell(value) for value in row])
                written += 1
            if index == 0:
                first = written
    except BaseException:
        for worksheet in workbook.worksheets:  # finish the temporary files, then fail
            worksheet.close()
        raise
    workbook.save(out)
    return first


def _sheet_title(title: str, index: int) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", " ".join(clean_text(title).split())).strip("'")[:31]
    return cleaned or f"Sheet{index + 1}"


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<office:document-content"
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' office:version="1.2"><office:body><office:spreadsheet>'
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods_row(values: Iterable[Any]) -> str:
    cells = []
    for value in values:
        value = xml_cell(value)
        if isinstance(value, int | float | decimal.Decimal):
            cells.append(
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        elif value == "":
            cells.append("<table:table-cell/>")
        else:
            cells.append(
                '<table:table-cell office:value-type="string">'
                f"<text:p>{escape(value)}</text:p></table:table-cell>"
            )
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def write_ods(sheets: list[Sheet], out: IO[bytes], progress: Progress | None = None) -> int:
    """Write every sheet as an OpenDocument spreadsheet, streaming content.xml into the zip;
    return the first sheet's rows."""
    first = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        with archive.open("content.xml", "w", force_zip64=True) as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8")
            stream.write(_ODS_HEAD)
            for index, sheet in enumerate(sheets):
                stream.write(
                    f"<table:table table:name={quoteattr(_sheet_title(sheet.title, index))}>"
                )
                stream.write(_ods_row(sheet.headers))
                written = 0
                for row in _typed(sheet, _counted(sheet, progress if index == 0 else None)):
                    stream.write(_ods_row(row))
                    written += 1
                if index == 0:
                    first = written
                stream.write("</table:table>")
            stream.write(_ODS_TAIL)
            stream.flush()
            stream.detach()
    return first


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": ODS_MIMETYPE,
}
