"""No page writes to the database when it is read: every URL of the permission matrix, read
with GET by every role, runs no INSERT, UPDATE or DELETE.

A write during GET runs on every view of the page and races with itself under concurrent
views (a page that "synced" data on view answered 500 to 12 of 20 simultaneous readers).
Writes belong to POST handlers, actions and tasks. The few writes the framework does on a read
are listed in ALLOWED with the reason; anything else fails here, with the page and the SQL."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.policies.base import ROLES
from tests.test_permission_matrix import POLICY, cast, key, policy_routes, resolve_path, world

__all__ = ["cast", "world"]  # fixtures shared with the permission matrix

WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I
)

# Table -> why a GET may write it. Keep this short: each entry is a reviewed exception.
ALLOWED = {
    # The cache backend in tests and in the embedded set-up (Redis in production): cached
    # pages and rate-limit counters, not data.
    "approdo_cache": "cache backend",
    # The API's rate limit counts every request, reads included (one atomic upsert per
    # request, ON CONFLICT DO UPDATE, and the expiry of old windows): that count is the
    # limit's state, not data, and it cannot race.
    "api_ratecounter": "API rate-limit counters",
}


def writes_of(role: str, client, cast, world, only=None) -> list[tuple[str, str]]:
    """(page, SQL) of every write not in ALLOWED, over every page the matrix lists (or the
    pages named in `only`)."""
    found: list[tuple[str, str]] = []
    current = {"path": ""}

    def record(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1).lower() not in ALLOWED:
            found.append((current["path"], " ".join(sql.split())[:160]))
        return execute(sql, params, many, context)

    for route in policy_routes():
        if (only is not None and key(route) not in only) or key(route) not in POLICY:
            continue  # a URL without a policy fails the permission matrix itself
        build_kwargs, _expected = POLICY[key(route)]
        path = resolve_path(route, build_kwargs(world) if build_kwargs else {})
        client.logout()
        if cast[role] is not None:
            client.force_login(cast[role])  # the sign-in's own writes happen here, outside
        current["path"] = path
        with connection.execute_wrapper(record):
            client.get(path)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_page_writes_nothing(role, client, cast, world):
    found = writes_of(role, client, cast, world)
    assert not found, "writes during GET:\n" + "\n".join(f"{p}: {sql}" for p, sql in found)


def test_the_check_sees_a_write(client, cast, world, monkeypatch):
    """The recorder is not blind: a page that writes while it is read is reported."""
    from approdo.funding import workflow_views
    from approdo.funding.models import Call

    fetch = workflow_views._call

    def fetch_and_write(request, slug):
        Call.objects.filter(slug=slug).update(title="Scritto")
        return fetch(request, slug)

    monkeypatch.setattr(workflow_views, "_call", fetch_and_write)
    [(page, sql)] = writes_of("analyst", client, cast, world, only={"funding:call-detail"})
    assert page == reverse("funding:call-detail", kwargs={"slug": world["funding_call"].slug})
    assert sql.startswith("UPDATE")
