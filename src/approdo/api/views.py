"""The API's own endpoints (status, OpenAPI document and docs, the current user) and the pages
where people manage their API tokens."""

import importlib.metadata

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import authentication
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    renderer_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from approdo.api.actions import create_token, revoke_token
from approdo.api.errors import PROBLEM_CONTENT_TYPE, problem
from approdo.api.forms import TokenForm
from approdo.api.models import ApiToken
from approdo.api.renderers import ProblemJSONRenderer
from approdo.api.serializers import MeSerializer, StatusSerializer
from approdo.core.decorators import public
from approdo.core.workers import worker_status
from approdo.organizations.models import Membership


def database_is_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def software_version() -> str:
    try:
        return importlib.metadata.version("approdo")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def worker_report() -> dict:
    """The background worker's latest heartbeat (core.workers), for the status endpoint."""
    try:
        state = worker_status()
    except DatabaseError:
        return {"last_seen": None, "ok": False, "running": 0}
    return {
        "last_seen": state.last_seen.isoformat() if state.last_seen else None,
        "ok": state.ok,
        "running": state.running,
    }


@public
@extend_schema(
    summary="Service status",
    description="Whether the service works, as a problem+json object: 200 when the database "
    "answers, 503 when it does not (with Retry-After). `worker` tells whether a background "
    "worker gave a heartbeat recently; without one the service still answers 200 with "
    '`health` "degraded" (pages work, exports and e-mails wait). Never rate-limited, for '
    "health checks.",
    responses={200: StatusSerializer, 503: StatusSerializer},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])  # health checks poll it every few seconds
@renderer_classes([ProblemJSONRenderer, JSONRenderer])
def status(request):
    if database_is_reachable():
        code, detail, database = 200, gettext("The service is working."), "ok"
        worker = worker_report()
        health = "ok" if worker["ok"] else "degraded"
        if not worker["ok"]:
            detail = gettext(
                "The service is working, but no background worker gave a sign of life: "
                "exports and e-mails wait."
            )
    else:
        code, detail, database = 503, gettext("The database cannot be reached."), "unreachable"
        worker = {"last_seen": None, "ok": False, "running": 0}
        health = "unavailable"
    body = problem(
        code,
        detail,
        version=software_version(),
        api_version=settings.SPECTACULAR_SETTINGS["VERSION"],
        health=health,
        database=database,
        worker=worker,
    )
    if code == 200:
        body["title"] = "OK"
    response = Response(body, status=code, content_type=PROBLEM_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    if code == 503:
        response["Retry-After"] = "10"
    return response


@public
@extend_schema(
    summary="Current user",
    description="Who the credentials belong to, with their memberships and roles. Useful to "
    "check a token.",
    responses={200: MeSerializer},
)
@api_view(["GET"])
def me(request):
    memberships = Membership.objects.select_related("organization", "zona", "asl")
    user = request.user
    me = {
        "email": user.email,
        "name": user.get_full_name(),
        "memberships": memberships.filter(user=user),
        "token": request.auth if isinstance(request.auth, ApiToken) else None,
    }
    return Response(MeSerializer(me).data)


openapi = public(
    SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny])
)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI inside the site's shell; its start-up script is a separate file (strict CSP)."""

    template_name = "api/docs.html"
    url_name = "api:openapi"
    title = _("API documentation")
    authentication_classes = [authentication.SessionAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            response.data["breadcrumbs"] = [(self.title, None)]
            response.data["openapi_url"] = reverse("api:openapi")
            response.data["tokens_url"] = reverse("api:token-list")
        return response


docs = public(DocsView.as_view())


@never_cache
def token_list(request):
    tokens = ApiToken.objects.owned_by(request.user)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        token, new_token = create_token(
            request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": list(tokens),
            "form": form,
            "new_token": new_token,
            "breadcrumbs": [
                (_("Profile"), reverse("organizations:profile")),
                (_("API tokens"), None),
            ],
        },
    )


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.owned_by(request.user), pk=pk)
    revoke_token(token, by=request.user)
    messages.success(request, gettext("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:token-list")
