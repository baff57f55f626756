from rest_framework.renderers import JSONRenderer

from approdo.api.errors import PROBLEM_CONTENT_TYPE


class ProblemJSONRenderer(JSONRenderer):
    """JSON sent as `application/problem+json` (RFC 9457): errors, and the status endpoint.

    Error responses get this content type from the exception handler whatever renderer was
    negotiated; listing this renderer also lets clients ask for it in `Accept`."""

    media_type = PROBLEM_CONTENT_TYPE
    format = "json"  # ?format=json picks the first JSON renderer listed
