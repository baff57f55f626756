"""The participation API: events (drafts for their organisers only), an event's published
synthesis reports (no hidden contribution, no anonymous author), the uptake of a guideline per
zona, problem+json errors, bounded queries, and the online link that never leaves the server."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approdo.funding.models import Project
from approdo.funding.tests.factories import make_call, make_project
from approdo.participation import guidelines
from approdo.participation.models import (
    AgendaItem,
    Contribution,
    Event,
    Registration,
    Statement,
    SynthesisReport,
    Uptake,
)
from approdo.participation.tests.factories import make_event, make_registration, make_table
from approdo.practices.tests.factories import make_published
from approdo.territory.models import Zona

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/stanza-segreta-del-seminario"


def days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def world(coop, prato, regione_admin):
    """An upcoming event with a programme, a limited capacity and a private link, a past one
    with published reports (one of its tables still a draft), a draft event of the coop, and a
    published guideline with uptake in two zone."""
    call = make_call("bando-2019", title="Bando 2019")
    funded = make_project(call, coop, "P-1", title="Casa comune", status=Project.Status.FUNDED)
    pending = make_project(call, coop, "P-2", title="Domanda in esame")
    practice = make_published(prato, title="Sportello casa")

    upcoming = make_event(
        slug="seminario-futuro",
        title="Seminario futuro",
        starts_at=days(10),
        capacity=3,
        online_link=LINK,
        organizers=[coop],
    )
    upcoming.calls.add(call)
    upcoming.projects.add(funded, pending)
    AgendaItem.objects.create(
        event=upcoming, starts_at=days(10), title="Saluti istituzionali", speakers="Regione"
    )
    make_table(upcoming, number=1, questions=2, title="Governance")
    make_registration(upcoming)
    make_registration(upcoming, status=Registration.Status.CANCELLED)

    past = make_event(
        slug="seminario-2021", title="Seminario 2021", starts_at=days(-30), online_link=LINK
    )
    published_table = make_table(past, number=1, questions=1, title="Accesso ai servizi")
    draft_table = make_table(past, number=2, questions=1, title="Monitoraggio")
    question = published_table.questions.get()
    named = Contribution.objects.create(
        question=question,
        phase="during",
        text="Gli sportelli unici funzionano.",
        speaker="Maria Rossi",
        speaker_organization="Cooperativa Il Ponte",
    )
    named.projects.add(funded)
    named.practices.add(practice)
    anonymous = Contribution.objects.create(
        question=question,
        phase="before",
        text="Mancano mediatori nei consultori.",
        speaker="Giovanni Anonimo",
        speaker_organization="ASL segreta",
        anonymous=True,
    )
    hidden = Contribution.objects.create(
        question=question,
        phase="during",
        text="Testo offensivo nascosto.",
        speaker="Luca Bianchi",
        hidden_at=timezone.now(),
        hidden_reason="Offensivo",
    )
    report = SynthesisReport.objects.create(
        table=published_table,
        summary="Sintesi del tavolo.",
        status=SynthesisReport.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    finding = Statement.objects.create(
        report=report, kind=Statement.Kind.FINDING, order=1, text="Lo sportello unico aiuta."
    )
    finding.citations.add(named, anonymous, hidden)
    recommendation = Statement.objects.create(
        report=report,
        kind=Statement.Kind.RECOMMENDATION,
        order=1,
        text="Diffondere lo sportello unico.",
    )
    recommendation.citations.add(named)
    draft_report = SynthesisReport.objects.create(table=draft_table, summary="Bozza riservata.")
    Statement.objects.create(report=draft_report, kind="finding", order=1, text="Non pubblico.")

    draft_event = make_event(
        slug="bozza-coop",
        title="Bozza della cooperativa",
        status=Event.Status.DRAFT,
        starts_at=days(40),
        online_link=LINK,
        organizers=[coop],
    )

    guideline = guidelines.create_guideline(
        slug="linee-guida-2021", title="Linee guida 2021", reports=[report], by=regione_admin
    )
    guideline = guidelines.publish(guideline, by=regione_admin)
    item = guideline.sections.get().items.get()
    pratese, fiorentina = Zona.objects.get(slug="pratese"), Zona.objects.exclude(slug="pratese")[0]
    Uptake.objects.create(item=item, zona=pratese, status=Uptake.Status.ADOPTED)
    Uptake.objects.create(item=item, zona=fiorentina, status=Uptake.Status.NOT_APPLICABLE)
    draft_guideline = guidelines.create_guideline(
        slug="linee-guida-bozza", title="Bozza", reports=[report], by=regione_admin
    )
    return {
        "upcoming": upcoming,
        "past": past,
        "draft_event": draft_event,
        "guideline": guideline,
        "draft_guideline": draft_guideline,
        "pratese": pratese,
        "other_zona": fiorentina,
        "hidden": hidden,
        "anonymous": anonymous,
        "named": named,
    }


def get(client, name, **kwargs):
    return client.get(reverse(f"api:{name}", kwargs=kwargs or None))


# --- Events ----------------------------------------------------------------------------------


def test_the_list_gives_the_public_fields_of_visible_events(client, world, coop):
    response = get(client, "events")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["slug"] for item in body["items"]] == ["seminario-futuro", "seminario-2021"]
    upcoming = body["items"][0]
    assert set(upcoming) == {
        "slug",
        "title",
        "description",
        "kind",
        "status",
        "mode",
        "starts_at",
        "ends_at",
        "place",
        "capacity",
        "places_left",
        "registration_open",
        "registration_deadline",
        "organisers",
        "calls",
        "projects",
        "tables",
        "url",
    }
    assert upcoming["capacity"] == 3
    assert upcoming["places_left"] == 2  # the cancelled registration frees its place
    assert upcoming["registration_open"] is True
    assert upcoming["organisers"] == [{"id": coop.pk, "name": coop.name}]
    assert upcoming["calls"] == [{"slug": "bando-2019", "title": "Bando 2019"}]
    # A project still under evaluation is not public.
    assert [p["title"] for p in upcoming["projects"]] == ["Casa comune"]
    assert upcoming["tables"] == [
        {
            "number": 1,
            "title": "Governance",
            "questions": [{"order": 1, "text": "Domanda 1?"}, {"order": 2, "text": "Domanda 2?"}],
        }
    ]
    assert upcoming["url"].endswith("/partecipazione/eventi/seminario-futuro/")
    assert body["items"][1]["registration_open"] is False
    assert body["items"][1]["places_left"] is None


def test_when_filters_upcoming_and_past_events(client, world):
    upcoming = get(client, "events").json()
    assert len(upcoming["items"]) == 2
    response = client.get(reverse("api:events"), {"when": "upcoming"})
    assert [item["slug"] for item in response.json()["items"]] == ["seminario-futuro"]
    response = client.get(reverse("api:events"), {"when": "past"})
    assert [item["slug"] for item in response.json()["items"]] == ["seminario-2021"]


@pytest.mark.parametrize("query", [{"when": "tomorrow"}, {"when": ""}, {"limit": "0"}])
def test_a_bad_filter_is_a_problem(client, world, query):
    response = client.get(reverse("api:events"), query)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == next(iter(query))


def test_pagination_uses_limit_and_offset(client, world):
    body = client.get(reverse("api:events"), {"limit": 1, "offset": 1}).json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 1, 1)
    assert [item["slug"] for item in body["items"]] == ["seminario-2021"]


def test_drafts_are_listed_for_their_organisers_only(
    client, world, coop_member, other_coop_member, regione_admin
):
    assert "bozza-coop" not in [i["slug"] for i in get(client, "events").json()["items"]]
    for user, sees in [(coop_member, True), (other_coop_member, False), (regione_admin, True)]:
        client.force_login(user)
        slugs = [item["slug"] for item in get(client, "events").json()["items"]]
        assert ("bozza-coop" in slugs) is sees
        status = get(client, "event-detail", slug="bozza-coop").status_code
        assert status == (200 if sees else 404)


def test_the_list_reads_a_bounded_number_of_queries(client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "events").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        event = make_event(starts_at=days(n + 50), capacity=10)
        make_table(event, number=1)
        make_table(event, number=2)
        make_registration(event)
    assert count() == before


def test_the_detail_adds_the_programme(client, world):
    response = get(client, "event-detail", slug="seminario-futuro")

    assert response.status_code == 200
    body = response.json()
    assert body["agenda"] == [
        {
            "starts_at": body["agenda"][0]["starts_at"],
            "ends_at": None,
            "title": "Saluti istituzionali",
            "speakers": "Regione",
            "description": "",
        }
    ]
    assert body["slug"] == "seminario-futuro"


def test_an_unknown_or_draft_event_is_a_404_problem(client, world):
    for name in ("event-detail", "event-report"):
        for slug in ("nessuno", "bozza-coop"):
            response = get(client, name, slug=slug)
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == 404


# --- Reports ---------------------------------------------------------------------------------


def test_the_report_gives_the_published_tables_with_their_citations(client, world):
    response = get(client, "event-report", slug="seminario-2021")

    assert response.status_code == 200
    body = response.json()
    assert body["event"]["slug"] == "seminario-2021"
    assert [table["number"] for table in body["tables"]] == [1]  # table 2 is a draft
    table = body["tables"][0]
    assert table["summary"] == "Sintesi del tavolo."
    [finding] = table["findings"]
    assert finding["withdrawn"] == 1
    by_id = {citation["contribution"]: citation for citation in finding["citations"]}
    assert set(by_id) == {world["named"].pk, world["anonymous"].pk}
    named = by_id[world["named"].pk]
    assert named["author"] == "Maria Rossi (Cooperativa Il Ponte)"
    assert named["question"] == {"order": 1, "text": "Domanda 1?"}
    assert [p["title"] for p in named["projects"]] == ["Casa comune"]
    assert named["projects"][0]["call"]["slug"] == "bando-2019"
    assert named["projects"][0]["call"]["url"].startswith("http://testserver/")
    assert named["practices"][0]["url"].startswith("http://testserver/")
    assert [p["title"] for p in named["practices"]] == ["Sportello casa"]
    assert by_id[world["anonymous"].pk]["author"] is None
    assert table["recommendations"][0]["text"] == "Diffondere lo sportello unico."


def test_the_report_never_shows_hidden_text_or_anonymous_authors(client, world, regione_admin):
    # Not even to an organiser: the API gives the public reading of a report.
    for user in (None, regione_admin):
        if user:
            client.force_login(user)
        text = get(client, "event-report", slug="seminario-2021").content.decode()
        for secret in ("Testo offensivo", "Luca Bianchi", "Giovanni Anonimo", "ASL segreta"):
            assert secret not in text
        assert "Bozza riservata" not in text and "Non pubblico." not in text


def test_the_report_reads_as_many_queries_whatever_it_cites(client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "event-report", slug="seminario-2021").status_code == 200
        return len(queries)

    before = count()
    statement = Statement.objects.get(kind="finding", report__status="published")
    question = statement.report.table.questions.get()
    project = Project.objects.get(code="P-1")
    for n in range(10):
        contribution = Contribution.objects.create(
            question=question, phase="during", text=f"Altro {n}", speaker=f"Persona {n}"
        )
        contribution.projects.add(project)
        statement.citations.add(contribution)
    assert count() == before


def test_an_event_without_a_published_report_is_a_404_problem(client, world):
    response = get(client, "event-report", slug="seminario-futuro")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


# --- Guideline uptake ------------------------------------------------------------------------


def test_the_uptake_counts_every_zona(client, world):
    response = get(client, "guideline-uptake", slug="linee-guida-2021")

    assert response.status_code == 200
    body = response.json()
    assert body["guideline"]["version"] == 1
    assert body["guideline"]["status"] == "published"
    rows = {row["slug"]: row for row in body["items"]}
    assert len(rows) == Zona.objects.count()
    pratese = rows["pratese"]
    assert pratese["asl"]["slug"] == world["pratese"].asl.slug
    assert pratese["items"] == 1
    assert pratese["counts"] == {
        "not_recorded": 0,
        "not_yet": 0,
        "in_progress": 0,
        "adopted": 1,
        "not_applicable": 0,
    }
    assert pratese["adopted_share"] == 1.0
    assert rows[world["other_zona"].slug]["adopted_share"] is None
    silent = next(r for s, r in rows.items() if s not in {"pratese", world["other_zona"].slug})
    assert silent["counts"]["not_recorded"] == 1 and silent["adopted_share"] == 0.0


def test_the_uptake_reads_the_latest_published_version(client, world, regione_admin):
    guidelines.new_version(world["guideline"], by=regione_admin)  # a draft v2

    body = get(client, "guideline-uptake", slug="linee-guida-2021").json()

    assert body["guideline"]["version"] == 1


def test_a_draft_or_unknown_guideline_is_a_404_problem(client, world, regione_admin):
    for slug in ("linee-guida-bozza", "nessuna"):
        response = get(client, "guideline-uptake", slug=slug)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    client.force_login(regione_admin)  # who writes guidelines sees the draft
    assert get(client, "guideline-uptake", slug="linee-guida-bozza").status_code == 200


# --- The answers conform to the OpenAPI document ---------------------------------------------


def test_the_answers_on_real_objects_conform_to_the_schema(client, world, settings):
    """The schemathesis run finds no event to read; this checks the bodies of real ones (with
    nulls, citations, projects, practices and uptake counts) against the document."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    schema = schemathesis.openapi.from_dict(client.get(reverse("api:openapi")).json())
    schema.app = get_wsgi_application()
    cases = [
        ("/api/v1/events", {}, {}),
        ("/api/v1/events", {}, {"when": "past"}),
        ("/api/v1/events/{slug}", {"slug": "seminario-futuro"}, {}),
        ("/api/v1/events/{slug}", {"slug": "seminario-2021"}, {}),
        ("/api/v1/events/{slug}/report", {"slug": "seminario-2021"}, {}),
        ("/api/v1/events/{slug}/report", {"slug": "seminario-futuro"}, {}),
        ("/api/v1/guidelines/{slug}/uptake", {"slug": "linee-guida-2021"}, {}),
        ("/api/v1/guidelines/{slug}/uptake", {"slug": "linee-guida-bozza"}, {}),
    ]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        statuses = []
        for path, path_parameters, query in cases:
            operation = schema[path]["GET"]
            case = operation.Case(path_parameters=path_parameters, query=query)
            response = case.call()
            statuses.append(response.status_code)
            case.validate_response(response)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == [200, 200, 200, 200, 200, 404, 200, 404]


