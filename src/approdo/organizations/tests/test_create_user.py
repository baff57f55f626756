import io
import os
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from approdo.__main__ import _underscored
from approdo.core.models import HistoryEntry
from approdo.organizations.models import Invitation, Membership, Organization, User
from approdo.territory.models import Zona

pytestmark = pytest.mark.django_db


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_regional_admin_goes_to_regione_toscana_by_default():
    output = run("Capo@Regione.Toscana.it", "--role", "regional_admin")
    user = User.objects.get(email="capo@regione.toscana.it")
    membership = Membership.objects.get(user=user)
    assert (membership.organization.name, membership.organization.kind) == (
        "Regione Toscana",
        "regione",
    )
    assert membership.role == "regional_admin"
    assert EmailAddress.objects.get(user=user).verified
    password = output.split("One-time password: ")[1].split()[0]
    assert user.check_password(password)
    assert "Created organisation Regione Toscana" in output


def test_coordinator_and_analyst_go_to_anci_toscana(anci):
    run("c@ancitoscana.it", "--role", "coordinator")
    run("a@ancitoscana.it", "--role", "analyst")
    assert set(Membership.objects.filter(organization=anci).values_list("role", flat=True)) == {
        "coordinator",
        "analyst",
    }
    assert Organization.objects.filter(name="ANCI Toscana").count() == 1


def test_creates_the_named_organisation_when_missing():
    run(
        "op@coop.example",
        "--role",
        "org_manager",
        "--org",
        "Coop Nuova",
        "--org-kind",
        "cooperativa_sociale",
    )
    organization = Organization.objects.get(name="Coop Nuova")
    assert organization.kind == "cooperativa_sociale"
    actions = set(HistoryEntry.objects.for_object(organization).values_list("action", flat=True))
    assert actions == {"created", "member_added"}


def test_existing_organisation_is_found_by_name(prato):
    run("op@comune.prato.it", "--role", "org_member", "--org", "comune di prato")
    assert Membership.objects.get(user__email="op@comune.prato.it").organization == prato


def test_organisation_role_needs_an_organisation():
    with pytest.raises(CommandError):
        run("op@example.org", "--role", "org_member")
    with pytest.raises(CommandError, match="kind"):
        run("op@example.org", "--role", "org_member", "--org", "Nessuna")
    assert not User.objects.filter(email="op@example.org").exists()


def test_territory_officer_needs_a_zona_or_asl():
    with pytest.raises(CommandError):
        run(
            "t@sds.example",
            "--role",
            "territory_viewer",
            "--org",
            "SdS Pratese",
            "--org-kind",
            "sds",
        )
    run(
        "t@sds.example",
        "--role",
        "territory_viewer",
        "--org",
        "SdS Pratese",
        "--org-kind",
        "sds",
        "--zona",
        "pratese",
    )
    assert Membership.objects.get(user__email="t@sds.example").zona == Zona.objects.get(
        slug="pratese"
    )
    with pytest.raises(CommandError, match="Unknown zona"):
        run(
            "u@sds.example",
            "--role",
            "territory_viewer",
            "--org",
            "SdS Pratese",
            "--zona",
            "atlantide",
        )


def test_running_again_updates_the_membership(prato):
    run("op@comune.prato.it", "--role", "org_member", "--org", "Comune di Prato")
    output = run("op@comune.prato.it", "--role", "org_manager", "--org", "Comune di Prato")
    assert "Updated op@comune.prato.it" in output
    assert "password" not in output
    assert Membership.objects.get(user__email="op@comune.prato.it").role == "org_manager"
    assert User.objects.filter(email="op@comune.prato.it").count() == 1


def test_running_again_adds_a_second_organisation(prato, coop):
    run("op@example.org", "--role", "org_member", "--org", prato.name)
    run("op@example.org", "--role", "org_member", "--org", coop.name)
    assert Membership.objects.filter(user__email="op@example.org").count() == 2


def test_password_from_stdin(monkeypatch):
    output = run(
        "capo@regione.toscana.it",
        "--role",
        "regional_admin",
        "--password-stdin",
        stdin="a-long-and-uncommon-passphrase\n",
        monkeypatch=monkeypatch,
    )
    assert "One-time password" not in output
    assert User.objects.get(email="capo@regione.toscana.it").check_password(
        "a-long-and-uncommon-passphrase"
    )


def test_weak_password_from_stdin_is_refused(monkeypatch):
    with pytest.raises(CommandError):
        run(
            "capo@regione.toscana.it",
            "--role",
            "regional_admin",
            "--password-stdin",
            stdin="123\n",
            monkeypatch=monkeypatch,
        )
    assert not User.objects.exists()


def test_invite_prints_a_link_and_creates_no_account(settings, mailoutbox):
    settings.APPRODO_SITE_URL = "https://approdo.example.org"
    output = run(
        "nuova@comune.prato.it",
        "--role",
        "org_member",
        "--org",
        "Comune di Prato",
        "--org-kind",
        "comune",
        "--invite",
    )
    invitation = Invitation.objects.get()
    assert f"https://approdo.example.org/inviti/{invitation.token}/" in output
    assert not User.objects.filter(email="nuova@comune.prato.it").exists()


def test_dashed_command_names_run_the_underscored_command():
    assert _underscored(["approdo", "create-user", "x@example.org"]) == [
        "approdo",
        "create_user",
        "x@example.org",
    ]
    assert _underscored(["approdo", "migrate", "--run-syncdb"]) == [
        "approdo",
        "migrate",
        "--run-syncdb",
    ]
    assert _underscored(["approdo", "--version"]) == ["approdo", "--version"]


def test_approdo_create_user_is_a_command():
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "x")}
    result = subprocess.run(
        [sys.executable, "-m", "approdo", "create-user", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "--password-stdin" in result.stdout
