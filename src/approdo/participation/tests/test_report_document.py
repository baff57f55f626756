"""The published report as data, PDF and Word: citations with their contribution, question,
author (never for an anonymous one), projects and practices; hidden sources left out."""

import io
import time
import zipfile

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from approdo.funding.models import Project
from approdo.funding.tests.factories import make_call, make_project
from approdo.participation import report_document, synthesis
from approdo.participation.models import Contribution, Statement
from approdo.participation.tests.factories import make_event, make_registration, make_table
from approdo.participation.tests.test_synthesis import hide, make_contribution
from approdo.practices.tests.test_catalogue_fixtures import make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The assertions read the English msgids, whatever the lead translates them into.
    with translation.override("en"):
        yield


@pytest.fixture
def published(prato, coop, prato_member):
    """A published report: a finding citing a signed and an anonymous contribution (one
    citing a funded project and a practice), a recommendation citing one later hidden."""
    event = make_event(organizers=[prato], title="Accoglienza diffusa in Toscana")
    call = make_call()
    funded = make_project(call, coop, code="F-1", title="Case ponte", status="funded")
    pending = make_project(call, coop, code="P-2", title="Domanda in esame")
    event.projects.add(funded)
    practice = make_practice("Sportello unico migranti", prato)
    table = make_table(event, title="Abitare", questions=2)
    make_registration(event, organization=coop)
    make_registration(event, organization=prato)
    signed = make_contribution(
        table, "Le case ponte funzionano.", speaker="Anna Rossi", speaker_organization="Il Ponte"
    )
    signed.projects.add(funded, pending)
    signed.practices.add(practice)
    secret = make_contribution(
        table, "Serve un garante.", question=2, speaker="Mario Bianchi", anonymous=True
    )
    withdrawn = make_contribution(table, "Testo poi nascosto.")
    report = synthesis.report_for(table)
    synthesis.update_summary(report, by=prato_member, summary="Il tavolo sull'abitare.")
    synthesis.save_statement(
        report,
        by=prato_member,
        kind="finding",
        text="Le soluzioni ponte aiutano.",
        citations=[signed, secret],
    )
    synthesis.save_statement(
        report,
        by=prato_member,
        kind="recommendation",
        text="Finanziare il garante.",
        citations=[secret, withdrawn],
    )
    synthesis.submit_for_review(report, by=prato_member)
    synthesis.publish(report, by=prato_member)
    hide(withdrawn)
    return report


def test_report_data_gives_statements_with_their_citations(published):
    data = report_document.report_data(published)
    assert data["status"] == "published" and data["summary"] == "Il tavolo sull'abitare."
    assert data["event"]["title"] == "Accoglienza diffusa in Toscana"
    assert data["table"] == {"number": 1, "title": "Abitare"}
    assert [q["order"] for q in data["questions"]] == [1, 2]
    [finding] = data["findings"]
    first, second = finding["citations"]
    assert (first["number"], second["number"]) == (1, 2)
    assert first["text"] == "Le case ponte funzionano."
    assert first["author"] == "Anna Rossi (Il Ponte)"
    assert first["question"] == {"order": 1, "text": "Domanda 1?"}
    # Only the funded project and the published practice are cited in public.
    assert [p["title"] for p in first["projects"]] == ["Case ponte"]
    assert [p["code"] for p in first["practices"]] == [
        Contribution.objects.get(pk=first["contribution"]).practices.get().code
    ]
    assert second["author"] is None  # anonymous: the name never leaves the organisers
    [recommendation] = data["recommendations"]
    assert [c["text"] for c in recommendation["citations"]] == ["Serve un garante."]
    assert recommendation["withdrawn"] == 1 and data["withdrawn"] == 1
    assert [p["code"] for p in data["projects_discussed"]] == ["F-1"]
    assert [p["code"] for p in data["projects_cited"]] == ["F-1"]
    assert data["figures"]["participants"] == 2
    assert "Mario Bianchi" not in str(data) and "Testo poi nascosto" not in str(data)


def test_pdf_has_citations_as_footnotes(published):
    context = report_document.document_context(published)
    html = render_to_string("participation/report_pdf.html", context)
    # One footnote per statement (its call reads "1, 2"), one line per source in it: WeasyPrint
    # lays a page's footnote area out again for each footnote, so fewer, longer ones are fast.
    assert html.count('class="note"') == 2 and html.count('class="source"') == 3
    assert 'data-calls="1, 2"' in html and 'data-calls="3"' in html
    assert "Le case ponte funzionano." in html and "Anna Rossi (Il Ponte)" in html
    assert "Mario Bianchi" not in html and "Testo poi nascosto" not in html
    assert "One source withdrawn by the moderators." in html
    assert "float: footnote" in report_document.PDF_CSS
    pdf = report_document.report_pdf(published)
    assert pdf.startswith(b"%PDF")


def test_docx_has_real_footnotes(published):
    from docx import Document

    blob = report_document.report_docx(published)
    document = Document(io.BytesIO(blob))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Le soluzioni ponte aiutano." in body and "Finanziare il garante." in body
    assert "One source withdrawn by the moderators." in body
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        footnotes = package.read("word/footnotes.xml").decode()
        main = package.read("word/document.xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert "footnotes.xml" in rels
    assert main.count("<w:footnoteReference") == 3
    assert footnotes.count("<w:footnoteRef/>") == 3
    assert "Le case ponte funzionano." in footnotes and "Anna Rossi (Il Ponte)" in footnotes
    assert "Case ponte" in footnotes and "Sportello unico migranti" in footnotes
    assert "Mario Bianchi" not in footnotes + body
    assert "Testo poi nascosto" not in footnotes + body


def test_a_large_table_prints_fast(prato, prato_member):
    """5,000 contributions, 50 statements citing 4 each: only the cited ones are printed."""
    table = make_table(make_event(organizers=[prato]), questions=5)
    questions = list(table.questions.all())
    Contribution.objects.bulk_create(
        Contribution(question=questions[n % 5], phase="during", text=f"Contributo {n} " * 8)
        for n in range(5000)
    )
    ids = list(Contribution.objects.filter(question__table=table).values_list("pk", flat=True))
    report = synthesis.report_for(table)
    statements = Statement.objects.bulk_create(
        Statement(report=report, kind=("finding", "recommendation")[n % 2], order=n, text=f"S{n}")
        for n in range(50)
    )
    Through = Statement.citations.through
    Through.objects.bulk_create(
        Through(statement_id=s.pk, contribution_id=ids[(i * 97 + k * 13) % len(ids)])
        for i, s in enumerate(statements)
        for k in range(4)
    )
    started = time.process_time()  # CPU time: the machine is shared
    pdf = report_document.report_pdf(report)
    elapsed = time.process_time() - started
    assert pdf.startswith(b"%PDF")
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert Project.objects.count() == 0  # nothing else made the document heavy
