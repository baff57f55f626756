"""Every page a role may use can be reached from its home page by following links.

Starting at the home page, the walk follows same-site links (`<a href>` and htmx `hx-get`) with
GET only, as each role of the permission matrix, and collects the views it reaches. A view that
answers 200 to the role in the permission matrix and is not reached fails the test, unless it is
listed below with the reason it is not a link (it is the target of a form, or a download reached
by a form or by the API). On the way, no page may show Django's "---------" select placeholder."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

from tests.e2e.role_pages import DOWNLOAD
from tests.markers import rendering_only
from tests.policies.base import ROLES
from tests.test_permission_matrix import POLICY, cast, key, policy_routes, world  # noqa: F401

pytestmark = rendering_only

# View -> why no link leads to it. Keep it short: every entry is a feature people must find some
# other way.
NOT_LINKED = {
    "set_language": "the language menu posts to it",
    "api:status": "API endpoint for machines, documented on the API page",
    "api:openapi": "API schema for machines, linked by the API documentation's own script",
    "api:me": "API endpoint for machines, documented on the API page",
    "api:territory-zones": "API endpoint for machines, documented on the API page",
    "api:territory-comune": "API endpoint for machines, documented on the API page",
    "api:practices": "API endpoint for machines, documented on the API page",
    "api:call-statistics": "API endpoint for machines, documented on the API page",
    "api:campaign-detail": "API endpoint for machines, documented on the API page",
    "api:campaign-responses-csv": "API download for machines, documented on the API page",
    "api:campaign-responses-xlsx": "API download for machines, documented on the API page",
    "governance:meeting-feed": "calendar programs subscribe to it; its address is shown as text",
    "governance:pipeline-geojson": "map data, fetched by the map's script",
    "governance:coverage-geojson": "map data, fetched by the map's script",
    "funding:statistics-geojson": "map data, fetched by the map's script",
    "practices:detail-geojson": "map data, fetched by the map's script",
    "surveys:campaign-dashboard-geojson": "map data, fetched by the map's script",
    "territory:region-geojson": "map data, fetched by the map's script",
    "territory:asl-geojson": "map data, fetched by the map's script",
    "territory:zona-geojson": "map data, fetched by the map's script",
    "territory:comune-geojson": "map data, fetched by the map's script",
    "territory:province-geojson": "map data, fetched by the map's script",
    "account_inactive": "allauth shows it when an inactive account signs in",
    "account_email_verification_sent": "allauth shows it after an address is added",
    "account_confirm_email": "reached from the link in a confirmation e-mail",
    "account_reset_password_done": "shown after the password reset form is sent",
    "account_reset_password_from_key": "reached from the link in a password reset e-mail",
    "account_reset_password_from_key_done": "shown after a new password is set from the e-mail",
    "account_reauthenticate": "allauth asks for it before a sensitive change",
    "account_request_reauthentication_code": "allauth asks for it before a sensitive change",
    "mfa_reauthenticate": "allauth asks for it before a sensitive change",
    "socialaccount_login_cancelled": "the identity provider sends people back to it",
    "socialaccount_login_error": "the identity provider sends people back to it",
    "account_signup": "sign-up is closed: accounts come from invitations",
    "organizations:invitation-accept": "reached from the link in an invitation e-mail",
    "account_logout": "the sign-out button posts to it",
    "organizations:change-request-create": (
        "offered to members whose organisation's fields are locked; coordinators edit them"
    ),
    "socialaccount_connections": "connected accounts of an identity provider: none configured",
    "practices:catalogue-map": "map data, fetched by the catalogue map's script",
    "practices:sitemap": "for search engines",
    "governance:coverage-svg": "linked under the coverage map, drawn only with boundaries",
    "api:events": "API endpoint for machines, documented on the API page",
    "api:event-detail": "API endpoint for machines, documented on the API page",
    "api:event-report": "API endpoint for machines, documented on the API page",
    "api:guideline-uptake": "API endpoint for machines, documented on the API page",
    "participation:guideline-uptake-geojson": "map data, fetched by the map's script",
    "participation:event-register": "the registration button of an event, shown while it is open",
    "participation:registration-detail": "reached from the link in the registration e-mail",
    "participation:registration-confirm": "reached from the link in the registration e-mail",
    "participation:registration-cancel": "reached from the registration e-mail and page",
    "participation:registration-certificate": "reached from the participant's own page",
}

# Links that are missing today, in pages of other areas: listed so that the walk stays useful, and
# checked to be still missing, so that the entry goes once the link exists. None at present.
KNOWN_GAPS: dict[str, tuple[set[str], str]] = {}

MAX_PER_VIEW = 6  # addresses visited per view (the test world has a few objects of a kind)
MAX_PAGES = 400


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for attribute in ("href", "hx-get") if tag == "a" else ("hx-get",):
            if values.get(attribute):
                self.found.append(values[attribute])


def view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route


def walk(client, dashes: list[str]) -> set[str]:
    """The views reached from the home page by following links, GET only; pages whose selects
    show Django's "---------" placeholder are added to `dashes`."""
    reached: set[str] = set()
    visits: dict[str, int] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        name = view_name(urlsplit(url).path)
        if name is None:
            continue
        reached.add(name)
        if name in {"set_language", "account_logout"} or url.startswith("/admin/"):
            continue
        if DOWNLOAD.search(name):
            continue  # a file: reached, and some are built on each request (PDF)
        if visits.get(name, 0) >= MAX_PER_VIEW:
            continue
        visits[name] = visits.get(name, 0) + 1
        pages += 1
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        content = response.content.decode()
        if ">---------<" in content:
            dashes.append(url)
        parser = Links()
        parser.feed(content)
        for link in parser.found:
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, or a relative address such as "?page=2"
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return reached


def usable_views(role: str) -> set[str]:
    return {
        key(route)
        for route in policy_routes()
        if key(route) in POLICY and POLICY[key(route)][1][role] == 200
    }


def test_exceptions_name_existing_views():
    assert set(NOT_LINKED) - {key(route) for route in policy_routes()} == set()


def test_every_usable_view_is_reached_from_the_home_page(client, world):  # noqa: F811
    """One walk per role (the world is built once for all of them)."""
    unreached, gaps = {}, {}
    dashes: list[str] = []
    for role in ROLES:
        client.logout()
        if world["cast"][role] is not None:
            client.force_login(world["cast"][role])
        missing = sorted(usable_views(role) - walk(client, dashes) - set(NOT_LINKED))
        if missing:
            unreached[role] = missing
        known = sorted(name for name, (roles, _why) in KNOWN_GAPS.items() if role in roles)
        if known:
            gaps[role] = known
    assert unreached == gaps, (
        f"Views a role may use but cannot reach by links: {unreached}; known gaps: {gaps}"
    )
    assert dashes == [], f"Selects with a '---------' placeholder: {sorted(set(dashes))}"
