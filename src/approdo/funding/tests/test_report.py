"""The call report: the Italian narrative, and the same figures in the page, the tables, the
API, the PDF, the DOCX and the XLSX."""

import io
import re
import zipfile
import zlib

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from approdo.funding import report
from approdo.funding.tests.test_statistics import build_seed_call
from approdo.reports.documents import format_percent

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return build_seed_call(statistics_public=True, funding_source="Fondi regionali")


def test_the_narrative_tells_the_seed_figures_in_italian(call):
    with translation.override("it"):
        built, _stats = report.build_report(call, public=True)
    text = " ".join(built.paragraphs)
    assert "ha ricevuto 47 domande e ha finanziato 40 progetti (85,1%)" in text
    assert (
        "I 40 progetti finanziati prevedevano azioni di orientamento ai servizi (il 92,5%), "
        "supporto all'abitare e accoglienza temporanea (90,0%)"
    ) in text
    assert "18 progetti erano guidati da enti pubblici e 22 da enti del terzo settore" in text
    assert "26 si rivolgevano a persone in condizione di marginalità (65,0%)" in text
    assert "l'80,0% persone dopo un diniego di protezione" in text
    assert "€ 2.780.000,00" in text  # 40 grants of 50,000 + 1,000 i


def test_the_narrative_in_english_has_no_italian_articles(call):
    with translation.override("en"):
        built, _stats = report.build_report(call, public=True)
    text = " ".join(built.paragraphs)
    assert "orientation to services (92.5%)" in text
    assert "18 projects were led by public bodies" in text


def test_italian_articles_before_percentages():
    from decimal import Decimal

    with translation.override("it"):
        phrases = [report.percent_phrase(Decimal(v)) for v in ("92.5", "80.0", "11.0", "1.5")]
        assert phrases == ["il 92,5%", "l'80,0%", "l'11,0%", "l'1,5%"]
        assert report.percent_phrase(Decimal("18.0")) == "il 18,0%"


def api_figures(client, call) -> dict:
    body = client.get(reverse("api:call-statistics", kwargs={"slug": call.slug})).json()
    return {
        "funded": body["funded"],
        "actions": {item["label"]: (item["projects"], item["percent"]) for item in body["actions"]},
        "public": body["lead_sector"]["public"],
        "marginalita": next(t for t in body["targets"] if t["code"] == "marginalita")["projects"],
    }


def test_text_tables_files_and_api_state_the_same_numbers(client, call):
    figures = api_figures(client, call)
    with translation.override("it"):
        page = client.get(reverse("funding:report", kwargs={"slug": call.slug}))
        docx = client.get(reverse("funding:report-docx", kwargs={"slug": call.slug}))
        xlsx = client.get(reverse("funding:report-xlsx", kwargs={"slug": call.slug}))
        html = page.content.decode()
        with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
            document = archive.read("word/document.xml").decode()
        for label, (projects, percent) in list(figures["actions"].items())[:5]:
            shown = format_percent(percent)  # e.g. "92,5%"
            assert shown in html and shown in document
            assert f'<td class="text-end">{projects}</td>' in html
            assert f"<w:t>{label}</w:t>" in document
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(workbook.sheetnames) == len(report.tables(report.call_statistics(call, public=True)))
    actions = {row[0]: row[1:] for row in workbook.worksheets[2].iter_rows(values_only=True)}
    for label, (projects, percent) in figures["actions"].items():
        as_cells = tuple("n.d." if value is None else value for value in (projects, percent))
        assert actions[label] == as_cells
    sectors = {row[0]: row[1] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert figures["public"] in sectors.values()
    targets = [row for row in workbook.worksheets[3].iter_rows(values_only=True)]
    assert any(row[1] == figures["marginalita"] for row in targets if row[0])


def test_suppressed_figures_read_nd_in_every_file(client, call):
    xlsx = client.get(reverse("funding:report-xlsx", kwargs={"slug": call.slug}))
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    rows = {row[0]: row[1:] for row in workbook.worksheets[2].iter_rows(values_only=True)}
    with translation.override("it"):
        label = "mediazione culturale"
    assert rows[label] == ("n.d.", "n.d.")
    page = client.get(reverse("funding:report", kwargs={"slug": call.slug})).content.decode()
    assert "n.d." in page


def test_the_pdf_is_made_with_local_fonts(client, call):
    response = client.get(reverse("funding:report-pdf", kwargs={"slug": call.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Titillium-Web" in pdf_streams(response.content)


def pdf_streams(content: bytes) -> bytes:
    """The PDF's compressed streams, inflated (fonts are named inside them)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.DOTALL):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(inflated)


def test_the_docx_can_leave_charts_out():
    from approdo.reports.documents import Report, write_report_docx

    content = write_report_docx(Report(title="Prova", paragraphs=["Testo"]), charts=False)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "Testo" in archive.read("word/document.xml").decode()
