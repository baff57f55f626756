"""The synthesis report pages: who reads and writes a report at each stage, the statement
editor with its citations, the review, the files, and a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approdo.funding.tests.factories import make_call, make_project
from approdo.organizations.tests.factories import make_user
from approdo.participation import synthesis
from approdo.participation.models import ReviewComment, Statement, SynthesisReport
from approdo.participation.tests.factories import make_event, make_table
from approdo.participation.tests.test_synthesis import hide, make_contribution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    # The assertions read the English msgids, whatever the lead translates them into.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def rapporteur(db):
    return make_user("relatore@example.org")


@pytest.fixture
def table(prato, rapporteur):
    return make_table(make_event(organizers=[prato]), rapporteur=rapporteur)


def url(table, name="report-detail", **extra):
    kwargs = {"slug": table.event.slug, "number": table.number, **extra}
    return reverse(f"participation:{name}", kwargs=kwargs)


def published_report(table, by, statements=2, citations=3):
    report = synthesis.report_for(table)
    for n in range(statements):
        said = [make_contribution(table, f"Contributo {n}-{k}") for k in range(citations)]
        synthesis.save_statement(
            report, by=by, kind=("finding", "recommendation")[n % 2], text=f"S{n}", citations=said
        )
    synthesis.submit_for_review(report, by=by)
    synthesis.publish(report, by=by)
    return report


def test_published_report_is_public_with_its_sources(client, table, prato_member, coop):
    project = make_project(make_call(), coop, code="F-9", title="Case ponte", status="funded")
    signed = make_contribution(table, "Le case ponte funzionano.", speaker="Anna Rossi")
    signed.projects.add(project)
    secret = make_contribution(table, "Serve un garante.", speaker="Mario Bianchi", anonymous=True)
    gone = make_contribution(table, "Poi nascosto.")
    report = synthesis.report_for(table)
    synthesis.save_statement(
        report,
        by=prato_member,
        kind="finding",
        text="Ponti utili.",
        citations=[signed, secret, gone],
    )
    synthesis.submit_for_review(report, by=prato_member)
    synthesis.publish(report, by=prato_member)
    hide(gone)
    response = client.get(url(table))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ponti utili." in page and 'href="#source-1"' in page and 'id="source-2"' in page
    assert "Le case ponte funzionano." in page and "Anna Rossi" in page
    assert project.call.get_absolute_url() in page and "Case ponte" in page
    assert "Mario Bianchi" not in page and "Poi nascosto." not in page
    assert "One source withdrawn by the moderators." in page
    assert url(table, "report-pdf") in page and url(table, "report-docx") in page
    assert 'id="history-title"' not in page  # the history is for the organisers
    client.force_login(prato_member)
    assert 'id="history-title"' in client.get(url(table)).content.decode()


def test_a_draft_is_seen_by_its_writers_only(client, table, rapporteur, coop_member):
    synthesis.report_for(table)
    assert client.get(url(table)).status_code == 404
    assert client.get(url(table, "report-pdf")).status_code == 404
    client.force_login(coop_member)
    assert client.get(url(table)).status_code == 404
    assert client.get(url(table, "report-edit")).status_code == 404
    client.force_login(rapporteur)
    response = client.get(url(table))
    assert response.status_code == 200 and "Send for review" in response.content.decode()
    assert b'lang="en"' in response.content
    assert client.get(url(table, "report-docx")).status_code == 200


def test_reading_the_edit_page_creates_nothing_and_saving_does(client, table, rapporteur):
    client.force_login(rapporteur)
    assert client.get(url(table, "report-edit")).status_code == 200
    assert not SynthesisReport.objects.exists()
    response = client.post(url(table, "report-edit"), {"form": "summary", "summary": "Intro"})
    assert response.status_code == 302
    assert SynthesisReport.objects.get(table=table).summary == "Intro"


def test_statement_editor_groups_contributions_and_checks_citations(client, table, rapporteur):
    first = make_contribution(table, "Primo")
    second = make_contribution(table, "Secondo", question=2)
    hidden = make_contribution(table, "Nascosto")
    hide(hidden)
    client.force_login(rapporteur)
    page = client.get(url(table, "report-edit")).content.decode()
    assert page.count("<legend") == 4  # kind, citations, and one per guiding question
    assert "Primo" in page and "Secondo" in page and "Nascosto" not in page
    data = {"form": "statement", "kind": "finding", "text": "Affermazione", "citations": [first.pk]}
    bad = client.post(url(table, "report-edit"), {**data, "citations": [first.pk, hidden.pk]})
    assert bad.status_code == 400
    assert "visible contributions of its own table" in bad.content.decode()
    assert not Statement.objects.exists()
    assert client.post(url(table, "report-edit"), data).status_code == 302
    statement = Statement.objects.get()
    assert list(statement.citations.all()) == [first]
    edit = {**data, "statement": statement.pk, "citations": [first.pk, second.pk]}
    assert client.post(url(table, "report-edit"), edit).status_code == 302
    assert statement.citations.count() == 2
    form = client.get(url(table, "report-edit") + f"?statement={statement.pk}").content.decode()
    assert f'value="{second.pk}" id="citation-{second.pk}" checked' in form


def test_delete_and_move_are_posts(client, table, rapporteur):
    report = synthesis.report_for(table)
    a, b = (
        synthesis.save_statement(report, by=rapporteur, kind="finding", text=t, citations=[])
        for t in "AB"
    )
    client.force_login(rapporteur)
    move = url(table, "report-statement-move", pk=b.pk)
    assert client.get(move).status_code == 405
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert list(report.statements.order_by("order").values_list("text", flat=True)) == ["B", "A"]
    delete = url(table, "report-statement-delete", pk=a.pk)
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert list(report.statements.values_list("text", flat=True)) == ["B"]


def test_review_workflow_through_the_pages(client, table, rapporteur, prato_member, coop_member):
    report = synthesis.report_for(table)
    synthesis.save_statement(report, by=rapporteur, kind="finding", text="A", citations=[])
    transition = url(table, "report-transition")
    client.force_login(rapporteur)
    assert client.post(transition, {"action": "submit"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "in_review"
    assert client.post(transition, {"action": "publish"}).status_code == 403
    assert client.post(url(table, "report-comment"), {"comment-text": "io"}).status_code == 403
    assert client.get(url(table, "report-edit")).status_code == 403  # no longer writes
    client.force_login(coop_member)
    assert client.post(transition, {"action": "publish"}).status_code == 404
    client.force_login(prato_member)
    commented = client.post(url(table, "report-comment"), {"comment-text": "Rivedere"})
    assert commented.status_code == 302
    response = client.post(transition, {"action": "send_back", "comment": ""}, follow=True)
    assert "Say what the rapporteur should change." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "in_review"
    assert client.post(transition, {"action": "send_back", "comment": "Di più"}).status_code == 302
    assert ReviewComment.objects.filter(report=report).count() == 2
    client.force_login(rapporteur)
    edit = client.get(url(table, "report-edit")).content.decode()
    assert "Rivedere" in edit and "Di più" in edit
    client.post(transition, {"action": "submit"})
    client.force_login(prato_member)
    response = client.post(transition, {"action": "submit"}, follow=True)
    assert "This cannot be done while the report is" in response.content.decode()
    assert client.post(transition, {"action": "publish"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "published"
    client.logout()
    assert client.get(url(table)).status_code == 200


def test_files_of_a_published_report(client, table, prato_member):
    published_report(table, prato_member, statements=1, citations=1)
    pdf = client.get(url(table, "report-pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(url(table, "report-docx"))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "attachment" in docx["Content-Disposition"]


def test_report_page_makes_a_bounded_number_of_queries(client, table, prato_member):
    small = published_report(table, prato_member, statements=1, citations=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(table)).status_code == 200
    big_table = make_table(small.table.event, number=2)
    published_report(big_table, prato_member, statements=12, citations=5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(big_table)).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 16, "\n".join(q["sql"][:150] for q in many)


def test_before_anything_is_written_writers_go_to_the_editor(client, table, rapporteur):
    assert client.get(url(table)).status_code == 404
    client.force_login(rapporteur)
    response = client.get(url(table))
    assert response.status_code == 302 and response["Location"] == url(table, "report-edit")
    assert not SynthesisReport.objects.exists()
