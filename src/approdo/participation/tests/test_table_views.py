"""Working table pages: what the public, participants, rapporteurs and organisers see and do;
hidden and anonymous contributions kept from the public; bad input; bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.funding.models import Project
from approdo.funding.tests.factories import make_call, make_project
from approdo.participation import contributions
from approdo.participation.models import Contribution, Registration
from approdo.participation.tests.factories import make_event, make_registration, make_table
from approdo.practices.tests.factories import make_draft, make_published

pytestmark = pytest.mark.django_db


def url(name, table, **extra):
    return reverse(
        f"participation:{name}", kwargs={"slug": table.event.slug, "number": table.number, **extra}
    )


@pytest.fixture
def seminar(coop, prato_member):
    event = make_event(organizers=[coop])
    table = make_table(
        event,
        number=1,
        title="Governance multilivello e multistakeholder",
        facilitator="Anna Facilitatrice",
        rapporteur=prato_member,
    )
    other = make_table(event, number=2)
    return event, table, other


def contribute(table, text, **fields):
    return Contribution.objects.create(
        question=table.questions.first(), phase=Contribution.Phase.BEFORE, text=text, **fields
    )


def test_public_page_hides_hidden_contributions_and_anonymous_authors(
    client, seminar, coop_member, other_coop_member
):
    _event, table, _other = seminar
    contribute(table, "Testo visibile firmato", speaker="Mario Firmato")
    contribute(table, "Testo anonimo", speaker="Lucia Segreta", anonymous=True)
    contribute(
        table,
        "Testo nascosto",
        speaker="Piero Nascosto",
        hidden_at=timezone.now(),
        hidden_reason="Dati personali",
    )
    for viewer in (None, other_coop_member):
        client.logout()
        if viewer:
            client.force_login(viewer)
        page = client.get(url("table-detail", table))
        text = page.content.decode()
        assert page.status_code == 200
        assert "Governance multilivello" in text and "Anna Facilitatrice" in text
        assert "Domanda 1?" in text and text.index("Domanda 1?") < text.index("Domanda 2?")
        assert "Testo visibile firmato" in text and "Mario Firmato" in text
        assert "Testo anonimo" in text and "Lucia Segreta" not in text
        assert "Testo nascosto" not in text and "Piero Nascosto" not in text
        assert "Dati personali" not in text

    client.force_login(coop_member)  # an organiser
    text = client.get(url("table-detail", table)).content.decode()
    assert "Lucia Segreta" in text
    assert "Testo nascosto" in text and "Dati personali" in text


def test_participants_listed_only_when_they_agreed(client, seminar, coop_member):
    event, table, _other = seminar
    make_registration(event, name="Elena Elencata", listed=True, table=table)
    make_registration(event, name="Nino Riservato", listed=False, table=table)
    make_registration(event, name="Carlo Annullato", listed=True, table=table, status="cancelled")
    text = client.get(url("table-detail", table)).content.decode()
    assert "Elena Elencata" in text and "Nino Riservato" not in text
    assert "Carlo Annullato" not in text
    client.force_login(coop_member)
    text = client.get(url("table-detail", table)).content.decode()
    assert "Elena Elencata" in text and "Nino Riservato" in text


def test_draft_event_tables_are_not_found_outside_organisers(client, coop, coop_member):
    table = make_table(make_event(status="draft", organizers=[coop]))
    assert client.get(url("table-detail", table)).status_code == 404
    client.force_login(coop_member)
    assert client.get(url("table-detail", table)).status_code == 200


def test_table_page_queries_are_bounded_and_only_the_latest_are_shown(
    client, seminar, coop, regione_admin, coop_member, django_assert_max_num_queries
):
    event, table, _other = seminar
    project = make_project(make_call(), coop, status=Project.Status.FUNDED)
    practice = make_published(coop, by=regione_admin)
    for question in table.questions.all():
        for n in range(30):
            item = Contribution.objects.create(
                question=question, phase="during", text=f"Voce {question.order}-{n:02d}"
            )
            item.projects.set([project])
            item.practices.set([practice])
    for _n in range(10):
        make_registration(event, table=table, listed=True)
    for viewer in (None, coop_member):
        client.logout()
        if viewer:
            client.force_login(viewer)
        with django_assert_max_num_queries(13):  # 12, and whether the table has a report
            page = client.get(url("table-detail", table))
            assert page.status_code == 200
        text = page.content.decode()
        assert "Voce 1-29" in text and "Voce 1-10" in text and "Voce 1-09" not in text
        assert reverse("practices:detail", args=[practice.code]) in text
        assert "?domanda=1" in text
    page = client.get(url("table-detail", table) + "?domanda=1&pagina=1")
    text = page.content.decode()
    assert page.status_code == 200 and "Voce 1-00" in text and "Voce 2-00" not in text
    assert client.get(url("table-detail", table) + "?domanda=9").status_code == 404


def test_participant_contributes_with_the_registration_token(client, seminar, coop):
    event, table, other = seminar
    registration = make_registration(event, name="Giulia Token")
    page = client.get(url("table-contribute", table) + f"?t={registration.token}")
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    assert registration.token in page.content.decode()  # kept in the hidden field
    question = table.questions.last()
    answer = client.post(
        url("table-contribute", table),
        {
            "t": registration.token,
            "question": question.pk,
            "text": "Serve un coordinamento tra ASL e comuni.",
            "tags": ["recommendation"],
            "anonymous": "on",
        },
    )
    assert answer.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.registration == registration and contribution.anonymous
    assert contribution.question == question and contribution.tags == ["recommendation"]


def test_bad_contributions_are_refused_with_field_errors(client, seminar, coop, regione_admin):
    event, table, other = seminar
    registration = make_registration(event)
    draft = make_draft(coop, by=regione_admin)
    base = {"t": registration.token, "question": table.questions.first().pk, "text": "Testo"}
    cases = [
        ({"text": "   "}, "text"),
        ({"question": other.questions.first().pk}, "question"),
        ({"practice_codes": draft.code}, "practice_codes"),
        ({"tags": ["invented"]}, "tags"),
    ]
    for change, field in cases:
        page = client.post(url("table-contribute", table), {**base, **change})
        assert page.status_code == 200
        assert page.context["form"].errors.get(field), field
    assert not Contribution.objects.exists()


def test_signed_in_participant_contributes_without_token(client, seminar, coop_member):
    event, table, _other = seminar
    make_registration(event, user=coop_member, email=coop_member.email)
    client.force_login(coop_member)
    answer = client.post(
        url("table-contribute", table),
        {"question": table.questions.first().pk, "text": "Dal mio account"},
    )
    assert answer.status_code == 302
    assert Contribution.objects.get().created_by == coop_member


def test_no_form_without_a_confirmed_registration(client, seminar):
    event, table, _other = seminar
    unconfirmed = make_registration(event, confirmed_at=None)
    waiting = make_registration(event, status=Registration.Status.WAITING)
    for token in ("", "wrong", unconfirmed.token, waiting.token):
        page = client.get(url("table-contribute", table) + f"?t={token}")
        assert page.status_code == 200 and page.context["form"] is None
        answer = client.post(
            url("table-contribute", table),
            {"t": token, "question": table.questions.first().pk, "text": "Testo"},
        )
        assert answer.status_code == 403
    assert not Contribution.objects.exists()


def test_rapporteur_records_quickly_keeping_the_question(
    client, coop, prato_member, other_coop_member
):
    event = make_event(starts_at=timezone.now() - datetime.timedelta(hours=1), organizers=[coop])
    table = make_table(event, rapporteur=prato_member)
    question = table.questions.last()
    client.force_login(prato_member)
    answer = client.post(
        url("table-record", table),
        {
            "question": question.pk,
            "text": "Manca un mediatore.",
            "speaker": "Luca",
            "speaker_organization": "Comune di Prato",
            "tags": ["weakness"],
        },
    )
    assert answer.status_code == 302 and f"domanda={question.pk}" in answer["Location"]
    page = client.get(answer["Location"])
    assert page.context["form"]["question"].value() == question.pk
    assert "the speaker is shown to organisers only" in page.content.decode()
    recorded = Contribution.objects.get()
    assert recorded.phase == "during" and recorded.speaker == "Luca"
    assert client.post(url("table-record", table), {"question": question.pk}).status_code == 200
    client.force_login(other_coop_member)
    assert client.get(url("table-record", table)).status_code == 403


def test_hide_needs_a_reason_and_an_organiser_and_unhide_restores(
    client, seminar, coop_member, prato_member
):
    _event, table, _other = seminar
    contribution = contribute(table, "Da moderare")
    hide = url("contribution-hide", table, pk=contribution.pk)
    assert client.get(hide).status_code in (302, 405)
    client.force_login(prato_member)  # the rapporteur does not moderate
    assert client.post(hide, {"reason": "No"}).status_code == 403
    client.force_login(coop_member)
    assert client.get(hide).status_code == 405
    page = client.post(hide, {"reason": ""})
    assert page.status_code == 400 and page.context["form"].errors["reason"]
    assert client.post(hide, {"reason": "Offensivo"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.is_hidden and contribution.hidden_reason == "Offensivo"
    client.logout()
    assert "Da moderare" not in client.get(url("table-detail", table)).content.decode()
    client.force_login(coop_member)
    unhide = url("contribution-unhide", table, pk=contribution.pk)
    assert client.post(unhide).status_code == 302
    contribution.refresh_from_db()
    assert not contribution.is_hidden
    other_table = make_table(make_event(), number=1)
    assert client.post(url("contribution-unhide", other_table, pk=contribution.pk)).status_code in (
        403,
        404,
    )


def test_organiser_edits_table_and_questions(client, seminar, coop_member, prato_member):
    _event, table, _other = seminar
    client.force_login(coop_member)
    answer = client.post(
        url("table-edit", table),
        {
            "part": "table",
            "number": 1,
            "title": "Governance",
            "facilitator": "Bruno",
            "rapporteur_email": "nessuno@example.org",
        },
    )
    assert answer.status_code == 200 and answer.context["form"].errors["rapporteur_email"]
    first, second = table.questions.order_by("order")
    answer = client.post(
        url("table-edit", table),
        {
            "part": "questions",
            f"text_{first.pk}": "Prima",
            f"position_{first.pk}": 2,
            f"text_{second.pk}": "Seconda",
            f"position_{second.pk}": 1,
            "new_question": "Terza?",
        },
    )
    assert answer.status_code == 302
    assert [q.text for q in table.questions.order_by("order")] == ["Seconda", "Prima", "Terza?"]
    client.force_login(prato_member)
    assert client.get(url("table-edit", table)).status_code == 403


def test_organiser_creates_a_table(client, seminar, coop_member):
    event, _table, _other = seminar
    client.force_login(coop_member)
    create = reverse("participation:table-create", kwargs={"slug": event.slug})
    answer = client.post(create, {"number": 3, "title": "Monitoraggio e valutazione"})
    assert answer.status_code == 302
    assert event.tables.get(number=3).title == "Monitoraggio e valutazione"
    answer = client.post(create, {"number": 3, "title": "Doppione"})
    assert answer.status_code == 200 and event.tables.count() == 3


def test_assignment_page_runs_and_moves(client, seminar, coop_member):
    event, table, other = seminar
    people = [make_registration(event, preferred_table=other) for _ in range(4)]
    client.force_login(coop_member)
    assign = reverse("participation:table-assign", kwargs={"slug": event.slug})
    assert client.get(assign).status_code == 200
    assert client.post(assign, {"part": "auto"}).status_code == 302
    assert Registration.objects.filter(table=other).count() == 2
    assert Registration.objects.filter(table=table).count() == 2
    client.post(assign, {"registration": people[0].pk, "table": table.pk})
    people[0].refresh_from_db()
    assert people[0].table == table
    stranger = make_registration(make_event())
    assert client.post(assign, {"registration": stranger.pk, "table": table.pk}).status_code == 404


def test_groups_page_shows_similar_contributions(client, seminar, prato_member):
    _event, table, _other = seminar
    contribute(table, "Servono mediatori linguistici negli sportelli")
    contribute(table, "Il mediatore linguistico allo sportello manca")
    contribute(
        table,
        "Mediatori linguistici sportelli nascosti",
        hidden_at=timezone.now(),
        hidden_reason="x",
    )
    client.force_login(prato_member)
    page = client.get(url("table-groups", table))
    assert page.status_code == 200
    groups = page.context["grouping"].groups
    assert len(groups) == 1 and len(groups[0].contributions) == 2
    assert "linguistici" in page.content.decode()
    assert client.get(url("table-groups", table) + "?domanda=7").status_code == 404


def test_contributions_action_refuses_after_start_on_the_page(client, coop):
    event = make_event(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    table = make_table(event)
    registration = make_registration(event)
    page = client.get(url("table-contribute", table) + f"?t={registration.token}")
    assert page.context["form"] is None and page.context["started"]
    assert contributions.can_contribute_before(registration, event) is False
