"""What every response under /api/ gets, and the guard in front of every view.

ApiResponseMiddleware: the errors Django answers itself under /api/ (unknown URL, server
error, a view that is not marked public redirecting to the login page) become problems, and
every response carries the client's rate-limit figures (X-RateLimit-Limit, -Remaining and
-Reset) from the API's throttle (api.throttling), except those of views that are never
throttled (the status endpoint).

RequestGuardMiddleware keeps what no view can use away from every view, API and pages alike:
a path with control characters is not found (404), query and form parameters lose the
characters no database or XML can hold (core.text.clean_text), and a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (other than a multipart upload, whose files the forms cap) is
refused before anything reads it (413, by the handler400 in api.errors).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext

from approdo.api.errors import problem_response
from approdo.api.throttling import rate_limit_of
from approdo.core.text import cleaned_query, has_unstorable

API_PREFIX = "/api/"


class ApiResponseMiddleware:
    """Before the two-factor middleware, so that its refusals are problems with the figures."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        response = self.as_problem(request, self.get_response(request))
        rate_limit = rate_limit_of(request)
        if rate_limit is not None:
            for name, value in rate_limit.headers().items():
                response[name] = value
        return response

    def as_problem(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Django's own HTML answers under /api/, turned into problems."""
        content_type = response.get("Content-Type", "")
        if "json" in content_type or "javascript" in content_type:
            return response
        if response.status_code == 404:
            return problem_response(
                request, 404, gettext("There is no API resource at this address.")
            )
        if response.status_code >= 500 and not settings.DEBUG:
            return problem_response(
                request, response.status_code, gettext("The server could not answer the request.")
            )
        if response.status_code == 302 and self.is_login_redirect(response):
            problem = problem_response(
                request, 401, gettext("Authentication credentials were not provided.")
            )
            problem["WWW-Authenticate"] = 'Bearer realm="api"'
            return problem
        return response

    @staticmethod
    def is_login_redirect(response: HttpResponse) -> bool:
        return response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))


def body_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestGuardMiddleware:
    """Control characters out of paths and parameters, oversized bodies refused (see the
    module's docstring). After the authentication and API middleware, so the error pages
    know the user and API errors carry the rate-limit headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_unstorable(request.path_info):
            raise Http404
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and body_length(request) > limit
            and not request.content_type.startswith("multipart/")
        ):
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        request.GET = cleaned_query(request.GET)
        load = request._load_post_and_files

        def load_clean() -> None:  # the form data is parsed when a view first asks for it
            load()
            request._post = cleaned_query(request._post)

        request._load_post_and_files = load_clean
        return self.get_response(request)
