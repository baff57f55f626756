"""DRF's parsers with the limits every API body gets: JSON nested at most MAX_DEPTH levels,
and strings without the characters no database or XML can hold (core.text.clean_text), as
the RequestGuardMiddleware does for query strings and forms."""

import json

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from approdo.core.text import clean_data, cleaned_query, depth

MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError as error:
            raise ParseError(self.too_deep()) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(gettext("The body is not valid JSON.")) from error
        if depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(self.too_deep())
        return clean_data(data)

    @staticmethod
    def too_deep() -> str:
        return gettext("The JSON body nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return cleaned_query(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(cleaned_query(result.data), result.files)
