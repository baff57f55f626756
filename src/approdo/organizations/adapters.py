"""How allauth fits Approdo: no open sign-up, and people from the regional SPID/CIE broker."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from approdo.core.client import client_ip

TAX_CODE_PREFIX = "TINIT-"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join through an invitation to an organisation, never by open sign-up.
        return False

    def get_client_ip(self, request) -> str:
        # Sign-in and password-reset limits count per client, not per proxy (core.client).
        return client_ip(request)


def identity_claims(extra_data: dict) -> dict:
    """The broker's claims: the ID token's, overridden by the userinfo answer's."""
    if "userinfo" in extra_data or "id_token" in extra_data:
        return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
    return dict(extra_data)


def _claim(claims: dict, *names: str) -> str:
    """The first non-empty claim among `names`, also as SPID attribute URIs
    (https://attributes.eid.gov.it/fiscal_number)."""
    for name in names:
        for key, value in claims.items():
            if (
                (key == name or key.endswith("/" + name))
                and isinstance(value, str)
                and value.strip()
            ):
                return value.strip()
    return ""


def person_from_claims(claims: dict) -> dict:
    """Map OpenID Connect and SPID-style claims onto User fields.

    Standard claims: given_name, family_name, email. SPID attribute names: name (the given
    name), familyName, fiscalNumber. The tax code loses its "TINIT-" prefix.
    """
    first_name = _claim(claims, "given_name")
    last_name = _claim(claims, "family_name")
    if not first_name and not last_name:
        last_name = _claim(claims, "familyName")
        first_name = _claim(claims, "name")
        if not last_name and " " in first_name:
            # A standard OIDC "name" is the full name.
            first_name, last_name = first_name.split(" ", 1)
    tax_code = _claim(claims, "fiscal_number", "fiscalNumber").upper()
    if tax_code.startswith(TAX_CODE_PREFIX):
        tax_code = tax_code[len(TAX_CODE_PREFIX) :]
    return {
        "email": _claim(claims, "email").lower(),
        "first_name": first_name[:150],
        "last_name": last_name[:150],
        "tax_code": tax_code[:16],
    }


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """People from the regional identity broker (SPID, CIE) get an account without any
    membership: an organisation still has to invite or add them."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # The broker has verified the person's identity; roles still come by invitation.
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        person = person_from_claims(identity_claims(sociallogin.account.extra_data))
        for field, value in person.items():
            if value:
                setattr(user, field, value)
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        """Link a first login from the broker to the existing account with the same e-mail
        address, but only if that address is verified here (someone who merely typed the
        address cannot take over the account)."""
        if sociallogin.is_existing:
            self._complete_profile(sociallogin.user, sociallogin.account.extra_data)
            return
        claims = identity_claims(sociallogin.account.extra_data)
        person = person_from_claims(claims)
        if not person["email"] or not self._broker_verified(sociallogin, claims, person["email"]):
            return
        address = (
            EmailAddress.objects.filter(email__iexact=person["email"], verified=True)
            .select_related("user")
            .first()
        )
        if address is None:
            return
        sociallogin.connect(request, address.user)
        self._complete_profile(address.user, sociallogin.account.extra_data)

    def _broker_verified(self, sociallogin, claims: dict, email: str) -> bool:
        if claims.get("email_verified") in (True, "true"):
            return True
        return self.is_email_verified(sociallogin.account.get_provider(), email)

    def _complete_profile(self, user, extra_data: dict) -> None:
        """Fill the name and tax code the account does not have yet."""
        person = person_from_claims(identity_claims(extra_data))
        changed = []
        for field in ("first_name", "last_name", "tax_code"):
            if person[field] and not getattr(user, field):
                setattr(user, field, person[field])
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
