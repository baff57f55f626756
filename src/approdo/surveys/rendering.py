"""The stored form schema and the server's Evaluation, turned into what a page shows.

Plain functions, no HTTP: reading the posted answers of one page, adding and removing repeat
entries, splitting a form in pages, the page model of the questions (with the errors to show)
and the read-only summary used by the receipt, the e-mail and the PDF. Answers have the shape
`expressions.py` documents; questions are addressed by their instance path
(`/data/partenariato/partner[2]/partner_nome`), which is also the name of their input.
"""

import copy
import dataclasses
import datetime
import re
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats, translation
from django.utils.translation import gettext

from approdo.core import uploads
from approdo.core.text import clean_text
from approdo.surveys import expressions
from approdo.surveys.expressions import Evaluation, text_in

LONG_CHOICE_LIST = 8
MAX_RANGE_RADIOS = 11
ENTRY_LIMIT = 50
# The allow-lists and the content check are core's, shared by every upload field.
FILE_EXTENSIONS = uploads.DOCUMENTS
IMAGE_EXTENSIONS = uploads.IMAGES
_INDEX = re.compile(r"^(.*)\[(\d+)\]$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LEAVES_NOT_POSTED = frozenset({"note", "calculate", "hidden"})


# ---------------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Language:
    key: str  # as in the schema: "Italiano (it)"
    code: str  # "it"
    name: str  # "Italiano"


def languages_of(schema: dict) -> list[Language]:
    result = []
    for key in schema.get("languages", []):
        match = re.match(r"^(.*?)\s*\(([\w-]+)\)\s*$", key)
        code, name = (match.group(2), match.group(1)) if match else (key, key)
        result.append(Language(key, code, name))
    return result


def choose_language(schema: dict, requested: str | None) -> Language | None:
    """The `lang` asked for when the form has it, else the interface language when the form
    has it, else the form's default language."""
    available = languages_of(schema)
    for code in (requested, translation.get_language()):
        for language in available:
            if code and code.split("-")[0] in (language.code, language.key):
                return language
    default = schema.get("default_language")
    return next((lang for lang in available if lang.key == default), None) or (
        available[0] if available else None
    )


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def field_id(path: str) -> str:
    return "q" + re.sub(r"[^A-Za-z0-9]+", "-", path).rstrip("-")


def with_defaults(schema: dict, answers: dict) -> dict:
    """The answers with the form's defaults filled in where a question was never answered."""
    result = copy.deepcopy(answers or {})
    _fill_defaults(schema.get("children", []), result)
    return result


def _fill_defaults(elements: list[dict], container: dict) -> None:
    for element in elements:
        if element["type"] == "group":
            _fill_defaults(element["children"], container)
        elif element["type"] == "repeat":
            for entry in container.get(element["name"]) or []:
                if isinstance(entry, dict):
                    _fill_defaults(element["children"], entry)
        elif element.get("default") and element["name"] not in container:
            if element["type"] != "calculate":
                container[element["name"]] = element["default"]


def locate(schema: dict, answers: dict, path: str, *, create: bool = False):
    """(container dict, schema element) of the question or repeat entry at instance `path`,
    or (None, None) when it is not in the answers."""
    elements, container, element = schema.get("children", []), answers, None
    for segment in path.strip("/").split("/")[1:]:
        match = _INDEX.match(segment)
        name, position = (match.group(1), int(match.group(2))) if match else (segment, None)
        element = next((e for e in elements if e["name"] == name), None)
        if element is None:
            return None, None
        if element["type"] == "repeat" and position is not None:
            entries = container.setdefault(name, []) if create else container.get(name) or []
            while create and len(entries) < position:
                entries.append({})
            if not 0 < position <= len(entries) or not isinstance(entries[position - 1], dict):
                return None, None
            container = entries[position - 1]
        elements = element.get("children", [])
    return container, element


def add_entry(schema: dict, answers: dict, repeat_path: str) -> dict:
    """The answers with one more (empty) entry at the end of the repeat at `repeat_path`
    (an instance path without the position of the new entry)."""
    result = copy.deepcopy(answers)
    parent, name = repeat_path.rsplit("/", 1)
    container = result if parent.count("/") == 1 else locate(schema, result, parent, create=True)[0]
    if container is None:
        return result
    entries = container.setdefault(name, [])
    element = element_at(schema, repeat_path)
    if isinstance(entries, list) and len(entries) < ENTRY_LIMIT and element is not None:
        entry: dict = {}
        _fill_defaults(element.get("children", []), entry)
        entries.append(entry)
    return result


def element_at(schema: dict, path: str) -> dict | None:
    """The schema element at an instance path (repeat positions ignored)."""
    elements, element = schema.get("children", []), None
    for segment in re.sub(r"\[\d+\]", "", path).strip("/").split("/")[1:]:
        element = next((e for e in elements if e["name"] == segment), None)
        if element is None:
            return None
        elements = element.get("children", [])
    return element


def remove_entry(schema: dict, answers: dict, entry_path: str) -> dict:
    """The answers without the repeat entry at `entry_path` (`.../partner[2]`)."""
    result = copy.deepcopy(answers)
    match = _INDEX.match(entry_path)
    if not match:
        return result
    parent, name = match.group(1).rsplit("/", 1)
    container = result if parent.count("/") == 1 else locate(schema, result, parent)[0]
    entries = (container or {}).get(name)
    position = int(match.group(2))
    if isinstance(entries, list) and 0 < position <= len(entries):
        entries.pop(position - 1)
    return result


def uploaded_files(answers: Any) -> set[str]:
    """Every stored file name among the answers (file and image questions)."""
    names: set[str] = set()
    if isinstance(answers, dict):
        for value in answers.values():
            names |= uploaded_files(value)
    elif isinstance(answers, list):
        for value in answers:
            names |= uploaded_files(value)
    elif isinstance(answers, str) and answers.startswith("surveys/responses/"):
        names.add(answers)
    return names


def read_page(
    schema: dict,
    answers: dict,
    evaluation: Evaluation,
    page: "Page",
    data,
    files,
    *,
    instance_id: uuid.UUID,
) -> tuple[dict, dict[str, str]]:
    """The answers with the values posted for the questions of `page` laid over the stored
    ones, and the upload errors by path. Only questions shown on the page are read: a
    question that is not posted keeps its answer. Files are stored at once."""
    result = copy.deepcopy(answers)
    errors: dict[str, str] = {}
    for path, element in page_leaves(schema, evaluation, page):
        kind = element["type"]
        if kind in _LEAVES_NOT_POSTED or element.get("read_only") == "true()":
            continue
        container, _element = locate(schema, result, path, create=True)
        if container is None:
            continue
        name = element["name"]
        if kind in {"file", "image"}:
            upload = files.get(path)
            if upload is not None:
                problem = upload_problem(upload, kind)
                if problem:
                    errors[path] = problem
                else:
                    container[name] = store_upload(upload, instance_id)
            elif data.get(f"{path}::remove"):
                container.pop(name, None)
            continue
        if path not in data:
            continue
        # Text pasted from elsewhere (Word's \x0b line breaks, NUL) is cleaned as it comes in.
        if kind == "select_multiple":
            container[name] = " ".join(clean_text(v) for v in data.getlist(path) if v)
        else:
            values = [v for v in data.getlist(path) if v != ""]
            container[name] = clean_text(values[-1]).strip() if values else ""
    return result, errors


def upload_problem(upload: UploadedFile, kind: str) -> str:
    """Why the answer's file is refused ("" when accepted): core.uploads decides, by content."""
    allowed = IMAGE_EXTENSIONS if kind == "image" else FILE_EXTENSIONS
    return uploads.upload_problem(upload, allowed, settings.APPRODO_SURVEY_UPLOAD_MAX_BYTES)


def store_upload(upload: UploadedFile, instance_id: uuid.UUID) -> str:
    """Save the file under the response's folder; its stored name is the answer."""
    original = _UNSAFE.sub("-", PurePath(upload.name or "file").name)[-80:] or "file"
    name = f"surveys/responses/{instance_id}/{uuid.uuid4().hex[:12]}-{original}"
    return default_storage.save(name, upload)


def display_name(stored: str) -> str:
    """The name the person gave the file, without our folder and prefix."""
    return PurePath(stored).name.split("-", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Page:
    number: int  # 1-based
    elements: list[dict]
    title: str = ""


def pages_of(schema: dict, language: str | None = None) -> list[Page]:
    """A page per top-level group when the form has more than one; questions between groups
    form a page of their own, and elements nobody sees join the page before them."""
    children = schema.get("children", [])
    if sum(1 for e in children if e["type"] == "group") < 2:
        return [Page(1, list(children))]
    default = schema.get("default_language")
    pages: list[Page] = []
    loose: list[dict] = []
    for element in children:
        if element["type"] == "group":
            if loose:
                pages.append(Page(len(pages) + 1, loose))
                loose = []
            title = text_in(element.get("labels"), language, default)
            pages.append(Page(len(pages) + 1, [element], title))
        elif _visible_kind(element) or not pages:
            loose.append(element)
        else:
            pages[-1].elements.append(element)
    if loose:
        pages.append(Page(len(pages) + 1, loose))
    return pages


def _visible_kind(element: dict) -> bool:
    if element["type"] == "hidden":
        return False
    return not (element["type"] == "calculate" and not element.get("labels"))


def page_is_relevant(page: Page, evaluation: Evaluation, root: str) -> bool:
    return any(
        evaluation.relevant.get(f"/{root}/{element['name']}", True) for element in page.elements
    )


def page_of_path(pages: list[Page], path: str) -> int:
    """The number of the page that shows the question at instance `path`."""
    top = _INDEX.sub(r"\1", path.strip("/").split("/")[1]) if path.count("/") > 1 else ""
    for page in pages:
        if any(element["name"] == top for element in page.elements):
            return page.number
    return 1


def step_to(pages: list[Page], evaluation: Evaluation, root: str, start: int, step: int) -> int:
    """The next relevant page from `start` in direction `step` (or `start` if none)."""
    number = start + step
    while 1 <= number <= len(pages):
        if page_is_relevant(pages[number - 1], evaluation, root):
            return number
        number += step
    return start


def page_leaves(schema: dict, evaluation: Evaluation, page: Page):
    """(instance path, element) of each relevant question on the page, in form order."""
    root = "/" + (schema.get("root") or "data")
    yield from _leaves(page.elements, root, evaluation)


def _leaves(elements: list[dict], base: str, evaluation: Evaluation):
    for element in elements:
        path = f"{base}/{element['name']}"
        if element["type"] == "repeat":
            for position in range(1, _entry_count(evaluation, path) + 1):
                entry = f"{path}[{position}]"
                if evaluation.relevant.get(entry, False):
                    yield from _leaves(element["children"], entry, evaluation)
        elif element["type"] == "group":
            if evaluation.relevant.get(path, False):
                yield from _leaves(element["children"], path, evaluation)
        elif evaluation.relevant.get(path, False):
            yield path, element


def _entry_count(evaluation: Evaluation, path: str) -> int:
    count = 0
    while f"{path}[{count + 1}]" in evaluation.relevant:
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# The page model
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Choice:
    value: str
    label: str
    id: str
    selected: bool = False


@dataclasses.dataclass
class Item:
    """One thing on the page: a question, a note, a group or a repeat."""

    kind: str  # question | note | output | group | repeat
    path: str
    label: str = ""
    id: str = ""
    widget: str = ""  # text textarea number date time radios select checkboxes ack range file
    type: str = ""
    value: str = ""
    hint: str = ""
    error: str = ""
    required: bool = False
    read_only: bool = False
    inputmode: str = ""
    choices: list[Choice] = dataclasses.field(default_factory=list)
    children: list["Item"] = dataclasses.field(default_factory=list)
    entries: list["Item"] = dataclasses.field(default_factory=list)
    can_add: bool = False
    can_remove: bool = False
    accept: str = ""
    file_name: str = ""

    @property
    def first_id(self) -> str:
        """Where a link to this question lands (the first option of a list of options)."""
        if self.widget in {"radios", "checkboxes"} and self.choices:
            return self.choices[0].id
        if self.widget == "range" and self.choices:
            return self.choices[0].id
        if self.kind == "repeat" and self.can_add:
            return f"{self.id}-add"
        return self.id

    @property
    def stored_basename(self) -> str:
        return PurePath(self.value).name if self.value else ""

    @property
    def describedby(self) -> str:
        ids = [f"{self.id}-hint"] if self.hint else []
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclasses.dataclass
class _Context:
    schema: dict
    answers: dict
    evaluation: Evaluation
    language: str | None
    errors: dict[str, str]
    state: dict[str, dict]
    editable: bool

    def text(self, texts: dict | None) -> str:
        return text_in(texts, self.language, self.schema.get("default_language"))


def page_items(
    schema: dict,
    answers: dict,
    evaluation: Evaluation,
    page: Page,
    *,
    language: str | None,
    errors: dict[str, str],
    editable: bool = True,
) -> list[Item]:
    """The relevant items of `page` with their values, choices and the `errors` to show."""
    context = _Context(
        schema,
        answers,
        evaluation,
        language,
        errors,
        question_state(schema, answers, language),
        editable,
    )
    root = "/" + (schema.get("root") or "data")
    return _items(context, page.elements, root)


def _items(context: _Context, elements: list[dict], base: str) -> list[Item]:
    items = []
    for element in elements:
        path = f"{base}/{element['name']}"
        kind = element["type"]
        if kind == "repeat":
            items.append(_repeat(context, element, path))
        elif not context.evaluation.relevant.get(path, False):
            continue
        elif kind == "group":
            children = _items(context, element["children"], path)
            label = context.text(element.get("labels"))
            if label:
                items.append(Item("group", path, label, field_id(path), children=children))
            else:
                items.extend(children)
        elif kind == "note":
            items.append(Item("note", path, context.text(element.get("labels")), field_id(path)))
        elif kind == "calculate":
            if element.get("labels"):
                value = context.evaluation.values.get(path, "")
                items.append(
                    Item(
                        "output", path, context.text(element["labels"]), field_id(path), value=value
                    )
                )
        elif kind != "hidden":
            items.append(_question(context, element, path))
    return items


def _repeat(context: _Context, element: dict, path: str) -> Item:
    count = _entry_count(context.evaluation, path)
    label = context.text(element.get("labels")) or element["name"]
    fixed = bool(element.get("repeat_count"))
    item = Item("repeat", path, label, field_id(path))
    parent = path.rsplit("/", 1)[0]
    if not context.evaluation.relevant.get(parent, True) or (
        count == 0 and not _repeat_relevant(context, element, path)
    ):
        item.kind = "hidden-repeat"
        return item
    if count and not any(
        context.evaluation.relevant.get(f"{path}[{n}]") for n in range(1, count + 1)
    ):
        item.kind = "hidden-repeat"
        return item
    for position in range(1, count + 1):
        entry_path = f"{path}[{position}]"
        if not context.evaluation.relevant.get(entry_path, False):
            continue
        children = _items(context, element["children"], entry_path)
        entry = Item("entry", entry_path, f"{label} {position}", field_id(entry_path))
        entry.children = children
        entry.can_remove = context.editable and not fixed
        item.entries.append(entry)
    item.can_add = context.editable and not fixed and count < ENTRY_LIMIT
    item.error = context.errors.get(path, "")
    return item


def _repeat_relevant(context: _Context, element: dict, path: str) -> bool:
    """Whether a repeat with no entry yet would be relevant (its relevance is per entry)."""
    if not element.get("relevant"):
        return True
    trial = with_defaults(context.schema, add_entry(context.schema, context.answers, path))
    evaluation = expressions.evaluate_form(context.schema, trial)
    return evaluation.relevant.get(f"{path}[{_entry_count(evaluation, path)}]", False)


def _question(context: _Context, element: dict, path: str) -> Item:
    container, _element = locate(context.schema, context.answers, path)
    raw = (container or {}).get(element["name"], "")
    value = expressions.answer_text(raw, element["type"])
    state = context.state.get(path, {})
    item = Item(
        "question",
        path,
        context.text(element.get("labels")) or element["name"],
        field_id(path),
        type=element["type"],
        value=value,
        hint=context.text(element.get("hints")),
        error=context.errors.get(path, ""),
        required=state.get("required", element.get("required") == "true()"),
        read_only=not context.editable or state.get("read_only", False),
    )
    kind = element["type"]
    if kind in {"select_one", "select_multiple"}:
        allowed = state.get("choices")
        chosen = set(value.split()) if kind == "select_multiple" else {value}
        item.choices = [
            Choice(
                choice["name"],
                context.text(choice.get("labels")) or choice["name"],
                f"{item.id}-{index}",
                choice["name"] in chosen,
            )
            for index, choice in enumerate(element.get("choices", []))
            if allowed is None or choice["name"] in allowed
        ]
        minimal = "minimal" in (element.get("appearance") or "")
        if kind == "select_multiple":
            item.widget = "checkboxes"
        elif minimal or len(item.choices) > LONG_CHOICE_LIST:
            item.widget = "select"
        else:
            item.widget = "radios"
    elif kind == "range":
        _range(item, element.get("parameters") or {})
    elif kind in {"file", "image"}:
        item.widget = "file"
        extensions = IMAGE_EXTENSIONS if kind == "image" else FILE_EXTENSIONS
        item.accept = ",".join(sorted(extensions))
        item.file_name = display_name(value) if value else ""
    else:
        item.widget = {
            "text": "textarea" if "multiline" in (element.get("appearance") or "") else "text",
            "integer": "text",
            "decimal": "text",
            "date": "date",
            "time": "time",
            "acknowledge": "ack",
        }.get(kind, "text")
        item.inputmode = {"integer": "numeric", "decimal": "decimal"}.get(kind, "")
    return item


def _range(item: Item, parameters: dict) -> None:
    try:
        start = float(parameters.get("start", "1"))
        end = float(parameters.get("end", "10"))
        step = float(parameters.get("step", "1")) or 1.0
    except ValueError:
        item.widget, item.inputmode = "text", "decimal"
        return
    count = int(abs(end - start) / abs(step)) + 1
    if count > MAX_RANGE_RADIOS:
        item.widget, item.inputmode = "text", "decimal"
        return
    item.widget = "range"
    direction = 1 if end >= start else -1
    for index in range(count):
        number = expressions.format_number(start + direction * index * abs(step))
        item.choices.append(Choice(number, number, f"{item.id}-{index}", number == item.value))


def question_state(schema: dict, answers: dict, language: str | None) -> dict[str, dict]:
    """Per instance path of each relevant question: whether it is required and read-only
    now, and the names of the choices its `choice_filter` lets through."""
    evaluator = expressions.Evaluator(schema, answers, language)
    state: dict[str, dict] = {}
    for item in evaluator.settle():
        element = item.element
        if not item.relevant or "children" in element:
            continue
        entry: dict[str, Any] = {}
        try:
            entry["required"] = evaluator.truth(element, "required", item.node)
            entry["read_only"] = evaluator.truth(element, "read_only", item.node)
            if element.get("choice_filter"):
                entry["choices"] = set(evaluator.allowed_choices(element, item.node))
        except expressions.ExpressionError:
            pass
        state[item.path] = entry
    return state


def shown_errors(
    evaluation: Evaluation,
    answers: dict,
    schema: dict,
    paths: set[str] | None,
    *,
    all_errors: bool,
) -> dict[str, str]:
    """The errors to show: on the questions in `paths` (every path when None); while the
    person is answering, only for questions with an answer (a missing answer is pointed out
    when they move on or submit)."""
    result = {}
    for path, message in evaluation.errors.items():
        if paths is not None and path not in paths:
            continue
        if not all_errors:
            container, element = locate(schema, answers, path)
            if element is None or (container or {}).get(element["name"]) in (None, ""):
                continue
        result[path] = message
    return result


@dataclasses.dataclass
class ErrorLink:
    message: str
    label: str
    href: str


def error_links(
    schema: dict,
    errors: dict[str, str],
    pages: list[Page],
    current: int,
    language: str | None,
    items: list[Item] | None = None,
) -> list[ErrorLink]:
    """One link per error, in form order, to its field (on another page: to that page).
    `items` are the questions shown, whose first input the links of this page point to."""
    anchors = {item.path: item.first_id for item in _flatten(items or [])}
    links = []
    default = schema.get("default_language")
    order = {path: index for index, path in enumerate(_all_paths(schema))}
    for path in sorted(errors, key=lambda p: order.get(_INDEX.sub("", p), len(order))):
        element = element_at(schema, path)
        label = text_in((element or {}).get("labels"), language, default) or path.rsplit("/")[-1]
        for match in re.finditer(r"([^/\[\]]+)\[(\d+)\]", path):
            repeat = element_at(schema, path[: match.end(1)])
            entry = text_in((repeat or {}).get("labels"), language, default) or match.group(1)
            label = f"{label} ({entry} {match.group(2)})"
        anchor = anchors.get(path, field_id(path))
        if path not in anchors and element and element["type"] in {"select_multiple", "range"}:
            anchor += "-0"
        number = page_of_path(pages, path)
        href = f"#{anchor}" if number == current else f"?page={number}#{anchor}"
        links.append(ErrorLink(errors[path], label, href))
    return links


def _flatten(items):
    for item in items:
        yield item
        yield from _flatten(item.children)
        yield from _flatten(item.entries)


def _all_paths(schema: dict) -> list[str]:
    root = "/" + (schema.get("root") or "data")

    def walk(elements, base):
        for element in elements:
            path = f"{base}/{element['name']}"
            yield path
            yield from walk(element.get("children", []), path)

    return list(walk(schema.get("children", []), root))


# ---------------------------------------------------------------------------------------------
# The read-only summary
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    kind: str  # row | section | repeat
    label: str
    value: str = ""
    rows: list["Row"] = dataclasses.field(default_factory=list)
    entries: list[list["Row"]] = dataclasses.field(default_factory=list)
    file: str = ""  # the stored name of an uploaded file

    @property
    def file_basename(self) -> str:
        return PurePath(self.file).name if self.file else ""


def summary(schema: dict, answers: dict, language: str | None) -> list[Row]:
    """The answered questions with their labels, in form order, groups as sections and
    repeats as lists of entries; choices by their labels."""
    evaluation = expressions.evaluate_form(schema, answers, language=language)
    context = _Context(schema, answers, evaluation, language, {}, {}, False)
    return _summary_rows(context, schema.get("children", []), evaluation.cleaned)


def _summary_rows(context: _Context, elements: list[dict], answers: dict) -> list[Row]:
    rows = []
    for element in elements:
        kind, name = element["type"], element["name"]
        label = context.text(element.get("labels"))
        if kind == "group":
            inner = _summary_rows(context, element["children"], answers)
            if inner and label:
                rows.append(Row("section", label, rows=inner))
            else:
                rows.extend(inner)
        elif kind == "repeat":
            entries = [
                _summary_rows(context, element["children"], entry)
                for entry in answers.get(name) or []
                if isinstance(entry, dict)
            ]
            if entries:
                rows.append(Row("repeat", label or name, entries=entries))
        elif kind in {"note", "hidden"} or not label:
            continue
        elif answers.get(name) not in (None, "", []):
            rows.append(_summary_row(context, element, label, answers[name]))
    return rows


def _summary_row(context: _Context, element: dict, label: str, raw: Any) -> Row:
    value = expressions.answer_text(raw, element["type"])
    kind = element["type"]
    if kind in {"select_one", "select_multiple"}:
        labels = {c["name"]: context.text(c.get("labels")) or c["name"] for c in element["choices"]}
        chosen = value.split() if kind == "select_multiple" else [value]
        return Row("row", label, "; ".join(labels.get(c, c) for c in chosen))
    if kind == "acknowledge":
        return Row("row", label, gettext("Yes"))
    if kind in {"file", "image"}:
        return Row("row", label, display_name(value), file=value)
    if kind == "date":
        try:
            value = formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            pass
    return Row("row", label, value)


# ---------------------------------------------------------------------------------------------
# The list of campaigns of a member
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class CampaignRow:
    campaign: Any
    organization: Any
    responses: list
    is_open: bool
    can_start: bool


def campaign_rows(user, organizations: list) -> list[CampaignRow]:
    """For each of the user's organisations: the open campaigns addressed to it and the
    campaigns it has responses to, with those responses (a fixed number of queries)."""
    from django.db.models import Prefetch

    from approdo.organizations.models import Organization
    from approdo.surveys.models import Campaign, SurveyResponse
    from approdo.territory.models import ASL, ComuneZona, Zona

    if not organizations:
        return []
    open_campaigns = list(
        Campaign.objects.open_at().prefetch_related(
            Prefetch("organizations", queryset=Organization.objects.only("pk")),
            *_territory_prefetches(Campaign, Zona, ASL),
        )
    )
    responses = list(
        SurveyResponse.objects.filter(organization__in=organizations)
        .select_related("campaign")
        .order_by("-updated_at")
    )
    seats = {o.seat_id for o in organizations if getattr(o, "seat_id", None)}
    places: dict = {}
    for comune, zona, asl in (
        ComuneZona.objects.valid_on()
        .filter(comune__in=seats)
        .values_list("comune", "zona", "zona__asl")
    ):
        places.setdefault(comune, set()).update({("zona", zona), ("asl", asl)})
    campaigns = {c.pk: c for c in open_campaigns}
    for response in responses:
        campaigns.setdefault(response.campaign_id, response.campaign)
    open_ids = set(campaigns) & {c.pk for c in open_campaigns}
    rows = []
    for campaign in sorted(campaigns.values(), key=lambda c: (c.pk not in open_ids, c.title)):
        for organization in organizations:
            own = [
                r
                for r in responses
                if r.campaign_id == campaign.pk and r.organization_id == organization.pk
            ]
            audience = campaign.pk in open_ids and _in_audience(campaign, organization, places)
            if not audience and not own:
                continue
            can_start = audience and (campaign.many_responses or not own)
            rows.append(
                CampaignRow(campaign, organization, own, campaign.pk in open_ids, can_start)
            )
    return rows


def _territory_prefetches(campaign_model, zona_model, asl_model) -> list:
    from django.db.models import Prefetch

    names = {field.name for field in campaign_model._meta.get_fields()}
    return [
        Prefetch(name, queryset=model.objects.only("pk"))
        for name, model in (("zone", zona_model), ("asls", asl_model))
        if name in names
    ]


def _in_audience(campaign, organization, places: dict) -> bool:
    """`Campaign.includes` on prefetched data: listed organisations, or of a kind invited
    (within the campaign's zone/ASL when it has them), or everyone."""
    if campaign.open_to_all or organization.pk in {o.pk for o in campaign.organizations.all()}:
        return True
    zone = {z.pk for z in campaign.zone.all()} if hasattr(campaign, "zone") else set()
    asls = {a.pk for a in campaign.asls.all()} if hasattr(campaign, "asls") else set()
    if not (campaign.kinds or zone or asls):
        return False
    if campaign.kinds and organization.kind not in campaign.kinds:
        return False
    if zone or asls:
        place = places.get(getattr(organization, "seat_id", None), set())
        return any(("zona", z) in place for z in zone) or any(("asl", a) in place for a in asls)
    return True
