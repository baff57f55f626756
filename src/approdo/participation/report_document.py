"""A table's synthesis report as plain data (`report_data`, read by the report page and the
API), as a PDF (WeasyPrint, citations as CSS footnotes) and as a Word document (python-docx,
citations as real Word footnotes in a footnotes part added with the low-level OPC API).

Only the cited contributions are read, so a table with thousands of contributions prints as
fast as a small one. A contribution hidden by the moderators after it was cited is left out
everywhere; each statement counts how many of its sources were withdrawn so the reader knows.
"""

from __future__ import annotations

import dataclasses
import io
import re
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approdo.funding.models import Project
from approdo.participation import figures
from approdo.participation.models import Contribution, Statement, SynthesisReport
from approdo.practices.models import Practice
from approdo.reports.documents import font_faces, write_pdf


def _author(row: dict) -> str | None:
    """The speaker as the public may read it: nobody for an anonymous contribution."""
    if row["anonymous"] or not row["speaker"]:
        return None
    if row["speaker_organization"]:
        return f"{row['speaker']} ({row['speaker_organization']})"
    return row["speaker"]


def _project(pk: int, code: str, title: str, call_slug: str, call_title: str) -> dict:
    return {
        "id": pk,
        "code": code,
        "title": title,
        # The project's own page is for the funding staff and the applicant; the public
        # follows the link to its call.
        "url": reverse("funding:project-detail", kwargs={"slug": call_slug, "pk": pk}),
        "call": {
            "slug": call_slug,
            "title": call_title,
            "url": reverse("funding:call-detail", kwargs={"slug": call_slug}),
        },
    }


PROJECT_COLUMNS = ("pk", "code", "title", "call__slug", "call__title")


def _practice(code: str, title: str) -> dict:
    return {
        "code": code,
        "title": title,
        "url": reverse("practices:detail", kwargs={"code": code}),
    }


def _citations(report: SynthesisReport) -> tuple[list[dict], dict, dict]:
    """(the statements as rows with "cited" (visible contribution ids, in reading order) and
    "withdrawn" (hidden ones), the cited contributions by id, (projects, practices) of each):
    plain rows in six queries, whatever the size of the table: a report of a large event
    cites hundreds of contributions, and model instances with their prefetched relations
    would cost more than the page's target."""
    links = Statement.citations.through.objects.filter(statement__report=report)
    statements = list(report.statements.values("id", "kind", "order", "text"))
    cited: dict[int, list[int]] = {row["id"]: [] for row in statements}
    withdrawn: dict[int, int] = dict.fromkeys(cited, 0)
    for statement_id, contribution_id, hidden_at in links.values_list(
        "statement_id", "contribution_id", "contribution__hidden_at"
    ):
        if hidden_at is None:
            cited[statement_id].append(contribution_id)
        else:
            withdrawn[statement_id] += 1
    ids = {pk for pks in cited.values() for pk in pks}
    contributions = {
        row["id"]: row
        for row in Contribution.objects.filter(pk__in=ids).values(
            "id",
            "text",
            "phase",
            "speaker",
            "speaker_organization",
            "anonymous",
            "created_at",
            "question__order",
            "question__text",
        )
    }
    projects: dict[int, list[dict]] = {pk: [] for pk in ids}
    project_links = Contribution.projects.through.objects.filter(
        contribution_id__in=ids, project__status=Project.Status.FUNDED
    ).order_by("project__title", "project_id")
    columns = [f"project__{name}" if name != "pk" else "project_id" for name in PROJECT_COLUMNS]
    for contribution_id, *project in project_links.values_list("contribution_id", *columns):
        projects[contribution_id].append(_project(*project))
    practices: dict[int, list[dict]] = {pk: [] for pk in ids}
    practice_links = Contribution.practices.through.objects.filter(
        contribution_id__in=ids, practice__in=Practice.objects.published()
    ).order_by("practice__title", "practice_id")
    for contribution_id, code, title in practice_links.values_list(
        "contribution_id", "practice__code", "practice__title"
    ):
        practices[contribution_id].append(_practice(code, title))
    kinds = {Statement.Kind.FINDING: 0, Statement.Kind.RECOMMENDATION: 1}
    statements.sort(key=lambda row: (kinds.get(row["kind"], 2), row["order"], row["id"]))
    for row in statements:
        row["cited"] = sorted(
            cited[row["id"]],
            key=lambda pk: (
                contributions[pk]["question__order"],
                contributions[pk]["created_at"],
                pk,
            ),
        )
        row["withdrawn"] = withdrawn[row["id"]]
    return statements, contributions, {pk: (projects[pk], practices[pk]) for pk in ids}


