"""Every URL of the project, for every role, answers the status its policy declares.

The URL list comes from the URL configuration itself, so a new view without a declared policy
fails here; so does a view that becomes public without being added to PUBLIC_VIEWS."""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.policies.base import PUBLIC, ROLES, SIGNED_IN, expect, private, regional_only


@dataclass(frozen=True)
class Route:
    path: str
    name: str | None
    callback: Callable


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(prefix + str(pattern.pattern), name, pattern.callback)


ROUTES = [route for route in walk(get_resolver().url_patterns)]


def key(route: Route) -> str:
    return route.name or route.path


# URL name (or path when unnamed) -> (URL kwargs from the test world, expected GET status by role).
POLICY: dict[str, tuple[Callable[[dict], dict] | None, dict[str, int]]] = {
    # Shell and portal.
    "set_language": (None, expect(302)),  # a GET is sent back to where it came from
    "portal:home": (None, PUBLIC),
    "portal:privacy": (None, PUBLIC),
    "portal:legal": (None, PUBLIC),
    "portal:feedback": (None, PUBLIC),
    "portal:feedback-list": (None, regional_only()),
    # Territory: public reference data.
    "territory:region": (None, PUBLIC),
    "territory:region-geojson": (None, PUBLIC),
    "territory:asl-detail": (lambda w: {"slug": "centro"}, PUBLIC),
    "territory:asl-geojson": (lambda w: {"slug": "centro"}, PUBLIC),
    "territory:zona-detail": (lambda w: {"slug": "pratese"}, PUBLIC),
    "territory:zona-geojson": (lambda w: {"slug": "pratese"}, PUBLIC),
    "territory:comune-detail": (lambda w: {"istat_code": "100005"}, PUBLIC),
    "territory:comune-geojson": (lambda w: {"istat_code": "100005"}, PUBLIC),
    "territory:province-detail": (lambda w: {"sigla": "po"}, PUBLIC),
    "territory:province-geojson": (lambda w: {"sigla": "po"}, PUBLIC),
    # API: public reference data and documentation; the rest needs a token or a session.
    "api:status": (None, PUBLIC),
    "api:openapi": (None, PUBLIC),
    "api:docs": (None, PUBLIC),
    "api:me": (None, expect(200, anonymous=401)),
    "api:territory-zones": (None, PUBLIC),
    "api:territory-comune": (lambda w: {"istat_code": "100005"}, PUBLIC),
    "api:token-list": (None, private()),
    "api:token-revoke": (lambda w: {"pk": 1}, private(405)),  # POST only
    # Organisations: members see their own, regional roles and analysts everything,
    # territory officers their territory (Prato is in the Pratese zona of zona_officer).
    "organizations:organization-list": (None, private()),
    "organizations:organization-create": (None, regional_only()),
    "organizations:organization-detail": (
        lambda w: {"pk": w["prato"].pk},
        private(coop_member=404, other_coop_member=404),
    ),
    "organizations:organization-edit": (
        lambda w: {"pk": w["prato"].pk},
        private(404, regione_admin=200, anci_coordinator=200, prato_member=200),
    ),
    "organizations:organization-history": (
        lambda w: {"pk": w["prato"].pk},
        private(
            403, regione_admin=200, anci_coordinator=200, coop_member=404, other_coop_member=404
        ),
    ),
    "organizations:organization-invite": (lambda w: {"pk": w["prato"].pk}, private(405)),
    "organizations:membership-edit": (
        lambda w: {"pk": w["prato_membership"].pk},
        private(404, regione_admin=200, anci_coordinator=200, prato_member=200),
    ),
    "organizations:membership-delete": (
        lambda w: {"pk": w["prato_membership"].pk},
        private(405),
    ),
    "organizations:change-request-create": (
        lambda w: {"pk": w["prato"].pk},
        private(404, regione_admin=200, anci_coordinator=200, prato_member=200),
    ),
    "organizations:change-request-list": (None, regional_only()),
    "organizations:change-request-approve": (
        lambda w: {"pk": w["prato_change"].pk},
        private(405),  # POST only
    ),
    "organizations:change-request-reject": (
        lambda w: {"pk": w["prato_change"].pk},
        private(405),  # POST only
    ),
    "organizations:invitation-accept": (lambda w: {"token": "unknown"}, expect(404)),
    "organizations:profile": (None, private()),
    # Sign-in (django-allauth). Pages for a flow not under way redirect to its start.
    "account_login": (None, expect(302, anonymous=200)),
    "account_logout": (None, private()),
    "account_inactive": (None, PUBLIC),
    "account_signup": (None, expect(302, anonymous=200)),  # says sign-up is closed
    "account_reauthenticate": (None, private()),
    "account_request_reauthentication_code": (None, private()),
    "account_confirm_reauthentication_code": (None, expect(302)),
    "account_email": (None, private()),
    "account_email_verification_sent": (None, PUBLIC),
    "account_change_password": (None, private()),
    "account_set_password": (None, expect(302)),
    "account_reset_password": (None, PUBLIC),
    "account_confirm_login_code": (None, expect(302)),
    "account_confirm_email": (lambda w: {"key": "unknown"}, PUBLIC),
    "account_reset_password_from_key_done": (None, PUBLIC),
    "account_reset_password_from_key": (lambda w: {"uidb36": "1", "key": "bad-key"}, PUBLIC),
    "account_reset_password_done": (None, PUBLIC),
    "mfa_index": (None, private()),
    "mfa_authenticate": (None, expect(302)),
    "mfa_reauthenticate": (None, private(302, regione_admin=200, anci_coordinator=200)),
    "mfa_activate_totp": (None, expect(302)),  # users of the cast have TOTP or need none
    "mfa_deactivate_totp": (None, private(404, regione_admin=302, anci_coordinator=302)),
    "mfa_view_recovery_codes": (None, private(404)),
    "mfa_generate_recovery_codes": (None, expect(302)),
    "mfa_download_recovery_codes": (None, private(404)),
    "socialaccount_login_cancelled": (None, PUBLIC),
    "socialaccount_login_error": (None, private(401)),
    "socialaccount_signup": (None, expect(302)),
    "socialaccount_connections": (None, private()),
    "accounts/social/login/cancelled/": (None, private(301)),  # old paths move to 3rdparty/
    "accounts/social/login/error/": (None, private(301)),
    "accounts/social/signup/": (None, private(301)),
    "accounts/social/connections/": (None, private(301)),
    # No broker is configured in tests: the provider does not exist.
    "openid_connect_login": (lambda w: {"provider_id": "regione"}, expect(404)),
    "openid_connect_callback": (lambda w: {"provider_id": "regione"}, expect(404)),
}

