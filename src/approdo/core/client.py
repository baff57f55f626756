"""The client's address, derived in one place for every rate limit (sign-in and password reset
through allauth, the API, the contact relay, the feedback form and the other public forms).

Without a proxy (APPRODO_TRUSTED_PROXIES = 0) the address is the connection's (REMOTE_ADDR) and
X-Forwarded-For is ignored: anybody can send that header. Behind N trusted proxies, each proxy
appends the address it received the request from, so the client is the Nth address from the
right; whatever stands to its left was written by the client and is ignored.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as a normalised IP address text."""
    remote = _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    proxies = settings.APPRODO_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # The request did not come through every trusted proxy: trust only the connection.
        return remote
    return _address(hops[-proxies]) or remote


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address: enough to rate-limit, useless to identify."""
    return hash_address(client_ip(request))


def hash_address(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
