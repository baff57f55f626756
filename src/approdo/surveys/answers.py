"""Answers as they come in, made storable before anything keeps or evaluates them.

One function, `clean_answers`, for every way answers arrive (a page of the questionnaire, its
autosave, a draft or a submission through the API): the answers keep only the names the form
defines, in the shape the schema gives them (a repeat is a list of entries, a question one
value or, for a select_multiple, a list of values), so their nesting is the form's own; text
loses the characters no database or XML can hold (`core.text.clean_text`); numbers that are
not finite or larger than a spreadsheet stores become text, which the evaluator then refuses
with a field error (`expressions.MAX_NUMBER`); a file answer must name a file stored for this
response; and the whole must fit in APPRODO_SURVEY_ANSWERS_MAX_BYTES once written as JSON.

No database access; files are looked up in the default storage.
"""

import json
import math
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from approdo.core.text import clean_text
from approdo.surveys.expressions import MAX_NUMBER, REPEAT_LIMIT

MAX_LIST_ITEMS = 1000
FILE_TYPES = frozenset({"file", "image"})
_STORED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DROP = object()  # a list or an object where a single value belongs


class AnswersTooLarge(ValueError):
    """The answers do not fit in APPRODO_SURVEY_ANSWERS_MAX_BYTES."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(
            gettext("The answers take %(size)s kB; at most %(limit)s kB are accepted.")
            % {"size": math.ceil(size / 1024), "limit": limit // 1024}
        )


def max_bytes() -> int:
    return getattr(settings, "APPRODO_SURVEY_ANSWERS_MAX_BYTES", 1024 * 1024)


def clean_answers(
    schema: dict, answers: Any, *, instance_id: uuid.UUID | str | None = None
) -> tuple[dict, dict[str, str]]:
    """The answers reduced to what the form defines and a store can hold, and the problems
    found on the way by instance path (file answers that name no stored file of response
    `instance_id`). Raises AnswersTooLarge when the result is larger than allowed."""
    problems: dict[str, str] = {}
    root = "/" + (schema.get("root") or "data")
    folder = f"surveys/responses/{instance_id}/" if instance_id else None
    source = answers if isinstance(answers, dict) else {}
    result = _clean(schema.get("children", []), source, root, problems, folder)
    limit = max_bytes()
    size = len(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limit:
        raise AnswersTooLarge(size, limit)
    return result, problems


def _clean(elements: list[dict], answers: dict, base: str, problems: dict, folder) -> dict:
    result: dict[str, Any] = {}
    for element in elements:
        name, kind = element["name"], element["type"]
        path = f"{base}/{name}"
        if kind == "group":  # a group's questions sit beside it in the answers
            result.update(_clean(element.get("children", []), answers, path, problems, folder))
            continue
        if name not in answers:
            continue
        value = answers[name]
        if kind == "repeat":
            if isinstance(value, list):
                result[name] = [
                    _clean(
                        element.get("children", []),
                        entry if isinstance(entry, dict) else {},
                        f"{path}[{position}]",
                        problems,
                        folder,
                    )
                    for position, entry in enumerate(value[:REPEAT_LIMIT], start=1)
                ]
            continue
        if isinstance(value, list):
            value = [_scalar(item) for item in value[:MAX_LIST_ITEMS]]
            value = " ".join(str(item) for item in value if item not in (None, _DROP, True, False))
        else:
            value = _scalar(value)
            if value is _DROP:
                continue
        if kind in FILE_TYPES and value not in (None, ""):
            problem = file_problem(value, folder)
            if problem:
                problems[path] = problem
                continue
        result[name] = value
    return result


def _scalar(value: Any) -> Any:
    """A single answer as a store holds it: text cleaned, numbers in range or as text; lists
    and objects where one value belongs are dropped (_DROP)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, int):
        if abs(value) < MAX_NUMBER:
            return value
        # Kept as text so the evaluator refuses it with a message; a JSON parser has already
        # bounded its digits.
        return str(value) if value.bit_length() < 12_000 else "9" * 16
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) < MAX_NUMBER:
            return value
        return repr(value)
    return _DROP


def file_problem(value: Any, folder: str | None) -> str:
    """Why a file answer cannot be kept: it must be the stored name of a file (not a folder)
    uploaded for this response."""
    text = str(value)
    name = text[len(folder) :] if folder and text.startswith(folder) else ""
    if not name or not _STORED_NAME.match(name) or not _is_stored_file(text):
        return gettext("This is not a file attached to this questionnaire: upload it again.")
    return ""


def _is_stored_file(name: str) -> bool:
    try:
        if not default_storage.exists(name):
            return False
        path = getattr(default_storage, "path", None)
        if path is not None:
            try:
                return Path(path(name)).is_file()
            except NotImplementedError:  # a remote storage has no local path: exists() suffices
                pass
        return True
    except (OSError, ValueError):
        return False
