"""Small builders for tests: organisations and people with roles."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from approdo.organizations.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-staple"


def make_organization(name: str, kind: str, **fields) -> Organization:
    organization, _ = Organization.objects.get_or_create(name=name, kind=kind, defaults=fields)
    return organization


def make_user(
    email: str, *, organization: Organization | None = None, role: str | None = None,
    totp: bool = False, **scope
) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, first_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if organization and role:
        Membership.objects.create(user=user, organization=organization, role=role, **scope)
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user
