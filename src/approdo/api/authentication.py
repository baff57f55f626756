"""Bearer-token authentication for the REST API (`Authorization: Bearer apd_<prefix>_<secret>`)."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from approdo.api.models import ApiToken

KEYWORD = "bearer"
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
_UNSET = object()


def bearer_credentials(request: HttpRequest) -> str | None:
    """The raw token of an `Authorization: Bearer ...` header; "" when malformed; None if absent."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if not parts or parts[0].lower() != KEYWORD:
        return None
    return parts[1] if len(parts) == 2 else ""


def token_for_request(request: HttpRequest) -> ApiToken | None:
    """The valid token the request carries, looked up once per request (middleware and DRF share
    it); None without a header or with a bad, revoked or expired token."""
    cached = getattr(request, "_approdo_api_token", _UNSET)
    if cached is not _UNSET:
        return cached
    raw = bearer_credentials(request)
    token = ApiToken.objects.matching(raw) if raw else None
    if token is not None and not token.user.is_active:
        token = None
    request._approdo_api_token = token
    return token


def touch_token(token: ApiToken) -> None:
    """Record the use of `token`, writing at most once a minute."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by its API token. Requests without one go on to the next
    authenticator (the session); a token that is unknown, revoked or expired gets a 401."""

    def authenticate(self, request):
        raw = bearer_credentials(request._request)
        if raw is None:
            return None
        token = token_for_request(request._request)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The API token is invalid, revoked or expired.")
            )
        touch_token(token)
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
