"""Every page of the permission matrix, for every role that may open it, speaks the language
asked for: no Italian sentence of the catalogue on an English, French or Arabic page (a string
built outside gettext, a missing plural form, a catalogue entry left empty fall back to
Italian), and no English msgid left on an Italian page.

The phrases looked for are the catalogue's own: each translation of the `it` catalogue that
differs from its msgid is Italian-only text, each msgid so translated is English-only text. A
page fails when one of them is a whole text of the page (a text node, a title, an `aria-label`,
an `alt` or a `placeholder`), placeholders matching any value."""

import gettext
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from lxml import html as lxml_html

from tests.markers import rendering_only
from tests.policies.base import ROLES
from tests.test_permission_matrix import (  # noqa: F401 (cast and world are fixtures)
    POLICY,
    cast,
    key,
    policy_routes,
    resolve_path,
    world,
)

pytestmark = rendering_only

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "src" / "approdo"
OTHER_LANGUAGES = ["en", "fr", "ar"]
# Proper nouns and terms the interface keeps in Italian in every language.
ALLOWED = {
    "SAI", "ANCI", "ASL", "PEC", "RUNTS", "IPA", "ISTAT", "Regione", "Regione Toscana",
    "Comune", "Comuni", "Prefettura", "Unione dei Comuni", "Società della Salute",
    "zona distretto", "zone distretto", "Toscana", "Approdo", "n.d.",
}  # fmt: skip
ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{\{[^}]*\}\}")


@cache
def catalogue(language: str) -> dict[str, list[str]]:
    """{msgid: [translations]} of the project's catalogues for `language` (contexts dropped)."""
    result: dict[str, list[str]] = {}
    for path in sorted(PACKAGE_DIR.glob(f"**/locale/{language}/LC_MESSAGES/django.mo")):
        with path.open("rb") as file:
            entries = gettext.GNUTranslations(file)._catalog
        for msgid, msgstr in entries.items():
            if isinstance(msgid, tuple):  # (msgid, plural form index)
                msgid = msgid[0]
            if not msgid:
                continue  # the header
            result.setdefault(msgid.split("\x04")[-1], []).append(msgstr)
    return result


def _matcher(phrases: set[str]):
    """(whole texts, one regular expression for the texts with placeholders)."""
    plain = {p for p in phrases if not PLACEHOLDER.search(p)}
    patterns = []
    for phrase in phrases - plain:
        parts = PLACEHOLDER.split(phrase)
        if sum(len(re.sub(r"\W", "", part)) for part in parts) < 8:
            continue  # too little fixed text to tell a sentence from data
        patterns.append(".+?".join(re.escape(part) for part in parts))
    regex = re.compile("|".join(f"(?:{p})" for p in sorted(patterns)) or r"(?!)")
    return plain, regex


@cache
def foreign_phrases(language: str):
    """The texts that must not appear on a page in `language`."""
    italian = catalogue("it")
    if language == "it":  # English msgids that Italian translates
        phrases = {
            msgid for msgid, texts in italian.items() if all(text != msgid for text in texts)
        }
        own = {text for texts in italian.values() for text in texts}
    else:  # Italian translations that differ from the msgid and from this language's text
        phrases = {
            text for msgid, texts in italian.items() for text in texts if text and text != msgid
        }
        own = {text for texts in catalogue(language).values() for text in texts}
        own |= set(catalogue(language))
    phrases = {p for p in phrases - own - ALLOWED if re.search(r"[^\W\d_]{3}", p) and len(p) > 3}
    return _matcher(phrases)


def visible_texts(content: bytes) -> set[str]:
    tree = lxml_html.fromstring(content)
    # Codes shown as codes (<code>, <kbd>, <samp>) are no words of a language.
    for element in tree.xpath("//script|//style|//template|//noscript|//svg|//code|//kbd|//samp"):
        element.drop_tree()
    texts = set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for text in (element.text, element.tail):
            if text and text.strip():
                texts.add(" ".join(text.split()))
        for name in ATTRIBUTES:
            value = element.get(name)
            if value and value.strip():
                texts.add(" ".join(value.split()))
    return texts


def foreign_texts(content: bytes, language: str, allowed: frozenset = frozenset()) -> list[str]:
    plain, regex = foreign_phrases(language)
    found = []
    for text in visible_texts(content):
        candidates = {text, text.rstrip(":.").strip()}
        if candidates & plain or regex.fullmatch(text):
            if text not in ALLOWED and text not in allowed:
                found.append(text)
    return sorted(found)


def _strings(value):
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def content_texts() -> frozenset:
    """The texts people wrote into the test world (titles, minutes, questionnaires with their
    own languages): content, shown as written. Taxonomy labels, choices and the history's
    codes are not content: they must be translated or shown as sentences."""
    from django.apps import apps
    from django.db import models

    texts = set()
    for model in apps.get_models():
        if model._meta.proxy or model._meta.app_label in {"taxonomy", "contenttypes", "core"}:
            continue
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and not field.choices
        ]
        if names:
            for row in model._base_manager.values_list(*names):
                texts.update(_strings(list(row)))
    return frozenset(text for text in texts if text)


# Downloads, feeds, map layers and the API answer no HTML page: not requested.
NOT_PAGES = re.compile(
    r"^api:|-(?:pdf|docx|xlsx|ods|csv|geojson|json|ics|download|file)$|:feed$|:sitemap$"
)
# Roles whose pages differ from another role's only by the organisation they belong to.
SAME_PAGES_AS = {"other_coop_member": "coop_member", "anci_coordinator": "regione_admin"}


def pages():
    """(route, URL kwargs, role) for every page of the matrix that the role opens with a 200."""
    for route in policy_routes():
        if route.name and NOT_PAGES.search(route.name):
            continue
        if key(route) not in POLICY:
            continue  # test_permission_matrix fails on it
        build_kwargs, expected = POLICY[key(route)]
        for role in ROLES:
            twin = SAME_PAGES_AS.get(role)
            if expected.get(role) == 200 and not (twin and expected.get(twin) == 200):
                yield route, build_kwargs, role


@pytest.mark.parametrize("language", ["it", *OTHER_LANGUAGES])
def test_pages_speak_the_language_asked_for(language, client, cast, world):  # noqa: F811
    leaks: dict[str, list[str]] = {}  # text -> pages showing it
    content = content_texts()
    for route, build_kwargs, role in pages():
        client.logout()
        if cast[role] is not None:
            client.force_login(cast[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        path = resolve_path(route, build_kwargs(world) if build_kwargs else {})
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for text in foreign_texts(response.content, language, content):
            leaks.setdefault(text, []).append(f"{key(route)} ({role})")
    if leaks:
        lines = [
            f"{text!r} on {len(where)} pages, e.g. {', '.join(where[:3])}"
            for text, where in sorted(leaks.items())
        ]
        pytest.fail(f"Text in the wrong language on the {language} pages:\n" + "\n".join(lines))


def test_the_check_sees_an_italian_sentence_on_an_arabic_page():
    italian = next(
        text
        for msgid, texts in catalogue("it").items()
        for text in texts
        if text != msgid and len(text) > 20 and not PLACEHOLDER.search(text)
    )
    page = f"<html><body><main><p>{italian}</p><p>نص عربي</p></main></body></html>".encode()
    assert foreign_texts(page, "ar") == [italian]
    assert foreign_texts("<p>نص عربي</p>".encode(), "ar") == []