def report_data(report: SynthesisReport, *, event_figures: bool = True) -> dict:
    """The report as plain data (JSON-able), whatever its status; callers check
    permissions.can_see_report first. Without `event_figures`, "figures" and
    "projects_discussed" (the event's, the same for each of its tables) are left out.
    Stable shape, read by the page and the API:

    {
      "id", "status" ("draft" | "in_review" | "published"), "published_at" (ISO or None),
      "event": {"slug", "title", "starts_at", "ends_at"},          # ISO date-times
      "table": {"number", "title"},
      "questions": [{"order", "text"}],
      "summary": str,
      "findings": [STATEMENT], "recommendations": [STATEMENT],
      "withdrawn": int,            # citations left out in the whole report (hidden sources)
      "figures": {"participants", "attendance_taken", "organisations", "by_kind": [[label, n]],
                  "by_asl": [[name, n]], "by_zona": [[name, n]], "without_territory"},
      "projects_discussed": [PROJECT],   # Event.projects
      "projects_cited": [PROJECT],       # funded projects cited by the contributions cited
    }
    STATEMENT = {"id", "kind", "order", "text", "withdrawn": int, "citations": [CITATION]}
    CITATION = {"number": footnote number (1.. across the report), "contribution": id,
                "text", "phase", "question": {"order", "text"},
                "author": "Name (Organisation)" or None when anonymous or unknown,
                "projects": [PROJECT], "practices": [PRACTICE]}
    PROJECT = {"id", "code", "title", "url" (project page: funding staff and applicant only),
               "call": {"slug", "title", "url" (public)}}
    PRACTICE = {"code", "title", "url"}   # a practice's key is its code (no slug)
    """
    table = report.table
    event = table.event
    number = 0
    sections: dict[str, list] = {Statement.Kind.FINDING: [], Statement.Kind.RECOMMENDATION: []}
    cited_projects: dict[int, dict] = {}
    withdrawn = 0
    statements, contributions, cites = _citations(report)
    for statement in statements:
        citations = []
        for pk in statement["cited"]:
            number += 1
            row = contributions[pk]
            projects, practices = cites[pk]
            for project in projects:
                cited_projects.setdefault(project["id"], project)
            citations.append(
                {
                    "number": number,
                    "contribution": pk,
                    "text": row["text"],
                    "phase": row["phase"],
                    "question": {"order": row["question__order"], "text": row["question__text"]},
                    "author": _author(row),
                    "projects": projects,
                    "practices": practices,
                }
            )
        withdrawn += statement["withdrawn"]
        sections.setdefault(statement["kind"], []).append(
            {
                "id": statement["id"],
                "kind": statement["kind"],
                "order": statement["order"],
                "text": statement["text"],
                "withdrawn": statement["withdrawn"],
                "citations": citations,
            }
        )
    data = {
        "id": report.pk,
        "status": report.status,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "event": {
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
        },
        "table": {"number": table.number, "title": table.title},
        "questions": [{"order": q.order, "text": q.text} for q in table.questions.all()],
        "summary": report.summary,
        "findings": sections[Statement.Kind.FINDING],
        "recommendations": sections[Statement.Kind.RECOMMENDATION],
        "withdrawn": withdrawn,
        "projects_cited": sorted(cited_projects.values(), key=lambda p: (p["title"], p["id"])),
    }
    if event_figures:
        counted = dataclasses.asdict(figures.participation(event))
        data["figures"] = {
            key: [list(pair) for pair in value] if isinstance(value, list) else value
            for key, value in counted.items()
        }
        discussed = event.projects.order_by("title", "pk").values_list(*PROJECT_COLUMNS)
        data["projects_discussed"] = [_project(*row) for row in discussed]
    return data


def withdrawn_note(count: int) -> str:
    return ngettext(
        "One source withdrawn by the moderators.",
        "%(count)s sources withdrawn by the moderators.",
        count,
    ) % {"count": count}


def document_context(report: SynthesisReport) -> dict:
    data = report_data(report)
    event = report.table.event
    return {
        "data": data,
        "report": report,
        "event": event,
        "table": report.table,
        "event_date": formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT"),
        "sections": [
            (_("Findings"), data["findings"]),
            (_("Recommendations"), data["recommendations"]),
        ],
    }


def footnote_text(citation: dict) -> str:
    """A citation as one line of a footnote: the contribution, who said it (unless
    anonymous), its question, the projects and practices it cites."""
    head = f"“{citation['text']}”"
    if citation["author"]:
        head += f" — {citation['author']}"
    parts = [
        head,
        _("Question %(order)s: %(text)s")
        % {"order": citation["question"]["order"], "text": citation["question"]["text"]},
    ]
    if citation["projects"]:
        titles = "; ".join(p["title"] for p in citation["projects"])
        parts.append(_("Projects: %(list)s") % {"list": titles})
    if citation["practices"]:
        titles = "; ".join(p["title"] for p in citation["practices"])
        parts.append(_("Practices: %(list)s") % {"list": titles})
    return ". ".join(part.rstrip(".") for part in parts) + "."