# Views anyone may open without signing in. Adding one here is a reviewed decision.
PUBLIC_VIEWS = {
    "set_language",
    "portal:home",
    "portal:privacy",
    "portal:legal",
    "portal:feedback",
    "territory:region",
    "territory:region-geojson",
    "territory:asl-detail",
    "territory:asl-geojson",
    "territory:zona-detail",
    "territory:zona-geojson",
    "territory:comune-detail",
    "territory:comune-geojson",
    "territory:province-detail",
    "territory:province-geojson",
    "api:status",
    "api:openapi",
    "api:docs",
    "api:me",  # answers 401 itself: API views check tokens, not the login middleware
    "api:territory-zones",
    "api:territory-comune",
    "organizations:invitation-accept",
    # Signing in, signing up (closed: it says so), resetting a password, confirming an address.
    "admin:login",
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_signup",
}

# Areas with their own policy module in tests/policies/ (all but base).
AREAS = [
    importlib.import_module(f"tests.policies.{module.name}")
    for module in pkgutil.iter_modules([str(Path(__file__).parent / "policies")])
    if module.name != "base"
]
for area in AREAS:
    overlap = POLICY.keys() & area.POLICY.keys()
    assert not overlap, f"{area.__name__} redeclares {overlap}"
    POLICY.update(area.POLICY)
    PUBLIC_VIEWS |= set(getattr(area, "PUBLIC_VIEWS", set()))

# The Django admin checks staff status itself; none of the cast is staff.
ADMIN_PREFIX = "admin/"


def is_public(route: Route) -> bool:
    callback = route.callback
    for _ in range(5):  # DRF and decorators wrap views; look through the wrappers
        if getattr(callback, "login_required", True) is False:
            return True
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view_class is not None and getattr(view_class, "login_required", True) is False:
            return True
        callback = getattr(callback, "__wrapped__", None)
        if callback is None:
            return False
    return False


def policy_routes():
    return [route for route in ROUTES if not route.path.startswith(ADMIN_PREFIX)]


def test_every_url_has_a_declared_policy():
    missing = sorted({key(route) for route in policy_routes()} - POLICY.keys())
    assert missing == [], f"URLs without a policy in the permission matrix: {missing}"


def test_no_policy_names_a_url_that_does_not_exist():
    assert sorted(POLICY.keys() - {key(route) for route in policy_routes()}) == []


def test_public_views_are_the_approved_ones():
    public = {key(route) for route in ROUTES if is_public(route)}
    assert public == PUBLIC_VIEWS


@pytest.fixture
def cast(
    regione_admin,
    anci_coordinator,
    analyst,
    prato_member,
    coop_member,
    other_coop_member,
    zona_officer,
):
    return {
        "anonymous": None,
        "regione_admin": regione_admin,
        "anci_coordinator": anci_coordinator,
        "analyst": analyst,
        "prato_member": prato_member,
        "coop_member": coop_member,
        "other_coop_member": other_coop_member,
        "zona_officer": zona_officer,
    }


