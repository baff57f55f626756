"""allauth's pages render inside our shell: one h1, breadcrumbs, labelled inputs, no inline
scripts or styles (the Content Security Policy forbids them)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from approdo.organizations.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.labels: set[str] = set()
        self.inputs: list[dict] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0
        self.breadcrumb = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in {"input", "select", "textarea"}:
            self.inputs.append(attrs)
        elif tag == "script" and not attrs.get("src"):
            if attrs.get("type") != "application/json":
                self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag == "nav" and "breadcrumb-container" in attrs.get("class", ""):
            self.breadcrumb = True

    def unlabelled_inputs(self) -> list[dict]:
        return [
            attrs
            for attrs in self.inputs
            if attrs.get("type") not in {"hidden", "submit"}
            and attrs.get("id") not in self.labels
            and not attrs.get("aria-label")
        ]


def audit(response) -> PageAudit:
    assert response.status_code == 200
    page = PageAudit()
    page.feed(response.content.decode())
    assert page.h1 == 1
    assert page.breadcrumb
    assert page.unlabelled_inputs() == []
    assert page.inline_scripts == 0
    assert page.style_attributes == 0
    assert page.style_elements == 0
    assert b"it-header-wrapper" in response.content  # our shell, not allauth's bare layout
    return page


@pytest.mark.parametrize(
    "name", ["account_login", "account_reset_password", "account_reset_password_done"]
)
def test_entrance_pages_use_our_shell(client, name):
    response = client.get(reverse(name))
    page = audit(response)
    if name == "account_login":
        assert {"id_login", "id_password"} <= page.labels
        assert 'class="form-control' in response.content.decode()


def test_login_page_has_no_sign_up_link(client):
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in html
    assert reverse("account_reset_password") in html


def test_login_errors_are_tied_to_their_input(client, prato_member):
    response = client.post(reverse("account_login"), {"login": "not-an-email", "password": "x"})
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert re.search(r'id="id_login-error"', html)


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert b"it-header-wrapper" in response.content
    response = client.post(
        reverse("account_signup"),
        {
            "email": "intruso@example.org",
            "password1": "a-long-passphrase-x",
            "password2": "a-long-passphrase-x",
        },
    )
    from approdo.organizations.models import User

    assert not User.objects.filter(email="intruso@example.org").exists()


def test_two_factor_page_uses_our_shell(client, anci_coordinator):
    client.post(reverse("account_login"), {"login": anci_coordinator.email, "password": PASSWORD})
    page = audit(client.get(reverse("mfa_authenticate")))
    assert "id_code" in page.labels


@pytest.mark.parametrize(
    "name", ["account_email", "account_change_password", "mfa_index", "account_reauthenticate"]
)
def test_manage_pages_use_our_shell(client, prato_member, name):
    client.force_login(prato_member)
    response = client.get(reverse(name))
    audit(response)
    if name != "account_reauthenticate":
        assert reverse("organizations:profile") in response.content.decode()  # breadcrumbs


def test_totp_activation_page_uses_our_shell(client, prato_member):
    client.post(reverse("account_login"), {"login": prato_member.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = audit(client.get(reverse("mfa_activate_totp")))
    assert {"id_code", "authenticator_secret"} <= page.labels


def test_recovery_codes_page_uses_our_shell(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    person = make_user("codici@example.org", totp=True)
    RecoveryCodes.activate(person)
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    from approdo.organizations.tests.factories import totp_code

    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    audit(client.get(reverse("mfa_view_recovery_codes")))
