"""Event and registration pages: public pages never show the online link or personal data;
the person's page shows the link only when confirmed with a place; confirm and cancel are
POSTs; organisers' pages, export and attendance; the certificate."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from approdo.participation.models import Event, Registration
from approdo.participation.tests.factories import make_event, make_registration, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def event(prato):
    return make_event(
        slug="seminario-prato",
        capacity=10,
        organizers=[prato],
        mode=Event.Mode.HYBRID,
        place="Palazzo Pretorio, Prato",
        starts_at=timezone.make_aware(datetime.datetime(2031, 5, 6, 9, 0)),
    )


FORM = {
    "name": "Lucia Verdi",
    "email": "Lucia.Verdi@Example.org",
    "organization_name": "Comitato Accoglienza",
    "role": "operator",
    "accessibility_needs": "Interprete LIS",
    "listed": "",
}


def test_public_pages_never_show_the_link_nor_unlisted_people(client, settings, event):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"  # the dates in Italian
    make_registration(event, name="Pubblica Persona", listed=True, organization_name="Org A")
    make_registration(event, name="Riservata Persona", listed=False)
    make_table(event, title="Accoglienza diffusa", questions=0)

    for path in (
        "/partecipazione/eventi/",
        "/partecipazione/eventi/seminario-prato/",
        "/partecipazione/eventi/seminario-prato/iscrizione/",
    ):
        page = client.get(path).content.decode()
        assert event.online_link not in page
        assert "Riservata Persona" not in page
    detail = client.get("/partecipazione/eventi/seminario-prato/").content.decode()
    assert "Pubblica Persona" in detail and "Org A" in detail
    assert "Accoglienza diffusa" in detail
    assert "Palazzo Pretorio, Prato" in detail
    assert "6 maggio 2031" in detail and "09:00" in detail  # Rome time, Italian format


def test_anonymous_registration_and_double_opt_in(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/partecipazione/eventi/seminario-prato/iscrizione/", FORM)

    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == f"/partecipazione/iscrizioni/{registration.token}/"
    assert registration.email == "lucia.verdi@example.org"
    assert len(mail.outbox) == 1 and event.online_link not in mail.outbox[0].body

    page = client.get(response["Location"]).content.decode()
    assert event.online_link not in page  # not confirmed yet

    confirm = f"/partecipazione/iscrizioni/{registration.token}/conferma/"
    assert client.get(confirm).status_code == 200
    registration.refresh_from_db()
    assert registration.confirmed_at is None  # a GET never confirms
    client.post(confirm)
    registration.refresh_from_db()
    assert registration.confirmed_at is not None
    page = client.get(f"/partecipazione/iscrizioni/{registration.token}/")
    assert event.online_link in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


def test_duplicate_and_missing_organisation_are_reported_on_the_form(client, event):
    client.post("/partecipazione/eventi/seminario-prato/iscrizione/", FORM)
    again = client.post("/partecipazione/eventi/seminario-prato/iscrizione/", FORM)
    assert again.status_code == 200
    assert "already registered" in again.content.decode()
    missing = client.post(
        "/partecipazione/eventi/seminario-prato/iscrizione/",
        {**FORM, "email": "altra@example.org", "organization_name": ""},
    )
    assert "Choose your organisation" in missing.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_full_event_page_says_waiting_list(client, event):
    event.capacity = 1
    event.save()
    make_registration(event)
    page = client.get("/partecipazione/eventi/seminario-prato/").content.decode()
    assert "waiting list" in page
    response = client.post("/partecipazione/eventi/seminario-prato/iscrizione/", FORM, follow=True)
    assert "waiting list" in response.content.decode()
    waiting = Registration.objects.get(email="lucia.verdi@example.org")
    assert waiting.status == Registration.Status.WAITING
    waiting.confirmed_at = timezone.now()
    waiting.save()
    page = client.get(f"/partecipazione/iscrizioni/{waiting.token}/").content.decode()
    assert event.online_link not in page  # waiting: no link


def test_closed_registration_shows_the_reason(client, event):
    event.registration_deadline = timezone.now() - datetime.timedelta(days=1)
    event.save()
    page = client.get("/partecipazione/eventi/seminario-prato/").content.decode()
    assert "Registration closed on the deadline" in page
    client.post("/partecipazione/eventi/seminario-prato/iscrizione/", FORM)
    assert not Registration.objects.filter(event=event).exists()


def test_one_click_for_a_signed_in_person(client, event, coop_member, coop):
    client.force_login(coop_member)
    response = client.post(
        "/partecipazione/eventi/seminario-prato/iscrizione/", {"role": "coordinator"}
    )
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert registration.organization == coop and registration.confirmed_at is not None
    page = client.get("/partecipazione/eventi/seminario-prato/").content.decode()
    assert "You are registered for this event" in page


def test_cancel_by_token_is_a_post_and_promotes(client, event):
    event.capacity = 1
    event.save()
    holder = make_registration(event)
    waiting = make_registration(event, status=Registration.Status.WAITING)
    cancel = f"/partecipazione/iscrizioni/{holder.token}/annulla/"
    assert client.get(cancel).status_code == 200
    holder.refresh_from_db()
    assert holder.status == Registration.Status.REGISTERED
    client.post(cancel)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.REGISTERED
    assert client.delete(cancel).status_code == 405


def test_unknown_token_is_404(client):
    assert client.get("/partecipazione/iscrizioni/nessuno/").status_code == 404


def test_organisers_see_registrations_others_do_not(client, event, prato_member, coop_member):
    make_registration(event, name="Dato Personale", accessibility_needs="Rampa")
    url = "/partecipazione/eventi/seminario-prato/iscrizioni/"
    client.force_login(coop_member)
    assert client.get(url).status_code == 403
    assert client.get(url + "esporta/?formato=csv").status_code == 403
    client.force_login(prato_member)
    page = client.get(url).content.decode()
    assert "Dato Personale" in page and "Rampa" in page


def test_export_has_personal_data_but_never_the_link(client, event, prato_member):
    make_registration(event, name="Dato Personale", accessibility_needs="Rampa")
    client.force_login(prato_member)
    response = client.get("/partecipazione/eventi/seminario-prato/iscrizioni/esporta/?formato=csv")
    body = b"".join(response.streaming_content).decode()
    assert "Dato Personale" in body and "Rampa" in body
    assert event.online_link not in body and "meet.example.org" not in body
    xlsx = client.get("/partecipazione/eventi/seminario-prato/iscrizioni/esporta/")
    assert xlsx.status_code == 200 and b"meet.example.org" not in xlsx.content


def test_attendance_in_one_submit_and_certificate(client, event, prato_member):
    a = make_registration(event, name="Presente")
    b = make_registration(event, name="Assente")
    client.force_login(prato_member)
    url = "/partecipazione/eventi/seminario-prato/presenze/"
    page = client.get(url).content.decode()
    assert "<legend" in page and f'for="present-{a.pk}"' in page
    client.post(url, {"present": [a.pk]})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.attended and not b.attended
    client.logout()
    pdf = client.get(f"/partecipazione/iscrizioni/{a.token}/attestato.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/partecipazione/iscrizioni/{b.token}/attestato.pdf").status_code == 404


def test_create_edit_publish_by_organisers(client, regione_admin, prato):
    client.force_login(regione_admin)
    response = client.post(
        "/partecipazione/eventi/nuovo/",
        {
            "slug": "nuovo-seminario",
            "title": "Nuovo seminario",
            "kind": "seminar",
            "starts_at": "2031-06-01T09:00",
            "ends_at": "2031-06-01T13:00",
            "mode": "in_person",
            "place": "Firenze",
            "capacity": "50",
            "organizers": [prato.pk],
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="nuovo-seminario")
    assert event.status == Event.Status.DRAFT
    assert timezone.localtime(event.starts_at).hour == 9
    assert client.get("/partecipazione/eventi/nuovo-seminario/").status_code == 200
    client.logout()
    assert client.get("/partecipazione/eventi/nuovo-seminario/").status_code == 404
    client.force_login(regione_admin)
    client.post("/partecipazione/eventi/nuovo-seminario/pubblica/")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_invalid_event_form(client, regione_admin):
    client.force_login(regione_admin)
    response = client.post(
        "/partecipazione/eventi/nuovo/",
        {
            "slug": "x",
            "title": "X",
            "kind": "seminar",
            "starts_at": "2031-06-01T09:00",
            "ends_at": "2031-06-01T08:00",
            "mode": "in_person",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not Event.objects.filter(slug="x").exists()


def test_edit_saves_the_programme(client, event, prato_member):
    client.force_login(prato_member)
    url = "/partecipazione/eventi/seminario-prato/modifica/"
    assert client.get(url).status_code == 200
    data = {
        "title": "Seminario rinnovato",
        "kind": "workshop",
        "starts_at": "2031-05-06T09:00",
        "ends_at": "2031-05-06T13:00",
        "mode": "hybrid",
        "place": "Palazzo Pretorio, Prato",
        "online_link": "https://meet.example.org/nuovo",
        "capacity": "12",
        "organizers": [event.organizers.get().pk],
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-starts_at": "2031-05-06T09:30",
        "agenda-0-title": "Saluti istituzionali",
        "agenda-0-speakers": "Regione Toscana",
    }
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity, event.slug) == (
        "Seminario rinnovato",
        12,
        "seminario-prato",
    )
    assert [i.title for i in event.agenda.all()] == ["Saluti istituzionali"]
    page = client.get("/partecipazione/eventi/seminario-prato/").content.decode()
    assert "09:30" in page and "Saluti istituzionali" in page
    assert "meet.example.org" not in page


def test_other_organisations_cannot_edit(client, event, coop_member):
    client.force_login(coop_member)
    assert client.get("/partecipazione/eventi/seminario-prato/modifica/").status_code == 403
    assert client.post("/partecipazione/eventi/seminario-prato/annulla/").status_code == 403


def test_list_and_detail_queries_do_not_grow_with_events(
    client, event, django_assert_max_num_queries
):
    for n in range(8):
        make_registration(make_event(slug=f"altro-{n}"), listed=True)
    with django_assert_max_num_queries(12):
        response = client.get("/partecipazione/eventi/")
    assert response.status_code == 200
    for n in range(8):
        make_registration(event, listed=True, organization_name=f"Org {n}")
    with django_assert_max_num_queries(20):
        response = client.get("/partecipazione/eventi/seminario-prato/")
    assert response.status_code == 200