@pytest.fixture
def world(cast, prato, coop, other_coop):
    from approdo.organizations.models import ChangeRequest, Membership

    membership = Membership.objects.get(user=cast["prato_member"], organization=prato)
    world = {
        "cast": cast,
        "prato": prato,
        "coop": coop,
        "other_coop": other_coop,
        "prato_membership": membership,
        "prato_change": ChangeRequest.objects.create(
            organization=prato,
            proposed={"name": "Comune di Prato (PO)"},
            current={"name": prato.name},
            requested_by=cast["prato_member"],
        ),
    }
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
    return world


def resolve_path(route: Route, kwargs: dict) -> str:
    from django.urls import reverse

    if route.name is None:
        return "/" + route.path
    return reverse(route.name, kwargs=kwargs)


def answers_for(route: Route, client, cast, world) -> tuple[dict[str, int], dict[str, int]]:
    """(status of a GET by each role, the statuses the policy declares)."""
    entry = POLICY.get(key(route))
    if entry is None:
        pytest.fail(f"{key(route)} has no policy")
    build_kwargs, expected = entry
    path = resolve_path(route, build_kwargs(world) if build_kwargs else {})
    answers = {}
    for role in ROLES:
        client.logout()
        if cast[role] is not None:
            client.force_login(cast[role])
        answers[role] = client.get(path).status_code
    return answers, expected


@pytest.mark.parametrize("route", policy_routes(), ids=key)
def test_role_gets_declared_status(route, client, cast, world):
    answers, expected = answers_for(route, client, cast, world)
    assert answers == expected


def self_promotions(role: str) -> list[dict]:
    """Locked values that would widen what `role`'s organisation sees if it could set them: a
    Unione, the Società della Salute of the Pratese zona, and last the Comune di Prato (whose
    pipeline entry is in the world), each marked as verified."""
    from approdo.territory.models import SocietaDellaSalute, UnioneComuni

    claim = {"territory_verified": "on", "tax_code": "", "reason": "Self-promotion"}
    unione, _ = UnioneComuni.objects.get_or_create(
        slug="val-di-bisenzio", defaults={"name": "Unione dei Comuni della Val di Bisenzio"}
    )
    return [
        {
            **claim,
            "name": f"Unione ({role})",
            "kind": "unione_comuni",
            "seat": "100005",
            "unione": unione.pk,
        },
        {
            **claim,
            "name": f"Società della Salute Area Pratese ({role})",
            "kind": "sds",
            "seat": "100005",
            "sds": SocietaDellaSalute.objects.get(zona__slug="pratese").pk,
        },
        {**claim, "name": f"Comune di Prato ({role})", "kind": "comune", "seat": "100005"},
    ]


def edit_own_organisations(client, cast) -> dict[str, list[tuple[str, int]]]:
    """Every signed-in role tries, on each organisation it belongs to, to set the locked fields
    through the edit page (POST), files a change request with the same values and tries to
    approve it. Returns each organisation's locked values and verification before."""
    from django.urls import reverse

    from approdo.organizations.actions import locked_values
    from approdo.organizations.models import ChangeRequest, Organization

    before = {}
    for role in SIGNED_IN:
        user = cast[role]
        client.logout()
        client.force_login(user)
        for organization in Organization.objects.filter(memberships__user=user):
            before[organization.pk] = (locked_values(organization), organization.territory_verified)
            for attempt in self_promotions(role):
                pk = organization.pk
                client.post(reverse("organizations:organization-edit", args=[pk]), attempt)
                client.post(reverse("organizations:change-request-create", args=[pk]), attempt)
            for change in ChangeRequest.objects.filter(organization=organization):
                url = reverse("organizations:change-request-approve", args=[change.pk])
                client.post(url, {"verify": "on"})
    client.logout()
    return before


def test_editing_own_organisation_changes_no_access(client, cast, world):
    """Edit own organisation, then retry: after every role has tried to make its organisation
    a Comune, Unione or SdS of the Pratese territory, every URL still answers every role as the
    policy declares."""
    from approdo.organizations import permissions
    from approdo.organizations.actions import locked_values
    from approdo.organizations.models import Organization

    before = edit_own_organisations(client, cast)
    for role in SIGNED_IN:
        for organization in Organization.objects.filter(memberships__user=cast[role]):
            values = locked_values(organization)
            if permissions.can_edit_locked_fields(cast[role]):
                # The attempts are well-formed: a coordinator's own edit goes through.
                assert values["kind"] == "comune" and organization.territory_verified
            else:
                assert (values, organization.territory_verified) == before[organization.pk], role
    mismatches = {}
    for route in policy_routes():
        answers, expected = answers_for(route, client, cast, world)
        if answers != expected:
            mismatches[key(route)] = {
                role: (expected[role], answers[role])
                for role in ROLES
                if answers[role] != expected[role]
            }
    assert mismatches == {}


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_closed_to_non_staff(client, cast, role):
    if cast[role] is not None:
        client.force_login(cast[role])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
