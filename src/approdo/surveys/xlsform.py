"""XLSForm files in, our own form schema out.

An uploaded workbook is untrusted input: its size, unpacked size and row count are capped
before pyxform reads it. pyxform's internal structure changes between versions, so it is read
once here and turned into the schema stored on `QuestionnaireVersion.schema`:

    {"format": 1, "form_id", "title", "root": "data", "languages": [...],
     "default_language", "question_count", "children": [element, ...]}

where each element is {"name", "path", "type", "labels": {language: text}, "hints",
"required", "required_message", "relevant", "constraint", "constraint_message", "calculate",
"default", "read_only", "appearance", "parameters", "choices": [{"name", "labels", "data"}],
"choice_filter", "or_other", "repeat_count", "children"}. Expressions keep their `${name}`
references; `expressions.py` resolves them.
"""

import dataclasses
import io
import re
import zipfile
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import Definition, get_xlsform
from pyxform.xls2xform import convert

from approdo.surveys.expressions import check_schema

SCHEMA_FORMAT = 1
FILE_TYPES = {".xlsx": ".xlsx", ".xls": ".xls", ".md": ".md"}

SUPPORTED_TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "select_one": "select_one",
    "select_multiple": "select_multiple",
    "note": "note",
    "acknowledge": "acknowledge",
    "calculate": "calculate",
    "hidden": "hidden",
    "range": "range",
    "file": "file",
    "image": "image",
    "begin_group": "group",
    "end_group": None,
    "begin_repeat": "repeat",
    "end_repeat": None,
}
# pyxform's names for the same types, in its converted structure.
PYXFORM_TYPES = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "photo": "image",
    "group": "group",
    "repeat": "repeat",
}
SUPPORTED_FUNCTIONS = frozenset(
    {
        "selected",
        "count-selected",
        "if",
        "coalesce",
        "concat",
        "string-length",
        "regex",
        "today",
        "int",
        "number",
        "round",
        "sum",
        "count",
        "not",
        "true",
        "false",
    }
)
EXPRESSION_COLUMNS = (
    "relevant",
    "constraint",
    "calculation",
    "required",
    "read_only",
    "choice_filter",
    "repeat_count",
    "default",
)
_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_REFERENCE = re.compile(r"\$\{[^}]*\}")
_FUNCTION_CALL = re.compile(r"(?<![\w.:\-/@$])([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)\s*\(")
_OPERATORS = frozenset({"and", "or", "div", "mod"})
_PYXFORM_ROW = re.compile(r"^\[row\s*:\s*(\d+)\]\s*(.*)$", re.DOTALL)
_PYXFORM_SHEET = re.compile(r"On the '(\w+)' sheet")
_TRUE = frozenset({"yes", "true", "true()", "1"})
_FALSE = frozenset({"", "no", "false", "false()", "0"})


@dataclasses.dataclass
class ConversionResult:
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    schema: dict[str, Any] | None = None
    xform: str = ""
    content: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.errors and self.schema is not None

    @property
    def form_id(self) -> str:
        return (self.schema or {}).get("form_id", "")

    @property
    def title(self) -> str:
        return (self.schema or {}).get("title", "")


def functions_in(expression: str) -> set[str]:
    """Names of the functions an XPath expression calls (string literals ignored)."""
    text = _REFERENCE.sub(" x ", _STRING_LITERAL.sub("''", expression or ""))
    return {name for name in _FUNCTION_CALL.findall(text) if name not in _OPERATORS}


