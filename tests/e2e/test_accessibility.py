"""Every HTML page passes axe-core (WCAG 2.1 A and AA).

The pages come from the URL configuration, through the permission matrix (role_pages.py): every
URL that answers some role with an HTML page, so a new view is checked as soon as its policy
says who may open it. Each page is opened once in Italian, as the role with the most on it, and
the home page as every role, since the menu differs by role; every public page is opened again
as the public sees it, in Italian, English and Arabic (right to left). A view left out is listed
in NOT_CHECKED with the reason."""

from urllib.parse import urlsplit

from django.test import Client

from tests.e2e.conftest import AXE, run_axe
from tests.e2e.role_pages import DOWNLOAD, html_pages_by_role, pages_to_open, sign_in_client
from tests.markers import rendering_only
from tests.policies.base import ROLES
from tests.test_permission_matrix import (  # noqa: F401 (cast and world are fixtures)
    POLICY,
    cast,
    key,
    policy_routes,
    resolve_path,
    world,
)

pytestmark = rendering_only

LANGUAGES = {"anonymous": ["it", "en", "ar"]}  # other roles: Italian
# View -> why axe does not check it. Every entry is a page nobody checks automatically.
NOT_CHECKED: dict[str, str] = {}


def sign_in(page, live_server, client, user) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def open_as(browser, live_server, user, language):
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    context.add_init_script(path=str(AXE))  # injected by the browser: the page's CSP allows it
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        # A client of its own, never logged out: logging out would end the browser's session.
        session = Client()
        session.force_login(user)
        value = session.cookies["sessionid"].value
        cookies.append({"name": "sessionid", "value": value, "url": live_server.url})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(60000)  # the call statistics draw their charts on the server
    return context, page


def test_every_html_page_passes_axe(browser, live_server, client, tuscany, world):  # noqa: F811
    by_role = html_pages_by_role(client, world)
    pages = pages_to_open(by_role)
    pages["anonymous"] = by_role["anonymous"]  # every public page, as the public sees it
    html_views = {name for chosen in pages.values() for name, _path in chosen}
    assert NOT_CHECKED.keys() <= html_views, "NOT_CHECKED names a view that is no HTML page"
    failures = []
    for role, chosen in pages.items():
        for language in LANGUAGES.get(role, ["it"]):
            context, page = open_as(browser, live_server, world["cast"][role], language)
            for name, path in chosen:
                if name in NOT_CHECKED:
                    continue
                where = f"{language} {role} {path} ({name})"
                response = page.goto(path)
                # Sent elsewhere (to the sign-in page, say), the check would be of another page.
                if response.status != 200 or urlsplit(page.url).path != urlsplit(path).path:
                    failures.append(f"{where}: answered {response.status} at {page.url}")
                elif violations := run_axe(page):
                    failures.append(f"{where}: {violations}")
            context.close()
    assert failures == [], "\n".join(failures)


def test_views_named_as_downloads_are_no_pages(client, world):  # noqa: F811
    """The page list skips views named like a download (role_pages.DOWNLOAD) without asking
    them, as some build a file on each request: a page named so would escape the checks."""
    pages = []
    for route in policy_routes():
        name = key(route)
        if name not in POLICY or not DOWNLOAD.search(name):
            continue
        build_kwargs, expected = POLICY[name]
        allowed = [role for role in ROLES if expected[role] == 200]
        if not allowed:
            continue
        sign_in_client(client, world["cast"][allowed[0]])
        response = client.get(resolve_path(route, build_kwargs(world) if build_kwargs else {}))
        if response.get("Content-Type", "").startswith("text/html"):
            pages.append(name)
        response.close()
    assert pages == []
