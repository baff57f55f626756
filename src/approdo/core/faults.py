"""Surviving lost database connections (a database restart, a failover, a killed backend).

Django reuses a connection for CONN_MAX_AGE seconds and checks it before a request reuses it
(CONN_HEALTH_CHECKS), but a connection can still die while a request uses it. Then:

- a GET or HEAD is run again once on a new connection: reading twice changes nothing;
- anything else is not run again (the first attempt may have committed before the connection
  died, or not at all, and only the client can tell by sending it again: our writes are
  idempotent, e.g. survey submissions by instance id). The client gets a 503 with Retry-After,
  problem+json under /api/, a plain page elsewhere, never a 500.

A connection error that leaves the connection usable (a lock timeout, a deadlock, SQLite's
"database is locked") is not a lost connection and is left to the usual error handling.
"""

import json
import logging
import sys

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
_MARK = "_approdo_lost_connection"


def is_lost_connection(error: BaseException | None) -> bool:
    """Whether `error` is a database error that lost the connection (killed, closed, the
    server away), as opposed to one the connection survives (a lock or statement timeout, a
    deadlock, SQLite's "database is locked")."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    cause = error.__cause__
    if type(cause).__module__.startswith("psycopg"):
        # The connection may already be a new one (leaving `atomic` reconnects), so the
        # error itself tells: no SQLSTATE is a client-side connection failure; class 08 is a
        # connection exception, 57P01-57P05 the server shutting the connection down.
        sqlstate = getattr(cause, "sqlstate", None)
        return sqlstate is None or sqlstate.startswith(("08", "57P"))
    if connection.connection is None:  # closed after the error, or never opened
        return True
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - a connection that cannot even be asked is lost
        return True


def discard_connection() -> None:
    """Drop the connection so that the next query opens a new one."""
    try:
        connection.close()
    except DatabaseError:
        connection.connection = None


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: problem+json for the API, a plain page (no database) elsewhere."""
    detail = gettext(
        "The database connection was interrupted. Nothing was lost: send the request again "
        "in a few seconds."
    )
    if request.path_info.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": gettext("Service unavailable"),
            "status": 503,
            "detail": detail,
            "instance": request.get_full_path(),
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=503,
            content_type="application/problem+json",
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception, dispatch_uid="approdo.core.faults")
def _note_lost_connection(sender, request=None, **kwargs) -> None:
    """Errors raised outside the view (in a middleware, while saving the session) reach
    Django's handler only: mark the request so that the middleware answers 503, not 500."""
    if request is not None and is_lost_connection(sys.exc_info()[1]):
        setattr(request, _MARK, True)


class DatabaseFaultMiddleware:
    """First in MIDDLEWARE: runs a GET/HEAD again once after a lost connection and turns what
    still fails for that reason into a 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, _MARK, False):
            return response
        discard_connection()
        if request.method in IDEMPOTENT_METHODS:
            logger.warning(
                "Lost database connection: %s %s run again", request.method, request.path
            )
            setattr(request, _MARK, False)
            response = self.get_response(request)
            if not getattr(request, _MARK, False):
                return response
            discard_connection()
        logger.warning("Lost database connection: %s %s answered 503", request.method, request.path)
        return unavailable_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A view's lost connection: answer at once (no 500 logged); __call__ decides."""
        if is_lost_connection(exception):
            setattr(request, _MARK, True)
            return unavailable_response(request)
        return None
