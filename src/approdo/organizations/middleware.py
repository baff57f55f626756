"""Two-factor authentication is mandatory for the roles that run the network."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from approdo.organizations import permissions


class RequireTwoFactorMiddleware:
    """Send signed-in people whose role requires two-factor authentication, and who have not
    set up an authenticator app yet, to allauth's activation page.

    Not affected: allauth's own pages (under /accounts/), static files, the language switch,
    and API requests authenticated by token. Session requests to the API get a 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            return self._refuse(request)
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        path = request.path_info
        static_url = "/" + settings.STATIC_URL.lstrip("/")
        prefixes = (reverse("account_login").rsplit("login/", 1)[0], static_url)
        if path.startswith(prefixes) or path == reverse("set_language"):
            return True
        return path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META

    def _must_set_up(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._exempt(request):
            return False
        if not permissions.requires_two_factor(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    def _refuse(self, request):
        message = _("Your role requires two-factor authentication: set up an authenticator app.")
        if request.path_info.startswith("/api/"):
            problem = {
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
                "detail": message,
            }
            return JsonResponse(problem, status=403, content_type="application/problem+json")
        url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        messages.warning(request, message)
        return HttpResponseRedirect(url)
