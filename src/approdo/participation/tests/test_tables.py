"""Table actions: creating and editing tables and their guiding questions, the automatic
assignment of participants (preferences, room, mix of sectors and territories, determinism)
and moving one participant by hand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from approdo.core.models import HistoryEntry
from approdo.core.tests import racing
from approdo.organizations.models import Organization
from approdo.organizations.tests.factories import make_organization
from approdo.participation import contributions, tables
from approdo.participation.models import Contribution, Registration, WorkingTable
from approdo.participation.tests.factories import make_event, make_registration, make_table

pytestmark = pytest.mark.django_db

SEMINAR_TABLES = [
    "Governance multilivello e multistakeholder",
    "Coinvolgimento della comunità, utenti e cittadinanza attiva",
    "Metodi di monitoraggio, valutazione e rendicontazione",
    "Accesso ai servizi, universalismo e specificità",
]


def test_create_table_with_ordered_questions_and_history(regione_admin, coop_member):
    event = make_event()
    table = tables.create_table(
        event=event,
        number=1,
        title=SEMINAR_TABLES[0],
        facilitator="Anna Rossi",
        rapporteur=coop_member,
        questions=["Chi decide?", "  ", "Come si coordinano i livelli?"],
        by=regione_admin,
    )
    assert [q.text for q in table.questions.order_by("order")] == [
        "Chi decide?",
        "Come si coordinano i livelli?",
    ]
    assert [q.order for q in table.questions.order_by("order")] == [1, 2]
    assert table.rapporteur == coop_member
    assert HistoryEntry.objects.filter(object_id=table.pk, action="created").exists()


def test_only_organisers_create_tables(coop_member):
    with pytest.raises(PermissionDenied):
        tables.create_table(event=make_event(), number=1, title="T", by=coop_member)


def test_member_of_an_organising_organisation_manages_its_tables(coop, coop_member):
    event = make_event(organizers=[coop])
    table = tables.create_table(event=event, number=1, title="T", by=coop_member)
    assert table.event == event


def test_number_must_be_unique_and_title_required(regione_admin):
    event = make_event()
    make_table(event, number=1)
    with pytest.raises(ValidationError) as error:
        tables.create_table(event=event, number=1, title="Altro", by=regione_admin)
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        tables.create_table(event=event, number=2, title="   ", by=regione_admin)
    assert "title" in error.value.message_dict


def test_update_table_records_the_changes(regione_admin, coop_member):
    table = make_table(make_event(), number=1)
    changes = tables.update_table(
        table,
        number=3,
        title="Nuovo titolo",
        facilitator="Marco",
        rapporteur=coop_member,
        by=regione_admin,
    )
    table.refresh_from_db()
    assert (table.number, table.title, table.rapporteur) == (3, "Nuovo titolo", coop_member)
    assert set(changes) == {"number", "title", "facilitator", "rapporteur"}
    entry = HistoryEntry.objects.get(object_id=table.pk, action="updated")
    assert entry.changes["rapporteur"] == [None, str(coop_member.pk)]


def test_questions_added_edited_and_reordered(regione_admin):
    table = make_table(make_event(), number=1, questions=3)
    added = tables.add_question(table, text="Quarta?", by=regione_admin)
    assert added.order == 4
    first, second, third, fourth = table.questions.order_by("order")
    tables.edit_question(second, text="Seconda, riscritta?", by=regione_admin)
    tables.reorder_questions(
        table, order=[fourth.pk, first.pk, third.pk, second.pk], by=regione_admin
    )
    assert [q.text for q in table.questions.order_by("order")] == [
        "Quarta?",
        "Domanda 1?",
        "Domanda 3?",
        "Seconda, riscritta?",
    ]
    with pytest.raises(ValidationError):
        tables.reorder_questions(table, order=[first.pk, second.pk], by=regione_admin)
    with pytest.raises(ValidationError):
        tables.add_question(table, text=" ", by=regione_admin)


def _seminar(n_tables=4):
    event = make_event()
    return event, [
        make_table(event, number=i, title=SEMINAR_TABLES[i - 1]) for i in range(1, n_tables + 1)
    ]


def test_assignment_follows_preferences_while_there_is_room(regione_admin):
    event, (t1, t2, t3, t4) = _seminar()
    # 8 participants, 4 tables: room 2. Four want table 1: the first two get it.
    wanting_one = [make_registration(event, preferred_table=t1) for _ in range(4)]
    others = [make_registration(event) for _ in range(4)]
    cancelled = make_registration(event, status=Registration.Status.CANCELLED, table=t1)
    waiting = make_registration(event, status=Registration.Status.WAITING, preferred_table=t2)

    counts = tables.assign_participants(event, by=regione_admin)

    assert counts == {1: 2, 2: 2, 3: 2, 4: 2}
    for registration in [*wanting_one, *others, cancelled, waiting]:
        registration.refresh_from_db()
    assert [r.table for r in wanting_one[:2]] == [t1, t1]
    assert all(r.table != t1 for r in wanting_one[2:] + others)
    assert cancelled.table is None and waiting.table is None


def test_assignment_mixes_sectors_and_territories_and_is_deterministic(regione_admin):
    event, table_list = _seminar(2)
    prato = make_organization("Comune di Prato", "comune", seat_id="100005")
    livorno = make_organization("Comune di Livorno", "comune", seat_id="049009")
    coop_prato = make_organization("Coop pratese", "cooperativa_sociale", seat_id="100005")
    coop_livorno = make_organization("Coop livornese", "cooperativa_sociale", seat_id="049009")
    assert Organization.sector_of("comune") != Organization.sector_of("cooperativa_sociale")
    # Registered grouped by sector, so that a plain round of places would not mix them.
    people = [
        make_registration(event, organization=prato),
        make_registration(event, organization=livorno),
        make_registration(event, organization=coop_prato),
        make_registration(event, organization=coop_livorno),
        make_registration(event, organization=prato),
        make_registration(event, organization=livorno),
        make_registration(event, organization=coop_prato),
        make_registration(event, organization=coop_livorno),
        make_registration(event),  # no organisation: fits anywhere
    ]
    tables.assign_participants(event, by=regione_admin)
    first = {r.pk: r.table_id for r in Registration.objects.filter(event=event)}
    for table in table_list:
        seated = Registration.objects.filter(table=table).select_related("organization")
        assert seated.count() <= 5  # room: ceil(9 / 2)
        kinds = {r.organization.kind for r in seated if r.organization_id}
        seats = {r.organization.seat_id for r in seated if r.organization_id}
        assert kinds == {"comune", "cooperativa_sociale"}
        assert seats == {"100005", "049009"}

    tables.assign_participants(event, by=regione_admin)
    assert first == {r.pk: r.table_id for r in Registration.objects.filter(event=event)}
    assert all(first[p.pk] is not None for p in people)


def test_assignment_needs_tables_and_an_organiser(regione_admin, coop_member):
    event = make_event()
    make_registration(event)
    with pytest.raises(ValidationError):
        tables.assign_participants(event, by=regione_admin)
    make_table(event)
    with pytest.raises(PermissionDenied):
        tables.assign_participants(event, by=coop_member)


def test_moving_one_registration(regione_admin):
    event, (t1, t2) = _seminar(2)
    other = make_table(make_event(), number=1)
    registration = make_registration(event, table=t1)
    tables.move_registration(registration, table=t2, by=regione_admin)
    registration.refresh_from_db()
    assert registration.table == t2
    entry = HistoryEntry.objects.filter(object_id=registration.pk, action="updated").get()
    assert entry.changes == {"table": [t1.pk, t2.pk]}
    with pytest.raises(ValidationError):
        tables.move_registration(registration, table=other, by=regione_admin)
    waiting = make_registration(event, status=Registration.Status.WAITING)
    with pytest.raises(ValidationError):
        tables.move_registration(waiting, table=t1, by=regione_admin)
    assert WorkingTable.objects.filter(event=event).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write")
def test_questions_added_at_the_same_moment_take_distinct_orders(regione_admin):
    table = make_table(make_event(), number=1, questions=2)
    results = racing.race(
        lambda i: tables.add_question(table, text=f"Domanda concorrente {i}?", by=regione_admin),
        8,
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(table.questions.values_list("order", flat=True)) == list(range(1, 11))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write")
def test_a_contribution_hidden_twice_at_once_is_hidden_once(regione_admin):
    table = make_table(make_event(), number=1, questions=1)
    contribution = Contribution.objects.create(
        question=table.questions.get(), phase=Contribution.Phase.DURING, text="Testo"
    )
    results = racing.race(
        lambda i: contributions.hide(contribution, by=regione_admin, reason=f"Motivo {i}"), 6
    )
    assert len([r for r in results if isinstance(r, Contribution)]) == 1
    assert all(isinstance(r, ValidationError) for r in results if not isinstance(r, Contribution))
    assert HistoryEntry.objects.filter(object_id=contribution.pk, action="updated").count() == 1
