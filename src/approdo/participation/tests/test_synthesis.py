"""The synthesis report's actions: statements citing only visible contributions of their
table, the draft -> review -> published workflow with its refusals, and the history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.organizations.tests.factories import make_user
from approdo.participation import synthesis
from approdo.participation.models import Contribution, ReviewComment, Statement, SynthesisReport
from approdo.participation.tests.factories import make_event, make_table

pytestmark = pytest.mark.django_db


def make_contribution(table, text="Servono più mediatori.", question=1, **fields):
    return Contribution.objects.create(
        question=table.questions.get(order=question),
        phase=fields.pop("phase", Contribution.Phase.DURING),
        text=text,
        **fields,
    )


def hide(contribution):
    contribution.hidden_at = timezone.now()
    contribution.hidden_reason = "offensivo"
    contribution.save(update_fields=["hidden_at", "hidden_reason"])


@pytest.fixture
def rapporteur(db):
    return make_user("relatrice@example.org")


@pytest.fixture
def table(prato, rapporteur):
    event = make_event(organizers=[prato])
    return make_table(event, rapporteur=rapporteur)


@pytest.fixture
def report(table):
    return synthesis.report_for(table)


def test_report_for_creates_the_draft_once(table):
    first = synthesis.report_for(table)
    assert synthesis.report_for(table) == first
    assert first.status == SynthesisReport.Status.DRAFT
    assert HistoryEntry.objects.for_object(first).filter(action="created").count() == 1


def test_statement_cites_visible_contributions_of_its_table(report, rapporteur, table):
    said = make_contribution(table)
    other = make_contribution(table, question=2, text="Casa prima di tutto.")
    statement = synthesis.save_statement(
        report, by=rapporteur, kind="finding", text="Mancano mediatori.", citations=[said, other.pk]
    )
    assert set(statement.citations.all()) == {said, other}
    assert statement.order == 1
    second = synthesis.save_statement(
        report, by=rapporteur, kind="finding", text="Altro.", citations=[]
    )
    assert second.order == 2
    entry = HistoryEntry.objects.for_object(report).filter(action="edited").first()
    assert entry is not None and entry.actor == rapporteur


def test_citing_another_tables_or_a_hidden_contribution_is_refused(report, rapporteur, table):
    elsewhere = make_contribution(make_table(table.event, number=2))
    hidden = make_contribution(table)
    hide(hidden)
    for bad in (elsewhere, hidden):
        with pytest.raises(synthesis.SynthesisError, match="visible contributions of its own"):
            synthesis.save_statement(
                report, by=rapporteur, kind="finding", text="Testo", citations=[bad]
            )
    assert not Statement.objects.exists()


def test_empty_text_and_unknown_kind_are_refused(report, rapporteur):
    with pytest.raises(synthesis.SynthesisError):
        synthesis.save_statement(report, by=rapporteur, kind="finding", text="  ", citations=[])
    with pytest.raises(synthesis.SynthesisError):
        synthesis.save_statement(report, by=rapporteur, kind="wish", text="Testo", citations=[])


def test_editing_a_statement_changes_text_and_citations(report, rapporteur, table):
    first, second = make_contribution(table), make_contribution(table, text="Due")
    statement = synthesis.save_statement(
        report, by=rapporteur, kind="finding", text="Uno", citations=[first]
    )
    synthesis.save_statement(
        report,
        by=rapporteur,
        kind="recommendation",
        text="Raccomandazione",
        citations=[second],
        statement=statement,
    )
    statement.refresh_from_db()
    assert statement.kind == "recommendation" and statement.text == "Raccomandazione"
    assert list(statement.citations.all()) == [second]
    entry = HistoryEntry.objects.for_object(report).filter(action="edited").first()
    old, new = entry.changes["statements"]
    assert old.endswith(f": Uno [{first.pk}]") and new.endswith(f": Raccomandazione [{second.pk}]")


def test_move_and_delete_keep_the_order(report, rapporteur):
    a, b, c = (
        synthesis.save_statement(report, by=rapporteur, kind="finding", text=t, citations=[])
        for t in "ABC"
    )
    synthesis.move_statement(c, by=rapporteur, direction="up")
    assert list(report.statements.order_by("order").values_list("text", flat=True)) == [
        "A",
        "C",
        "B",
    ]
    synthesis.move_statement(a, by=rapporteur, direction="up")  # already first: nothing moves
    synthesis.delete_statement(a, by=rapporteur)
    assert list(report.statements.order_by("order").values_list("text", "order")) == [
        ("C", 1),
        ("B", 2),
    ]


def test_summary_is_tracked(report, rapporteur):
    changes = synthesis.update_summary(report, by=rapporteur, summary=" Il tavolo ha discusso. ")
    report.refresh_from_db()
    assert report.summary == "Il tavolo ha discusso."
    assert changes == {"summary": ["", "Il tavolo ha discusso."]}


def test_workflow_draft_review_back_review_published(report, rapporteur, prato_member):
    synthesis.save_statement(report, by=rapporteur, kind="finding", text="A", citations=[])
    synthesis.submit_for_review(report, by=rapporteur)
    assert report.status == "in_review"
    # In review the rapporteur no longer writes.
    with pytest.raises(PermissionDenied):
        synthesis.save_statement(report, by=rapporteur, kind="finding", text="B", citations=[])
    synthesis.comment(report, by=prato_member, text="Citare il tavolo 2?")
    synthesis.send_back(report, by=prato_member, comment="Aggiungere le raccomandazioni.")
    assert report.status == "draft"
    assert ReviewComment.objects.filter(report=report).count() == 2
    synthesis.submit_for_review(report, by=rapporteur)
    synthesis.publish(report, by=prato_member)
    report.refresh_from_db()
    assert report.status == "published" and report.published_at is not None
    actions = list(
        HistoryEntry.objects.for_object(report).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-5:] == ["in_review", "commented", "draft", "in_review", "published"]


def test_invalid_transitions_are_refused_clearly(report, rapporteur, prato_member):
    with pytest.raises(synthesis.SynthesisError, match="at least one"):
        synthesis.submit_for_review(report, by=rapporteur)
    with pytest.raises(synthesis.SynthesisError, match="while the report is"):
        synthesis.publish(report, by=prato_member)
    with pytest.raises(synthesis.SynthesisError, match="while the report is"):
        synthesis.send_back(report, by=prato_member, comment="x")
    with pytest.raises(synthesis.SynthesisError, match="in review"):
        synthesis.comment(report, by=prato_member, text="x")
    synthesis.save_statement(report, by=rapporteur, kind="finding", text="A", citations=[])
    synthesis.submit_for_review(report, by=rapporteur)
    with pytest.raises(synthesis.SynthesisError, match="while the report is"):
        synthesis.submit_for_review(report, by=prato_member)
    with pytest.raises(synthesis.SynthesisError, match="Say what"):
        synthesis.send_back(report, by=prato_member, comment=" ")


def test_only_organisers_publish_and_outsiders_change_nothing(
    report, rapporteur, prato_member, coop_member
):
    synthesis.save_statement(report, by=rapporteur, kind="finding", text="A", citations=[])
    with pytest.raises(PermissionDenied):
        synthesis.submit_for_review(report, by=coop_member)
    with pytest.raises(PermissionDenied):
        synthesis.save_statement(report, by=coop_member, kind="finding", text="B", citations=[])
    synthesis.submit_for_review(report, by=rapporteur)
    with pytest.raises(PermissionDenied):
        synthesis.publish(report, by=rapporteur)
    with pytest.raises(PermissionDenied):
        synthesis.comment(report, by=rapporteur, text="io")
    assert report.status == "in_review"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write")
def test_two_organisers_publishing_at_once_publish_once(coop, coop_member, anci_coordinator):
    from approdo.core.tests import racing

    table = make_table(make_event(organizers=[coop]))
    report = synthesis.report_for(table)
    synthesis.save_statement(report, by=coop_member, kind="finding", text="A", citations=[])
    synthesis.submit_for_review(report, by=coop_member)
    people = [coop_member, anci_coordinator] * 4

    def publish(index):
        return synthesis.publish(SynthesisReport.objects.get(pk=report.pk), by=people[index])

    results = racing.race(publish, len(people))
    assert sum(isinstance(r, SynthesisReport) for r in results) == 1
    assert all(isinstance(r, SynthesisReport | synthesis.SynthesisError) for r in results)
    assert HistoryEntry.objects.for_object(report).filter(action="published").count() == 1
