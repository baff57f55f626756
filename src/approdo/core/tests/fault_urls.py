"""Views that meet a lost database connection, for test_faults."""

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from approdo.core.decorators import public


class LostConnection(OperationalError):
    """Stands for psycopg's "server closed the connection unexpectedly"."""


CALLS: list[str] = []


@public
@csrf_exempt
def fails_once(request):
    CALLS.append(request.method)
    if len(CALLS) == 1:
        raise LostConnection("server closed the connection unexpectedly")
    return HttpResponse("answered")


@public
@csrf_exempt
def always_fails(request):
    CALLS.append(request.method)
    raise LostConnection("server closed the connection unexpectedly")


@public
def locked(request):
    raise OperationalError("database is locked")


urlpatterns = [
    path("once/", fails_once),
    path("always/", always_fails),
    path("api/v1/once/", fails_once),
    path("locked/", locked),
]
