"""API tokens: personal bearer tokens for scripts and other systems.

A token reads `apd_<prefix>_<secret>`. Only the prefix (to recognise and find the token) and the
SHA-256 hash of the secret are stored; the secret is shown once, when the token is created.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_KEYWORD = "apd"


def hash_secret(secret: str) -> str:
    """The stored form of a token secret (hex SHA-256; the secret is random, so no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token string, or None when it is not shaped like one of ours."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_KEYWORD or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def owned_by(self, user) -> "ApiTokenQuerySet":
        return self.filter(user=user)

    def matching(self, raw: str) -> "ApiToken | None":
        """The active token whose prefix and secret match `raw`, with its user; else None."""
        parts = split_token(raw)
        if parts is None:
            return None
        prefix, secret = parts
        try:
            token = self.active().select_related("user").get(prefix=prefix)
        except self.model.DoesNotExist:
            return None
        return token if token.has_secret(secret) else None


class ApiToken(models.Model):
    """A personal API token. Acts as its user, with the user's roles, until revoked or expired."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the script using it.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("hash of the secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_key})"

    @property
    def display_key(self) -> str:
        """How the token is shown for recognition: its public part, never the secret."""
        return f"{TOKEN_KEYWORD}_{self.prefix}_…"

    def has_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(secret))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired
