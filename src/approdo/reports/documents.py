"""Analyst reports as documents: a title, paragraphs and tables (each with its chart), written
as an HTML page, a PDF (WeasyPrint), a DOCX (python-docx) and an XLSX (one sheet per table).

Every output reads the same `Report` object, so a figure printed in a paragraph, a table cell,
a chart label or a spreadsheet cell comes from one value formatted by one function.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.staticfiles import finders
from django.utils.formats import number_format
from django.utils.translation import gettext

from approdo.reports.charts import Chart
from approdo.reports.datasets import Sheet
from approdo.reports.suppression import NOT_AVAILABLE
from approdo.reports.writers import write_xlsx

COUNT, PERCENT, AMOUNT, TEXT = "count", "percent", "amount", "text"


def format_count(value: int | None) -> str:
    return NOT_AVAILABLE if value is None else number_format(value, force_grouping=True)


def format_percent(value: Decimal | None) -> str:
    """92.5 as "92,5%" in Italian ("92.5%" in English); "n.d." when suppressed."""
    if value is None:
        return NOT_AVAILABLE
    return gettext("%(number)s%%") % {"number": number_format(value, decimal_pos=1)}


def format_amount(value: Decimal | None) -> str:
    if value is None:
        return NOT_AVAILABLE
    amount = number_format(value, decimal_pos=2, force_grouping=True)
    return gettext("€ %(amount)s") % {"amount": amount}


FORMATS: dict[str, Callable[[Any], str]] = {
    COUNT: format_count,
    PERCENT: format_percent,
    AMOUNT: format_amount,
    TEXT: lambda value: "" if value is None else str(value),
}


@dataclass
class Column:
    title: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    """One table of figures; the first column labels the rows. `chart` draws the same figures;
    `note` says how they are computed (numerator, denominator, rounding, date)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""
    chart: Chart | None = None

    def text_rows(self) -> list[list[str]]:
        return [
            [FORMATS[column.kind](value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]

    def html_rows(self) -> list[list[tuple[str, bool]]]:
        """(text, numeric) per cell, for templates."""
        return [
            [(text, column.numeric) for column, text in zip(self.columns, row, strict=True)]
            for row in self.text_rows()
        ]

    def sheet(self) -> Sheet:
        """The table as a spreadsheet sheet: numbers stay numbers, hidden ones read "n.d."."""
        rows = [
            [
                NOT_AVAILABLE if value is None and column.numeric else _plain(value)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]
        return Sheet(self.title, [c.title for c in self.columns], rows, expected=len(rows))


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@dataclass
class Report:
    title: str
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_report_xlsx(report: Report) -> bytes:
    out = io.BytesIO()
    write_xlsx([table.sheet() for table in report.tables], out)
    return out.getvalue()


def write_report_docx(report: Report, *, charts: bool = True) -> bytes:
    """The report as a Word document: title, paragraphs, then each table with its chart as a
    PNG image (or, with charts=False, a note that charts are in the other formats)."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    if report.subtitle:
        document.add_paragraph(report.subtitle)
    for paragraph in report.paragraphs:
        document.add_paragraph(paragraph)
    for table in report.tables:
        document.add_heading(table.title, level=1)
        if table.chart is not None and charts:
            document.add_picture(io.BytesIO(table.chart.png()), width=Cm(15))
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = column.title
            cell.paragraphs[0].runs[0].bold = True
        for row in table.text_rows():
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        if table.note:
            document.add_paragraph(table.note, style="Caption")
    for note in report.notes:
        document.add_paragraph(note)
    if not charts:
        document.add_paragraph(gettext("The charts are in the PDF and on the web page."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_pdf(html: str, css: str) -> bytes:
    """HTML and CSS (with the fonts of `font_faces`) as a tagged PDF. Nothing is fetched but
    the local font files: a report never reaches the network."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = {f"file://{path}" for path in _font_paths().values()}

    class LocalFontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in fonts:
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    local_fonts_only = LocalFontsOnly(allowed_protocols={"file"})
    font_config = FontConfiguration()
    stylesheet = CSS(string=css, font_config=font_config, url_fetcher=local_fonts_only)
    document = HTML(string=html, url_fetcher=local_fonts_only)
    return document.write_pdf(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant="pdf/ua-1"
    )


FONT_DIR = "vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-"
FONT_FILES = {400: "regular.ttf", 600: "600.ttf", 700: "700.ttf"}


def _font_paths() -> dict[int, str]:
    paths = {weight: finders.find(FONT_DIR + name) for weight, name in FONT_FILES.items()}
    return {weight: path for weight, path in paths.items() if path}


def font_faces() -> str:
    """@font-face rules pointing at the local font files (no network when printing)."""
    return "\n".join(
        f'@font-face {{ font-family: "Titillium Web"; font-weight: {weight}; '
        f'src: url("file://{path}") format("truetype"); }}'
        for weight, path in _font_paths().items()
    )
