"""Text as every store and format can hold it.

PostgreSQL refuses NUL in text, XML (XLSX, ODS, XForms) refuses the other C0 control characters
but tab, line feed and carriage return, and UTF-8 cannot encode a lone surrogate. Input from
people (forms, query strings, JSON bodies, imported files) goes through `clean_text` at the
edge, so no layer further in meets them: a vertical tab or form feed (Word's line and page
breaks) becomes a line feed, the others are dropped.
"""

import re
from typing import Any

from django.http import QueryDict

# C0 controls except \t \n \r, the non-characters XML forbids, and lone surrogates.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def has_unstorable(value: str) -> bool:
    return _UNSTORABLE.search(value) is not None


def clean_text(value: str) -> str:
    """`value` without the characters a database or XML cannot hold (line breaks kept)."""
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda match: _BREAKS.get(match.group(), ""), value)


def single_line(value: str) -> str:
    """`value` on one line: every run of line breaks and other white space becomes one space."""
    return " ".join(clean_text(value).split())


def clean_data(value: Any) -> Any:
    """Strings cleaned in a JSON-like value (dicts, lists, strings, numbers), keys as well."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    return value


def depth(value: Any, limit: int) -> int:
    """How deeply lists and dicts nest in `value`, counted up to `limit + 1` (without
    recursion, so any depth can be measured)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def cleaned_query(query: QueryDict) -> QueryDict:
    """`query` with clean_text applied to every key and value (itself when already clean)."""
    if not any(
        has_unstorable(key) or any(has_unstorable(value) for value in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
    cleaned._mutable = False
    return cleaned
