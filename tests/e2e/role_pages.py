"""The pages each role of the permission matrix may open: every URL whose policy answers 200 to a
GET for that role and whose answer is an HTML page (downloads, feeds and data are left out).
The browser tests that go over every page (width, accessibility) open them with pages_to_open."""

import re

from tests.policies.base import ROLES
from tests.test_permission_matrix import POLICY, key, policy_routes, resolve_path

# Names of views that answer with a file or data, never asked (some build a PDF on each request).
DOWNLOAD = re.compile(
    r"(geojson|csv|xlsx|pdf|docx|svg|ods|feed|sitemap|openapi|download|attachment|document"
    r"|-file|export|calendar-feed|status)$"
)


# Who opens a page that several roles may open: the role with the most on it comes first.
PREFERENCE = [
    "regione_admin",
    "anci_coordinator",
    "analyst",
    "zona_officer",
    "prato_member",
    "other_coop_member",
    "coop_member",
    "anonymous",
]


def sign_in_client(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def html_pages_by_role(client, world) -> dict[str, list[tuple[str, str]]]:
    """{role: [(URL name, path), ...]}, asking each URL once (as the first role allowed) whether
    it answers with an HTML page."""
    pages: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    for route in policy_routes():
        if key(route) not in POLICY or DOWNLOAD.search(key(route)):
            continue  # a view without a policy fails the permission matrix itself
        build_kwargs, expected = POLICY[key(route)]
        allowed = [role for role in ROLES if expected[role] == 200]
        if not allowed:
            continue
        path = resolve_path(route, build_kwargs(world) if build_kwargs else {})
        sign_in_client(client, world["cast"][allowed[0]])
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for role in allowed:
            pages[role].append((key(route), path))
    client.logout()
    return pages


def pages_to_open(by_role: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    """{role: [(URL name, path)]} from html_pages_by_role: each page once, as the first role of
    PREFERENCE allowed to open it, and the home page as every role."""
    chosen: dict[str, list[tuple[str, str]]] = {role: [] for role in PREFERENCE}
    taken = {"/"}
    for role in PREFERENCE:
        chosen[role].append(("portal:home", "/"))
        for name, path in by_role[role]:
            if path not in taken:
                taken.add(path)
                chosen[role].append((name, path))
    return chosen