def convert_xlsform(file: BinaryIO | bytes, filename: str) -> ConversionResult:
    """Read an XLSForm (.xlsx, .xls or markdown .md) and convert it into our schema.

    Every problem found is in `errors`, each with the sheet and row where known; the schema is
    set only when there is none.
    """
    result = ConversionResult()
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FILE_TYPES:
        result.errors.append(
            gettext("“%(name)s” is not an XLSForm: upload an .xlsx, .xls or .md file.")
            % {"name": filename}
        )
        return result
    max_bytes = settings.APPRODO_XLSFORM_MAX_BYTES
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    if len(data) > max_bytes:
        result.errors.append(
            gettext("The file is larger than the %(size)s MB allowed.")
            % {"size": round(max_bytes / 1024 / 1024, 1)}
        )
        return result
    if suffix == ".xlsx" and not _check_zip(data, result):
        return result
    result.content = data
    try:
        definition = get_xlsform(
            Definition(io.BytesIO(data), None, PurePath(filename).stem), file_type=suffix
        )
    except PyXFormError as error:
        result.errors.append(_pyxform_message(error))
        return result
    except Exception:  # noqa: BLE001  (a corrupt workbook can fail anywhere in its reader)
        result.errors.append(gettext("The file could not be read as an XLSForm."))
        return result
    rows = len(definition.survey or []) + len(definition.choices or [])
    max_rows = settings.APPRODO_XLSFORM_MAX_ROWS
    if rows > max_rows:
        result.errors.append(
            gettext("The form has %(rows)s rows; at most %(max)s are allowed.")
            % {"rows": rows, "max": max_rows}
        )
        return result
    # Our own checks list every problem at once; pyxform stops at its first one, which is
    # added when it is about a row not already reported.
    result.errors.extend(_unsupported(definition.survey or []))
    result.errors.extend(_structure_problems(definition.survey or [], definition.choices or []))
    try:
        converted = convert(xlsform=dataclasses.asdict(definition), pretty_print=True)
    except PyXFormError as error:
        message = _pyxform_message(error)
        if not result.errors or _pyxform_row(error) not in _reported_rows(result.errors):
            result.errors.append(message)
        return result
    except Exception:  # noqa: BLE001  (pyxform may fail on what our checks already refused)
        if not result.errors:
            result.errors.append(gettext("The file could not be read as an XLSForm."))
        return result
    if result.errors:
        return result
    result.warnings = list(converted.warnings)
    schema, errors = _build_schema(converted._pyxform)
    errors.extend(check_schema(schema))
    if errors:
        result.errors.extend(errors)
        return result
    result.schema = schema
    result.xform = converted.xform
    return result


def _check_zip(data: bytes, result: ConversionResult) -> bool:
    """An .xlsx is a zip: refuse it if it is not one or unpacks into too much (zip bombs)."""
    limit = settings.APPRODO_XLSFORM_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        result.errors.append(gettext("The file is not a valid .xlsx workbook."))
        return False
    if unpacked > limit:
        result.errors.append(
            gettext("The workbook unpacks into more than %(size)s MB: it is refused.")
            % {"size": round(limit / 1024 / 1024, 1)}
        )
        return False
    return True


def _pyxform_message(error: PyXFormError) -> str:
    text = str(error).strip()
    match = _PYXFORM_ROW.match(text)
    if not match:
        return gettext("The XLSForm is not valid: %(reason)s") % {"reason": text}
    sheet = error.context.get("sheet") if error.context else None
    if not sheet:
        found = _PYXFORM_SHEET.search(text)
        sheet = found.group(1) if found else "survey"
    return gettext("Sheet “%(sheet)s”, row %(row)s: %(reason)s") % {
        "sheet": sheet,
        "row": match.group(1),
        "reason": match.group(2),
    }


def _pyxform_row(error: PyXFormError) -> int | None:
    match = _PYXFORM_ROW.match(str(error).strip())
    return int(match.group(1)) if match else None


def _reported_rows(errors: list[str]) -> set[int]:
    return {int(row) for row in re.findall(r"\b(\d+)\b", " ".join(errors))}


def _row_message(row: int, reason: str) -> str:
    return gettext("Sheet “%(sheet)s”, row %(row)s: %(reason)s") % {
        "sheet": "survey",
        "row": row,
        "reason": reason,
    }


def _type_key(raw: str) -> str:
    words = raw.strip().split()
    if not words:
        return ""
    first = words[0].lower()
    if first in {"begin", "end"} and len(words) > 1:
        return f"{first}_{words[1].lower()}"
    if first == "select" and len(words) > 1:
        # "select one x" / "select all that apply x" (the long aliases).
        return "select_multiple" if words[1].lower() == "all" else "select_one"
    return first


