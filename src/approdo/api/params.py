"""Query parameters declared once: the same declaration documents a parameter in the OpenAPI
document and checks it on every request, so the API enforces what its schema says.

A parameter is a JSON schema of a small kind: an integer with bounds, a boolean (`true` or
`false`), a string from a list (`enum`), a string matching a `pattern`, or free text. A value
sent that does not conform is a 422 problem with one entry per parameter, including an empty
value (`?limit=`): a client that sends a parameter means it.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

_INTEGER = re.compile(r"-?[0-9]{1,18}")


@dataclass(frozen=True)
class Query:
    name: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    description: str = ""
    required: bool = False

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.name,
            dict(self.schema),
            OpenApiParameter.QUERY,
            required=self.required,
            description=self.description,
        )

    def error(self, value: str) -> str | None:
        """Why `value` does not conform, or None."""
        schema = self.schema
        kind = schema.get("type", "string")
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if not _INTEGER.fullmatch(value) or not (
                (low is None or int(value) >= low) and (high is None or int(value) <= high)
            ):
                return gettext("Expected a whole number from %(low)s to %(high)s.") % {
                    "low": low,
                    "high": high,
                }
            return None
        if kind == "boolean":
            if value not in ("true", "false"):
                return gettext("Expected true or false.")
            return None
        if "enum" in schema and value not in schema["enum"]:
            return gettext("Expected one of: %(values)s.") % {"values": ", ".join(schema["enum"])}
        if "pattern" in schema and not re.fullmatch(schema["pattern"], value):
            return gettext("Not in the expected form (%(pattern)s).") % {
                "pattern": schema["pattern"]
            }
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return gettext("Too long.")
        return None


def integer(name: str, low: int, high: int, description: str = "", **extra) -> Query:
    schema = {"type": "integer", "minimum": low, "maximum": high}
    return Query(name, schema, description, **extra)


def boolean(name: str, description: str = "") -> Query:
    return Query(name, {"type": "boolean"}, description)


def choice(name: str, values: list[str], description: str = "", **extra) -> Query:
    return Query(name, {"type": "string", "enum": list(values)}, description, **extra)


def choices(name: str, values: list[str], description: str = "") -> Query:
    """One or more of `values`, comma-separated (and/or the parameter repeated)."""
    one = "|".join(re.escape(value) for value in values)
    schema = {"type": "string", "pattern": f"^({one})(,({one}))*$"}
    return Query(name, schema, description)


def text(name: str, description: str = "", max_length: int | None = None) -> Query:
    schema = (
        {"type": "string"} if max_length is None else {"type": "string", "maxLength": max_length}
    )
    return Query(name, schema, description)


def parameters(queries: list[Query]) -> list[OpenApiParameter]:
    return [query.parameter() for query in queries]


def check(data, queries: list[Query]) -> None:
    """ValidationError (422) naming every parameter of `data` (a QueryDict) that does not
    conform to its declaration, or a required one missing."""
    errors = {}
    for query in queries:
        values = data.getlist(query.name)
        if not values:
            if query.required:
                errors[query.name] = gettext("This parameter is required.")
            continue
        for value in values:
            reason = query.error(value)
            if reason:
                errors[query.name] = reason
                break
    if errors:
        raise ValidationError(errors)
