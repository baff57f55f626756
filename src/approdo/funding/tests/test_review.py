from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from python_calamine import CalamineWorkbook

from approdo.funding import actions, ranking
from approdo.funding.models import Score
from approdo.funding.tests.factories import make_project
from approdo.organizations.tests.factories import make_user
from approdo.reports.actions import request_export
from approdo.reports.datasets import DatasetError
from approdo.reports.tasks import build_export

pytestmark = pytest.mark.usefixtures("_pages_in_english")


@pytest.fixture
def assignment(prato_application, reviewer, anci_coordinator, criteria):
    return actions.assign_reviewer(prato_application, reviewer, by=anci_coordinator)


def _detail(project):
    return reverse("funding:project-detail", args=[project.call.slug, project.pk])


def test_reviewer_sees_only_assigned_applications(
    client, assignment, prato_application, coop_application, reviewer
):
    client.force_login(reviewer)
    assert client.get(_detail(prato_application)).status_code == 200
    assert client.get(_detail(coop_application)).status_code == 404
    listing = client.get(reverse("funding:application-list")).content.decode()
    assert "P-PRATO" in listing and "P-COOP" not in listing
    other = make_user("altro@valutazioni.example")
    client.force_login(other)
    assert client.get(reverse("funding:review-detail", args=[assignment.pk])).status_code == 404
    assert client.get(_detail(prato_application)).status_code == 404


def test_scores_are_refused_before_the_declaration(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("funding:review-detail", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "Declare and continue" in page and "Send the scores" not in page
    data = {"step": "score", f"score_{criteria[0].pk}": "5", "send": "1"}
    assert client.post(url, data).status_code == 403
    with pytest.raises(actions.ReviewError):
        actions.save_scores(
            assignment, by=reviewer, scores={criteria[0].pk: (Decimal(5), "")}, submit=False
        )
    assert not Score.objects.exists()


def test_reviewer_declares_then_scores_and_sends(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("funding:review-detail", args=[assignment.pk])
    assert client.post(url, {"step": "declare"}).status_code == 200  # box not ticked
    client.post(url, {"step": "declare", "coi-declare": "on"})
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None
    too_high = {"step": "score", f"score_{criteria[0].pk}": "11", "send": "1"}
    assert client.post(url, too_high).status_code == 422
    data = {
        "step": "score",
        f"score_{criteria[0].pk}": "8",
        f"comment_{criteria[0].pk}": "Buona proposta",
        f"score_{criteria[1].pk}": "4",
        "send": "1",
    }
    assert client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert Score.objects.get(criterion=criteria[0]).comment == "Buona proposta"
    # sent scores no longer change
    data[f"score_{criteria[0].pk}"] = "1"
    client.post(url, data)
    assert Score.objects.get(criterion=criteria[0]).score == 8


def test_sending_needs_every_criterion(assignment, reviewer, criteria):
    actions.declare_no_conflict(assignment, by=reviewer)
    with pytest.raises(actions.ReviewError):
        actions.save_scores(
            assignment, by=reviewer, scores={criteria[0].pk: (Decimal(5), "")}, submit=True
        )


def _review(project, reviewer, coordinator, criteria, values):
    assignment = actions.assign_reviewer(project, reviewer, by=coordinator)
    actions.declare_no_conflict(assignment, by=reviewer)
    scores = {c.pk: (Decimal(v), "") for c, v in zip(criteria, values, strict=True)}
    actions.save_scores(assignment, by=reviewer, scores=scores, submit=True)


def test_ranking_uses_weighted_means_of_sent_reviews(
    call, criteria, prato_application, coop_application, reviewer, anci_coordinator, prato
):
    second = make_user("secondo@valutazioni.example")
    # prato: (8*2 + 4) = 20 and (6*2 + 5) = 17 -> 18.50; coop: (9*2 + 5) = 23
    _review(prato_application, reviewer, anci_coordinator, criteria, [8, 4])
    _review(prato_application, second, anci_coordinator, criteria, [6, 5])
    _review(coop_application, reviewer, anci_coordinator, criteria, [9, 5])
    unsent = actions.assign_reviewer(coop_application, second, by=anci_coordinator)
    actions.declare_no_conflict(unsent, by=second)
    actions.save_scores(unsent, by=second, scores={criteria[0].pk: (Decimal(0), "")}, submit=False)
    make_project(call, prato, code="P-NONE")
    _criteria, rows, maximum = ranking.ranking(call)
    assert maximum == Decimal("25.00")
    assert [(r.position, r.project.code, r.total) for r in rows] == [
        (1, "P-COOP", Decimal("23.00")),
        (2, "P-PRATO", Decimal("18.50")),
        (None, "P-NONE", None),
    ]
    assert rows[1].criterion_means == [Decimal("7.00"), Decimal("4.50")]


def test_equal_totals_share_a_position(
    call, criteria, prato_application, coop_application, reviewer, anci_coordinator
):
    _review(prato_application, reviewer, anci_coordinator, criteria, [5, 5])
    _review(coop_application, reviewer, anci_coordinator, criteria, [5, 5])
    _criteria, rows, _max = ranking.ranking(call)
    assert [r.position for r in rows] == [1, 1]


def test_ranking_pages_and_exports(
    client, call, criteria, prato_application, reviewer, anci_coordinator, analyst, coop_member
):
    _review(prato_application, reviewer, anci_coordinator, criteria, [8, 4])
    client.force_login(analyst)
    page = client.get(reverse("funding:ranking", args=[call.slug]))
    assert page.status_code == 200 and "20.00" in page.content.decode()
    xlsx = client.get(reverse("funding:ranking-xlsx", args=[call.slug]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == f'attachment; filename="graduatoria-{call.slug}.xlsx"'
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:2] == [1, "P-PRATO"]
    pdf = client.get(reverse("funding:ranking-pdf", args=[call.slug]))
    assert pdf.content.startswith(b"%PDF")
    client.force_login(coop_member)
    assert client.get(reverse("funding:ranking", args=[call.slug])).status_code == 403


def test_the_ranking_is_a_dataset_for_those_who_read_every_application(
    call, criteria, prato_application, reviewer, anci_coordinator, analyst, coop_member
):
    _review(prato_application, reviewer, anci_coordinator, criteria, [8, 4])
    with pytest.raises(PermissionDenied):
        request_export(by=coop_member, dataset="ranking", fmt="ods", params={"call": call.slug})
    with pytest.raises(DatasetError):
        request_export(by=analyst, dataset="ranking", fmt="ods", params={"call": "nessuno"})

    export = request_export(by=analyst, dataset="ranking", fmt="ods", params={"call": call.slug})
    build_export.call(export.pk)

    export.refresh_from_db()
    assert export.file.name.endswith(f"graduatoria-{call.slug}.ods")
    workbook = CalamineWorkbook.from_filelike(export.file.open("rb"))
    header, first = workbook.get_sheet_by_index(0).to_python()
    assert header[:2] == ["Position", "Code"]
    assert first[:2] == [1, "P-PRATO"] and first[-2:] == [20, 1]
