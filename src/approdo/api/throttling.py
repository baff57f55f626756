"""The API's rate limit: a DRF throttle over the shared cache.

Each client (the signed-in user, by token or session alike, else its address as
core.client.client_ip reads it) may send the rate of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
["api"] to the API's views: APPRODO_API_RATE_LIMIT requests in any APPRODO_API_RATE_WINDOW
seconds (DRF's sliding window). The requests are counted in Django's default cache (CACHES),
which every application process shares. A view that declares no throttle (the status
endpoint, which health checks poll) is never counted. Over the limit DRF raises Throttled: a
429 problem with Retry-After (api.errors).

The throttle leaves its figures on the request; api.middleware writes them as the
X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers. A response that no
throttle saw (an address no view answers, a request refused before the view's throttle ran)
carries the client's figures as they stand, read without counting.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from approdo.api.authentication import token_for_request
from approdo.core.client import client_ip

logger = logging.getLogger(__name__)

# "1000/3600s", "1000/h", "1000/hour": requests, then the window as a number of units.
RATE = re.compile(r"(\d+)/(\d*)([smhd])[a-z]*")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclasses.dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset: int  # seconds until the oldest counted request leaves the window

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class ApiRateThrottle(UserRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        # DRF reads the rates once, at import; reading them here follows a change of settings.
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}.") from None

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """DRF's "number/period", where the period may also be a number of units ("3600s")."""
        if rate is None:
            return None, None
        match = RATE.fullmatch(rate)
        if match is None:
            raise ImproperlyConfigured(f"The throttle rate {rate!r} is not like 1000/3600s.")
        requests, units, unit = match.groups()
        return int(requests), int(units or 1) * UNITS[unit]

    def get_ident(self, request) -> str:
        return client_ip(request)  # the one reader of X-Forwarded-For

    def get_cache_key(self, request, view) -> str:
        return self.key_for(request.user, request)

    def key_for(self, user, request) -> str:
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        try:
            allowed = super().allow_request(request, view)
        except Exception:  # any cache backend's failure: serve rather than refuse everybody
            logger.exception("API rate limit: a request could not be counted")
            self.history, self.now, allowed = [], self.timer(), True
        request._request.rate_limit = self.figures()
        return allowed

    def figures(self) -> RateLimit:
        """The limit, what is left of it and when the oldest counted request stops counting
        (DRF's wait() when none is left, so Retry-After and X-RateLimit-Reset agree)."""
        reset = self.duration
        if self.history:
            reset = self.duration - (self.now - self.history[-1])
        return RateLimit(
            limit=self.num_requests,
            remaining=max(0, self.num_requests - len(self.history)),
            reset=max(1, math.ceil(reset)),
        )

    def peek(self, request: HttpRequest) -> RateLimit | None:
        """The figures of the client of a request that no throttle counted, without counting
        it. The client is found as DRF would: the token's user, the session's, the address."""
        if self.rate is None:
            return None
        token = token_for_request(request)
        user = token.user if token is not None else getattr(request, "user", None)
        self.now = self.timer()
        try:
            history = self.cache.get(self.key_for(user, request), [])
        except Exception:  # as in allow_request
            logger.exception("API rate limit: a count could not be read")
            history = []
        self.history = [moment for moment in history if moment > self.now - self.duration]
        return self.figures()


def counts(request: HttpRequest) -> bool:
    """Whether the API counts requests like `request`: yes, unless the view answering it
    declares no throttle. An address no view answers is counted as the API is."""
    match = request.resolver_match
    view_class = getattr(match.func, "cls", None) if match is not None else None
    return view_class is None or bool(view_class.throttle_classes)


def rate_limit_of(request: HttpRequest) -> RateLimit | None:
    """The figures to send with the response to `request`: the throttle's when it counted
    the request, else the client's as they stand; None where the API does not count."""
    if not counts(request):
        return None
    counted = getattr(request, "rate_limit", None)
    if counted is not None:
        return counted
    return ApiRateThrottle().peek(request)
