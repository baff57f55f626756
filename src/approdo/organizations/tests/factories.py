"""Small builders for tests: organisations and people with roles."""

import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from approdo.organizations.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app would show now for `secret`."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_organization(name: str, kind: str, **fields) -> Organization:
    organization, _ = Organization.objects.get_or_create(name=name, kind=kind, defaults=fields)
    return organization


def make_user(
    email: str,
    *,
    organization: Organization | None = None,
    role: str | None = None,
    totp: bool = False,
    **scope,
) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, first_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if organization and role:
        Membership.objects.create(user=user, organization=organization, role=role, **scope)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user