PDF_CSS = """
@page { size: A4; margin: 2cm 2cm 2.2cm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; }
  @footnote { border-top: 0.5pt solid #555; padding-top: 4pt; } }
body { font-family: "Titillium Web", sans-serif; font-size: 10.5pt; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 14pt; margin: 14pt 0 4pt; }
h3 { font-size: 11pt; margin: 10pt 0 2pt; }
.note { float: footnote; font-size: 8.5pt; line-height: 1.25; }
.note::footnote-call { content: attr(data-calls); vertical-align: super; font-size: 7pt; }
.note::footnote-marker { content: ""; }
.source { display: block; }
table { border-collapse: collapse; margin: 4pt 0; } th, td { border: 0.5pt solid #999;
  padding: 2pt 6pt; text-align: left; }
.muted { color: #444; font-size: 9pt; }
"""


def report_pdf(report: SynthesisReport) -> bytes:
    html = render_to_string("participation/report_pdf.html", document_context(report))
    return write_pdf(html, font_faces() + PDF_CSS)


# Word ----------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


class _Footnotes:
    """The footnotes part python-docx has no API for: the separators Word expects (ids -1
    and 0) and one <w:footnote> per citation, referenced from the body by its id."""

    def __init__(self):
        self.notes: list[str] = []

    def add(self, paragraph, text: str) -> None:
        from docx.oxml import parse_xml

        note_id = len(self.notes) + 1
        self.notes.append(
            f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:rPr><w:sz w:val="18"/></w:rPr>'
            f'<w:t xml:space="preserve"> {_xml_text(text)}</w:t></w:r></w:p></w:footnote>'
        )
        paragraph._p.append(
            parse_xml(
                f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{note_id}"/></w:r>'
            )
        )

    def attach(self, document) -> None:
        from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        separators = (
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:footnotes xmlns:w="{W_NS}">{separators}{"".join(self.notes)}</w:footnotes>'
        )
        part = Part(
            PackURI("/word/footnotes.xml"),
            CONTENT_TYPE.WML_FOOTNOTES,
            xml.encode("utf-8"),
            document.part.package,
        )
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def report_docx(report: SynthesisReport) -> bytes:
    from docx import Document

    context = document_context(report)
    data = context["data"]
    document = Document()
    title = _("Synthesis report: %(table)s") % {"table": data["table"]["title"]}
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(f"{data['event']['title']} — {context['event_date']}")
    document.add_paragraph(_("Table %(number)s") % {"number": data["table"]["number"]})
    if data["questions"]:
        document.add_heading(_("Guiding questions"), level=1)
        for question in data["questions"]:
            document.add_paragraph(question["text"], style="List Number")
    if data["summary"]:
        document.add_heading(_("Summary"), level=1)
        for block in data["summary"].split("\n\n"):
            document.add_paragraph(block.strip())
    notes = _Footnotes()
    for heading, statements in context["sections"]:
        if not statements:
            continue
        document.add_heading(heading, level=1)
        for statement in statements:
            paragraph = document.add_paragraph(statement["text"], style="List Number")
            for citation in statement["citations"]:
                notes.add(paragraph, footnote_text(citation))
            if statement["withdrawn"]:
                document.add_paragraph(withdrawn_note(statement["withdrawn"]))
    _docx_figures(document, data)
    notes.attach(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_figures(document, data: dict) -> None:
    counted = data["figures"]
    document.add_heading(_("Who took part"), level=1)
    document.add_paragraph(
        _("Participants: %(participants)s; organisations: %(organisations)s.")
        % {"participants": counted["participants"], "organisations": counted["organisations"]}
    )
    for heading, rows in (
        (_("Organisations by kind"), counted["by_kind"]),
        (_("By ASL"), counted["by_asl"]),
        (_("By zona distretto"), counted["by_zona"]),
    ):
        if rows:
            document.add_heading(heading, level=2)
            for label, n in rows:
                document.add_paragraph(f"{label}: {n}", style="List Bullet")
    for heading, projects in (
        (_("Projects discussed at the event"), data["projects_discussed"]),
        (_("Projects cited"), data["projects_cited"]),
    ):
        if projects:
            document.add_heading(heading, level=1)
            for project in projects:
                document.add_paragraph(f"{project['code']} — {project['title']}", "List Bullet")
