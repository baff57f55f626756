"""Changes to API tokens."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from approdo.api.models import TOKEN_KEYWORD, ApiToken, hash_secret
from approdo.core.history import record_history


def create_token(
    user, *, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for `user` and return it with its plaintext.

    Any signed-in user may create tokens for themselves; operators do it for anyone with the
    `create-token` command. The plaintext exists only in the return value: show it once.
    """
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        prefix = secrets.token_hex(5)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    key_hash=hash_secret(secret),
                    expires_at=expires_at,
                )
        except IntegrityError:  # the same random prefix twice: draw another
            continue
        record_history(token, by=user, action="created", changes={"name": name})
        return token, f"{TOKEN_KEYWORD}_{prefix}_{secret}"
    raise RuntimeError("Could not draw a unique token prefix.")


def revoke_token(token: ApiToken, *, by) -> ApiToken:
    """Revoke `token` at once: later requests with it get 401. Revoking twice changes nothing.

    The token's owner may revoke it (the token page), and so may administrators (the admin).
    """
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_history(token, by=by, action="revoked")
    return token
