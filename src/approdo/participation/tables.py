"""Working tables of an event: creating and editing them and their ordered guiding questions,
and sharing the registered participants among the tables.

`assign_participants` is deterministic (same registrations, same tables: same result) and
starts again from scratch each time it runs, so organisers run it first and move individual
people afterwards (`move_registration`). Two passes:

1. preferences: in order of registration, each person whose preferred table still has room
   joins it; room is ceil(participants / tables), so no table can take everybody;
2. the rest, in order of registration, each go to the table with room that has the fewest
   people of the same sector (public bodies or third sector, `Organization.sector_of`), then
   the fewest of the same ASL (of the zona of the organisation's seat, as in figures.py),
   then the fewest people, then the lowest number. A person without an organisation (or a
   seat) has no sector (or ASL) and counts as nobody's duplicate.
"""

from __future__ import annotations

import math
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.core.history import diff, record_history, snapshot
from approdo.organizations.models import Organization
from approdo.participation import permissions
from approdo.participation.models import Event, GuidingQuestion, Registration, WorkingTable
from approdo.territory.models import ComuneZona

TABLE_FIELDS = ["number", "title", "description", "facilitator", "rapporteur"]
# Orders are unique per table: a reordering first parks the questions above any real order.
PARKING = 10_000


def _require_manager(by, event: Event) -> None:
    if not permissions.can_manage_event(by, event):
        raise PermissionDenied


def _check_number(event: Event, number: int, table: WorkingTable | None = None) -> None:
    if number is None or number < 1:
        raise ValidationError({"number": _("A table number starts from 1.")})
    taken = WorkingTable.objects.filter(event=event, number=number)
    if table is not None:
        taken = taken.exclude(pk=table.pk)
    if taken.exists():
        raise ValidationError({"number": _("Another table of this event has this number.")})


def _clean_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    return value


# --- Tables and questions ------------------------------------------------------------------


@transaction.atomic
def create_table(
    *,
    event: Event,
    number: int,
    title: str,
    description: str = "",
    facilitator: str = "",
    rapporteur=None,
    questions: list[str] | tuple[str, ...] = (),
    by,
) -> WorkingTable:
    """A new table of `event` with its guiding questions in the order given."""
    _require_manager(by, event)
    _check_number(event, number)
    table = WorkingTable.objects.create(
        event=event,
        number=number,
        title=_clean_text(title, "title"),
        description=description.strip(),
        facilitator=facilitator.strip(),
        rapporteur=rapporteur,
    )
    texts = [text.strip() for text in questions if text and text.strip()]
    GuidingQuestion.objects.bulk_create(
        GuidingQuestion(table=table, order=order, text=text)
        for order, text in enumerate(texts, start=1)
    )
    record_history(table, by=by, action="created", changes={"questions": texts} if texts else {})
    return table


@transaction.atomic
def update_table(
    table: WorkingTable,
    *,
    number: int,
    title: str,
    description: str = "",
    facilitator: str = "",
    rapporteur=None,
    by,
) -> dict:
    """Change a table's own fields; returns (and records) what changed."""
    _require_manager(by, table.event)
    _check_number(table.event, number, table)
    before = snapshot(WorkingTable.objects.get(pk=table.pk), TABLE_FIELDS)
    table.number = number
    table.title = _clean_text(title, "title")
    table.description = description.strip()
    table.facilitator = facilitator.strip()
    table.rapporteur = rapporteur
    table.save(update_fields=TABLE_FIELDS)
    changes = diff(before, snapshot(table, TABLE_FIELDS))
    if changes:
        record_history(table, by=by, action="updated", changes=changes)
    return changes


@transaction.atomic
def add_question(table: WorkingTable, *, text: str, by) -> GuidingQuestion:
    """A guiding question after the table's last one."""
    _require_manager(by, table.event)
    text = _clean_text(text, "text")
    # Lock the table so that two additions do not take the same order.
    WorkingTable.objects.select_for_update().filter(pk=table.pk).first()
    last = table.questions.aggregate(last=Max("order"))["last"] or 0
    question = GuidingQuestion.objects.create(table=table, order=last + 1, text=text)
    record_history(table, by=by, action="updated", changes={"questions": [None, text]})
    return question


@transaction.atomic
def edit_question(question: GuidingQuestion, *, text: str, by) -> GuidingQuestion:
    _require_manager(by, question.table.event)
    text = _clean_text(text, "text")
    if text != question.text:
        old = GuidingQuestion.objects.get(pk=question.pk).text
        question.text = text
        question.save(update_fields=["text"])
        record_history(question.table, by=by, action="updated", changes={"questions": [old, text]})
    return question


