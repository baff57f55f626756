"""Every public page and the main signed-in pages pass axe-core (WCAG 2.1 A and AA)."""

import pytest

from tests.e2e.conftest import run_axe

PUBLIC_PAGES = [
    "/",
    "/territorio/",
    "/territorio/asl/centro/",
    "/territorio/zone/pratese/",
    "/territorio/comuni/100005/",
    "/territorio/province/po/",
    "/privacy/",
    "/note-legali/",
    "/segnalazioni/nuova/",
    "/accounts/login/",
    "/accounts/password/reset/",
]

COORDINATOR_PAGES = [
    "/",
    "/organizzazioni/",
    "/organizzazioni/richieste-modifica/",
    "/profilo/",
    "/segnalazioni/",
    "/accounts/2fa/",
]


def assert_no_violations(page, path: str) -> None:
    response = page.goto(path)
    assert response.status < 400, f"{path} answered {response.status}"
    violations = run_axe(page)
    assert violations == [], f"{path}: {violations}"


def sign_in(page, live_server, client, user) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


@pytest.mark.parametrize("language", ["it", "en", "ar"])
def test_public_pages_pass_axe(page, live_server, tuscany, language):
    cookie = {"name": "django_language", "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])
    for path in PUBLIC_PAGES:
        assert_no_violations(page, path)


def test_coordinator_pages_pass_axe(page, live_server, client, tuscany, anci_coordinator):
    sign_in(page, live_server, client, anci_coordinator)
    organization = anci_coordinator.memberships.get().organization
    for path in [*COORDINATOR_PAGES, f"/organizzazioni/{organization.pk}/"]:
        assert_no_violations(page, path)


def test_organisation_member_pages_pass_axe(page, live_server, client, tuscany, prato_member):
    sign_in(page, live_server, client, prato_member)
    organization = prato_member.memberships.get().organization
    own = f"/organizzazioni/{organization.pk}/"
    for path in ["/", "/profilo/", own, f"{own}modifica/", f"{own}richiesta-modifica/"]:
        assert_no_violations(page, path)


def test_survey_management_pages_pass_axe(
    page, live_server, client, tuscany, anci_coordinator, prato
):
    from tests.policies.surveys_manage import extend_world

    world = {"prato": prato}
    extend_world(world)
    campaign, response = world["manage_campaign"], world["manage_response"]
    sign_in(page, live_server, client, anci_coordinator)
    paths = [
        "/questionari/gestione/",
        "/questionari/gestione/nuova/",
        f"/questionari/gestione/{campaign.slug}/",
        f"/questionari/gestione/{campaign.slug}/cruscotto/",
        "/questionari/gestione/risposte/",
        f"/questionari/gestione/risposte/{response.instance_id}/",
    ]
    for path in paths:
        assert_no_violations(page, path)