def _unsupported(rows: list[dict]) -> list[str]:
    """One message per unsupported type or function, by name, with its row."""
    errors = []
    for index, row in enumerate(rows):
        line = index + 2  # the header is row 1
        raw_type = (row.get("type") or "").strip()
        if raw_type and _type_key(raw_type) not in SUPPORTED_TYPES:
            errors.append(
                _row_message(
                    line,
                    gettext("the question type “%(type)s” is not supported.")
                    % {"type": raw_type.split()[0]},
                )
            )
        for column in EXPRESSION_COLUMNS:
            expression = row.get(column) or ""
            for name in sorted(functions_in(expression) - SUPPORTED_FUNCTIONS):
                errors.append(
                    _row_message(
                        line,
                        gettext("the function “%(function)s” (column %(column)s) is not supported.")
                        % {"function": name, "column": column},
                    )
                )
    return errors


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_NAMELESS = frozenset({"end_group", "end_repeat"})
_OPENING = {"begin_group": "end_group", "begin_repeat": "end_repeat"}


def _list_name(raw_type: str) -> str:
    """The choice list of a select type ("select_one yn", "select one yn or_other")."""
    words = [w for w in raw_type.split() if w.lower() != "or_other"]
    if words and words[0].lower() in {"select_one", "select_multiple"}:
        return words[1] if len(words) > 1 else ""
    if len(words) > 2 and words[0].lower() == "select":
        return words[-1]
    return ""


def _structure_problems(rows: list[dict], choices: list[dict]) -> list[str]:
    """Every missing, invalid or repeated name, every select without its choice list and
    every group or repeat not closed (or closed without being opened), each with its row:
    pyxform reports only the first of these."""
    errors: list[str] = []
    lists = {str(c.get("list_name") or c.get("list name") or "").strip() for c in choices}
    seen: dict[str, int] = {}
    opened: list[tuple[str, int]] = []
    for index, row in enumerate(rows):
        line = index + 2  # the header is row 1
        raw_type = str(row.get("type") or "").strip()
        if not raw_type:
            continue
        key = _type_key(raw_type)
        name = str(row.get("name") or "").strip()
        if key in _OPENING:
            opened.append((key, line))
        elif key in _NAMELESS:
            if not opened or _OPENING[opened[-1][0]] != key:
                errors.append(
                    _row_message(
                        line,
                        gettext("“%(type)s” closes a group or repeat that is not open.")
                        % {"type": raw_type},
                    )
                )
            else:
                opened.pop()
            continue
        if not name:
            errors.append(_row_message(line, gettext("the question has no name.")))
        elif not _NAME.match(name):
            errors.append(
                _row_message(
                    line,
                    gettext(
                        "the name “%(name)s” is not valid: use letters, digits, _ - and ., "
                        "starting with a letter or _."
                    )
                    % {"name": name},
                )
            )
        elif name in seen:
            errors.append(
                _row_message(
                    line,
                    gettext("the name “%(name)s” is already used on row %(row)s.")
                    % {"name": name, "row": seen[name]},
                )
            )
        else:
            seen[name] = line
        if key in {"select_one", "select_multiple"}:
            list_name = _list_name(raw_type)
            if not list_name:
                errors.append(
                    _row_message(line, gettext("the select question names no choice list."))
                )
            elif list_name not in lists:
                errors.append(
                    _row_message(
                        line,
                        gettext("the choice list “%(list)s” is not on the choices sheet.")
                        % {"list": list_name},
                    )
                )
    for key, line in opened:
        errors.append(
            _row_message(
                line,
                gettext("this group is never closed (end group missing).")
                if key == "begin_group"
                else gettext("this repeat is never closed (end repeat missing)."),
            )
        )
    return errors