@transaction.atomic
def reorder_questions(table: WorkingTable, *, order: list[int], by) -> list[GuidingQuestion]:
    """Put the table's questions in the order of `order` (question ids, every one of them)."""
    _require_manager(by, table.event)
    questions = {q.pk: q for q in table.questions.select_for_update()}
    ids = [int(pk) for pk in order]
    if sorted(ids) != sorted(questions):
        raise ValidationError(_("Give every question of the table exactly once."))
    before = [questions[pk].text for pk in sorted(questions, key=lambda pk: questions[pk].order)]
    for position, pk in enumerate(ids, start=1):
        questions[pk].order = PARKING + position
    GuidingQuestion.objects.bulk_update(questions.values(), ["order"])
    for position, pk in enumerate(ids, start=1):
        questions[pk].order = position
    GuidingQuestion.objects.bulk_update(questions.values(), ["order"])
    after = [questions[pk].text for pk in ids]
    if before != after:
        record_history(table, by=by, action="updated", changes={"questions": [before, after]})
    return [questions[pk] for pk in ids]


# --- Participants --------------------------------------------------------------------------


def _asl_of_seats(seat_ids: set, day) -> dict:
    """{comune id: ASL id} of the comuni's zona on `day` (the seat -> zona link of figures)."""
    links = ComuneZona.objects.valid_on(day).filter(comune_id__in=seat_ids)
    return dict(links.values_list("comune_id", "zona__asl_id"))


def room_per_table(participants: int, tables: int) -> int:
    return math.ceil(participants / tables) if tables else 0


@transaction.atomic
def assign_participants(event: Event, *, by) -> dict[int, int]:
    """Assign every registration holding a place to a table (see the module docstring);
    returns {table number: participants}. Cancelled and waiting registrations lose any
    table they had."""
    _require_manager(by, event)
    tables = list(event.tables.order_by("number"))
    if not tables:
        raise ValidationError(_("The event has no working tables yet."))
    registrations = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(event=event)
        .select_related("organization")
        .order_by("created_at", "pk")
    )
    holding = [r for r in registrations if r.status == Registration.Status.REGISTERED]
    room = room_per_table(len(holding), len(tables))
    day = timezone.localdate(min(event.starts_at, timezone.now()))
    seats = {r.organization.seat_id for r in holding if r.organization_id}
    asl_of = _asl_of_seats({s for s in seats if s}, day)

    by_pk = {t.pk: t for t in tables}
    members: dict[int, list[Registration]] = {t.pk: [] for t in tables}
    sectors: dict[int, Counter] = {t.pk: Counter() for t in tables}
    asls: dict[int, Counter] = {t.pk: Counter() for t in tables}
    chosen: dict[int, int] = {}

    def sector(r: Registration):
        return Organization.sector_of(r.organization.kind) if r.organization_id else None

    def asl(r: Registration):
        return asl_of.get(r.organization.seat_id) if r.organization_id else None

    def seat(registration: Registration, pk: int) -> None:
        members[pk].append(registration)
        sectors[pk][sector(registration)] += 1
        asls[pk][asl(registration)] += 1
        chosen[registration.pk] = pk

    rest = []
    for registration in holding:
        preferred = registration.preferred_table_id
        if preferred in members and len(members[preferred]) < room:
            seat(registration, preferred)
        else:
            rest.append(registration)

    for registration in rest:
        mine_sector, mine_asl = sector(registration), asl(registration)

        def cost(table: WorkingTable, mine_sector=mine_sector, mine_asl=mine_asl):
            size = len(members[table.pk])
            return (
                size >= room,
                sectors[table.pk][mine_sector] if mine_sector is not None else 0,
                asls[table.pk][mine_asl] if mine_asl is not None else 0,
                size,
                table.number,
            )

        seat(registration, min(tables, key=cost).pk)

    changed = []
    for registration in registrations:
        new = chosen.get(registration.pk)
        if registration.table_id != new:
            old = registration.table_id
            registration.table_id = new
            changed.append((registration, old, new))
    Registration.objects.bulk_update([r for r, _old, _new in changed], ["table"])
    for registration, old, new in changed:
        record_history(registration, by=by, action="updated", changes={"table": [old, new]})
    return {by_pk[pk].number: len(people) for pk, people in members.items()}


@transaction.atomic
def move_registration(registration: Registration, *, table: WorkingTable | None, by) -> None:
    """Move one participant to `table` (None: no table)."""
    _require_manager(by, registration.event)
    if table is not None and table.event_id != registration.event_id:
        raise ValidationError({"table": _("Choose a table of this event.")})
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(_("Only registrations holding a place sit at a table."))
    old = registration.table_id
    new = table.pk if table is not None else None
    if old == new:
        return
    registration.table_id = new
    registration.save(update_fields=["table", "updated_at"])
    record_history(registration, by=by, action="updated", changes={"table": [old, new]})