# --- The online link -------------------------------------------------------------------------


def test_the_online_link_appears_in_no_answer_nor_in_the_schema(
    client, world, coop_member, regione_admin
):
    """Every participation endpoint, for the public, an organiser and a regional admin, with
    every filter, and the OpenAPI document: neither the link nor the field's name."""
    paths = [
        reverse("api:events"),
        reverse("api:events") + "?when=upcoming",
        reverse("api:events") + "?when=past",
        reverse("api:openapi"),
    ]
    for event in Event.objects.all():
        paths += [
            reverse("api:event-detail", kwargs={"slug": event.slug}),
            reverse("api:event-report", kwargs={"slug": event.slug}),
        ]
    paths += [
        reverse("api:guideline-uptake", kwargs={"slug": slug})
        for slug in ("linee-guida-2021", "linee-guida-bozza")
    ]
    participation = {p for p in client.get(reverse("api:openapi")).json()["paths"]}
    assert {
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/events/{slug}/report",
        "/api/v1/guidelines/{slug}/uptake",
    } <= participation
    seen = 0
    for user in (None, coop_member, regione_admin):
        client.logout()
        if user:
            client.force_login(user)
        for url in paths:
            response = client.get(url)
            text = response.content.decode()
            assert "meet.example.org" not in text, url
            assert "online_link" not in text, url
            assert "online link" not in text.lower(), url
            seen += response.status_code == 200
    assert seen >= 3 * 6