def _as_texts(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {"default": str(value)}


def _flag(value: Any) -> str:
    """A yes/no column as an XPath expression: '' (never), 'true()' or the expression."""
    if value is None or isinstance(value, bool):
        return "true()" if value else ""
    text = str(value).strip()
    if text.lower() in _TRUE:
        return "true()"
    if text.lower() in _FALSE:
        return ""
    return text


def _parameters(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = (item.split("=", 1) for item in str(value or "").replace(";", " ").split())
    return {key.strip(): text.strip() for key, text in (p for p in pairs if len(p) == 2)}


def _build_schema(survey: dict) -> tuple[dict, list[str]]:
    root = survey.get("name") or "data"
    errors: list[str] = []
    seen: set[str] = set()
    languages: set[str] = set()
    count = 0

    def element(node: dict, parent_path: str) -> dict | None:
        nonlocal count
        name = node["name"]
        if node.get("control", {}).get("bodyless") and name == "meta":
            return None  # pyxform's instanceID block
        kind = PYXFORM_TYPES.get(node["type"], node["type"])
        path = f"{parent_path}/{name}"
        if name in seen:
            errors.append(
                gettext("The name “%(name)s” is used twice: every question needs its own name.")
                % {"name": name}
            )
        seen.add(name)
        bind = node.get("bind", {})
        control = node.get("control", {})
        item = {
            "name": name,
            "path": path,
            "type": kind,
            "labels": _as_texts(node.get("label")),
            "hints": _as_texts(node.get("hint")),
            "required": _flag(bind.get("required")),
            "required_message": _as_texts(bind.get("jr:requiredMsg")),
            "relevant": bind.get("relevant", ""),
            "constraint": bind.get("constraint", ""),
            "constraint_message": _as_texts(bind.get("jr:constraintMsg")),
            "calculate": bind.get("calculate", ""),
            "default": str(node.get("default", "") or ""),
            "read_only": _flag(bind.get("readonly")),
            "appearance": control.get("appearance", ""),
            "parameters": _parameters(node.get("parameters")),
        }
        for texts in (item["labels"], item["hints"]):
            languages.update(texts)
        if kind in {"select_one", "select_multiple"}:
            item["choices"] = [
                {
                    "name": str(choice["name"]),
                    "labels": _as_texts(choice.get("label")),
                    "data": {k: str(v) for k, v in choice.items() if k not in {"name", "label"}},
                }
                for choice in node.get("choices", [])
            ]
            item["choice_filter"] = node.get("choice_filter", "")
            item["or_other"] = False
        if kind in {"group", "repeat"}:
            item["children"] = [
                child
                for child in (element(c, path) for c in node.get("children", []))
                if child is not None
            ]
            if kind == "repeat":
                item["repeat_count"] = control.get("jr:count", "")
        else:
            count += 1
        return item

    children = [
        child
        for child in (element(node, f"/{root}") for node in survey.get("children", []))
        if child is not None
    ]
    _mark_or_other(children, sorted(languages | {"default"}))
    languages.discard("default")
    schema = {
        "format": SCHEMA_FORMAT,
        "form_id": survey.get("id_string") or root,
        "title": survey.get("title") or survey.get("id_string") or "",
        "root": root,
        "default_language": survey.get("default_language") or "default",
        "languages": sorted(languages),
        "question_count": count,
        "children": children,
    }
    return schema, errors


def _mark_or_other(children: list[dict], languages: list[str]) -> None:
    """pyxform expands `or_other` into an 'other' choice plus a `<name>_other` text question,
    both labelled in English ("Other", "Specify other."): label them in each language of the
    form instead (the form's untranslated texts, key "default", in the site's language)."""
    by_name = {child["name"]: child for child in children}
    for child in children:
        specify = by_name.get(f"{child['name']}_other")
        if "choices" in child and specify is not None:
            child["or_other"] = any(choice["name"] == "other" for choice in child["choices"])
            if child["or_other"]:
                other = next(c for c in child["choices"] if c["name"] == "other")
                if set(other["labels"].values()) <= {"Other"}:
                    other["labels"] = _in_languages(languages, "Other")
                if set(specify["labels"].values()) <= {"Specify other."}:
                    specify["labels"] = _in_languages(languages, "Specify other.")
        if "children" in child:
            _mark_or_other(child["children"], languages)


def _in_languages(languages: list[str], text: str) -> dict[str, str]:
    """{form language key: `text` translated in it} for pyxform's own English labels."""
    result = {}
    for key in languages:
        match = re.search(r"\(([\w-]+)\)\s*$", key)
        code = (match.group(1) if match else key).split("-")[0].lower()
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        with translation.override(code):
            if text == "Other":
                result[key] = pgettext("choice of a question", "Other")
            else:
                result[key] = gettext("Specify other.")
    return result


def walk(elements: list[dict]):
    """Every element of a schema tree, depth first, in form order."""
    for element in elements:
        yield element
        yield from walk(element.get("children", []))
