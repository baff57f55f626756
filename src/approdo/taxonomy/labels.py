"""Names stored as written (in Italian) shown in the reader's language when they are known."""

import re
from functools import cache

from django.utils import translation

from approdo.taxonomy.defaults import FUNDING_SOURCES

# "Fondi regionali (Regione Toscana)": a known name with a detail of its own.
WITH_DETAIL = re.compile(r"^(?P<name>[^()]+?)\s*(?P<detail>\([^()]*\))$")


@cache
def _funding_codes() -> dict[str, str]:
    """{stored name, lowercase: code}: each name in Italian, in English and the code itself."""
    names = {}
    for code, label in FUNDING_SOURCES.items():
        names[code] = code
        for language in ("it", "en"):
            with translation.override(language):
                names[str(label).lower()] = code
    return names


def funding_source_label(text: str) -> str:
    """`text` in the active language when it names a known funding source, else as written."""
    text = " ".join(str(text).split())
    code = _funding_codes().get(text.lower())
    if code is not None:
        return str(FUNDING_SOURCES[code])
    match = WITH_DETAIL.match(text)
    if match:
        code = _funding_codes().get(match["name"].lower())
        if code is not None:
            return f"{FUNDING_SOURCES[code]} {match['detail']}"
    return text
