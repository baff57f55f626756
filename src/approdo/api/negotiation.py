"""Content negotiation that answers an unknown `?format=` as invalid input (422, as the OpenAPI
document's enum of the parameter says) rather than DRF's 404."""

from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and name in request.query_params:
            formats = list(dict.fromkeys(renderer.format for renderer in renderers))
            if request.query_params.get(name) not in formats:
                raise ValidationError(
                    {name: gettext("Expected one of: %(values)s.") % {"values": ", ".join(formats)}}
                )
        return super().select_renderer(request, renderers, format_suffix)
