"""Server-side evaluation of a form's logic, with ODK semantics.

The answers become an XML instance shaped like the XForm's (`/data/group/question`, one
element per repeat entry) and every `relevant`, `constraint`, `calculate` and `required`
expression is evaluated on it with lxml XPath. `${name}` references are resolved to the
question's path, relative inside a shared repeat (so `${x}` in a repeat is the sibling in the
same entry, as ODK does); the ODK functions are lxml extension functions in our namespace,
and the operands of `<`, `<=`, `>`, `>=` go through `odk:compare()` so that dates compare as
dates (days since 1970), as in ODK, where plain XPath 1.0 would compare NaN.

Answers are {name: value} for every question outside repeats (groups do not nest them) and
{repeat_name: [{name: value}, ...]} for repeats. Non-relevant questions count as empty while
the rest is evaluated and are dropped from the cleaned answers, as ODK does on submission.

No database access here: the schema is the dict built by `xlsform.py`.
"""

import contextvars
import dataclasses
import datetime
import decimal
import functools
import math
import re
from typing import Any

from django.utils.translation import gettext
from lxml import etree

from approdo.core.text import clean_text

ODK_NAMESPACE = "urn:approdo:odk-functions"
# Non-relevant repeat entries are renamed into this namespace, so paths such as
# `count(/data/partner)` or `sum(${people})` no longer see them while their own expressions
# still evaluate in place: the same result as with the entry dropped on submission.
HIDDEN_NAMESPACE = "urn:approdo:non-relevant"
MAX_PASSES = 20
REPEAT_LIMIT = 1000
# Numbers a spreadsheet holds exactly (Excel keeps 15 significant digits): answers are below
# this in size, larger ones are refused with a field error.
MAX_NUMBER = 10**15
_MAX_DIGITS = len(str(MAX_NUMBER)) - 1

_today: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "approdo_surveys_today", default=None
)
_STRING_LITERAL = re.compile(r"('[^']*'|\"[^\"]*\")")
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_REWRITTEN = ("count-selected", "selected", "if", "coalesce", "concat", "regex", "today", "int")
_REWRITTEN += ("round",)
_FUNCTION = re.compile(
    r"(?<![\w.:\-/@$])(" + "|".join(re.escape(n) for n in _REWRITTEN) + r")(?=\s*\()"
)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|T)")
_TOKEN = re.compile(
    r"""\s*(
        '[^']*' | "[^"]*"
      | \d+(?:\.\d*)? | \.\d+
      | != | <= | >= | // | :: | \.\.
      | [<>=|+\-*/()\[\],@.]
      | \$?[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?
    )""",
    re.VERBOSE,
)
_RELATIONAL = frozenset({"<", "<=", ">", ">="})
_OPERAND_BOUNDARY = frozenset({",", "and", "or", "=", "!="}) | _RELATIONAL
_LEAF_EXEMPT = frozenset({"note", "calculate", "hidden"})


class ExpressionError(ValueError):
    """An expression of the form cannot be compiled or evaluated."""


# ---------------------------------------------------------------------------------------------
# ODK functions as XPath extension functions
# ---------------------------------------------------------------------------------------------


def _node_text(node: Any) -> str:
    if isinstance(node, etree._Element):
        return "".join(node.itertext())
    return str(node)


def _string(value: Any) -> str:
    if isinstance(value, list):
        return _node_text(value[0]) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def format_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer():
        return str(int(value))
    return repr(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    text = _string(value).strip()
    if not _DECIMAL.match(text):
        return math.nan
    return float(text)


def _boolean(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return value != 0 and not math.isnan(value)
    return bool(str(value))


def _fn_selected(context, values, choice) -> bool:
    return _string(choice).strip() in _string(values).split()


def _fn_count_selected(context, values) -> float:
    return float(len(_string(values).split()))


def _fn_if(context, condition, when_true, when_false):
    return when_true if _boolean(condition) else when_false


def _fn_coalesce(context, first, second) -> str:
    return _string(first) or _string(second)


def _fn_concat(context, *parts) -> str:
    texts = []
    for part in parts:
        if isinstance(part, list):
            texts.extend(_node_text(node) for node in part)
        else:
            texts.append(_string(part))
    return "".join(texts)


def _fn_regex(context, value, pattern) -> bool:
    try:
        return re.search(_string(pattern), _string(value)) is not None
    except re.error as error:
        raise ExpressionError(str(error)) from error


def _fn_today(context) -> str:
    return (_today.get() or datetime.date.today()).isoformat()


def _fn_int(context, value) -> float:
    number = _number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.trunc(number))


def _fn_round(context, value, digits=0.0) -> float:
    number = _number(value)
    places = _number(digits)
    if math.isnan(number) or math.isinf(number) or math.isnan(places):
        return number
    quantum = decimal.Decimal(1).scaleb(-int(places))
    rounded = decimal.Decimal(repr(number)).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    return float(rounded)


def _fn_compare(context, value) -> float:
    """A comparison operand as ODK sees it: dates (and date-times) as days since 1970-01-01,
    anything else as a number."""
    if isinstance(value, bool | float | int):
        return _number(value)
    text = _string(value).strip()
    if _DATE_PREFIX.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return math.nan
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        return (moment - datetime.datetime(1970, 1, 1)).total_seconds() / 86400
    return _number(text)


_EXTENSIONS = {
    (ODK_NAMESPACE, "selected"): _fn_selected,
    (ODK_NAMESPACE, "count-selected"): _fn_count_selected,
    (ODK_NAMESPACE, "if"): _fn_if,
    (ODK_NAMESPACE, "coalesce"): _fn_coalesce,
    (ODK_NAMESPACE, "concat"): _fn_concat,
    (ODK_NAMESPACE, "regex"): _fn_regex,
    (ODK_NAMESPACE, "today"): _fn_today,
    (ODK_NAMESPACE, "int"): _fn_int,
    (ODK_NAMESPACE, "round"): _fn_round,
    (ODK_NAMESPACE, "compare"): _fn_compare,
}


@functools.lru_cache(maxsize=4096)
def _compiled(expression: str) -> etree.XPath:
    """An XPath with the ODK function calls moved into our namespace (literals untouched)
    and the operands of `<`, `<=`, `>`, `>=` compared as ODK does (dates as days)."""
    pieces = _STRING_LITERAL.split(_compare_as_odk(expression))
    for index in range(0, len(pieces), 2):
        pieces[index] = _FUNCTION.sub(r"odk:\1", pieces[index])
    try:
        return etree.XPath(
            "".join(pieces), namespaces={"odk": ODK_NAMESPACE}, extensions=_EXTENSIONS
        )
    except etree.XPathError as error:
        raise ExpressionError(f"{expression}: {error}") from error


def _compare_as_odk(expression: str) -> str:
    """Wrap each operand of a relational operator in `odk:compare(...)`, following XPath
    precedence (an operand runs to the nearest `and`, `or`, `=`, `!=`, comma or bracket)."""
    tokens = _tokens(expression)
    if tokens is None or not any(token in _RELATIONAL for token in tokens):
        return expression
    opens = [0] * (len(tokens) + 1)
    closes = [0] * (len(tokens) + 1)
    for index, token in enumerate(tokens):
        if token not in _RELATIONAL:
            continue
        start = _operand_edge(tokens, index, -1)
        end = _operand_edge(tokens, index, 1)
        opens[start] += 1
        closes[index] += 1
        opens[index + 1] += 1
        closes[end + 1] += 1
    parts = []
    for index, token in enumerate(tokens):
        parts.append(")" * closes[index] + "odk:compare(" * opens[index] + token)
    parts.append(")" * closes[len(tokens)])
    return " ".join(parts)


def _tokens(expression: str) -> list[str] | None:
    tokens, position = [], 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            return None  # leave it to the XPath compiler to report
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _operand_edge(tokens: list[str], operator: int, step: int) -> int:
    """Index of the first (step -1) or last (step 1) token of an operand of `operator`."""
    depth, index, edge = 0, operator + step, operator
    opening = {"(", "["} if step > 0 else {")", "]"}
    while 0 <= index < len(tokens):
        token = tokens[index]
        if token in opening:
            depth += 1
        elif token in {"(", "[", ")", "]"}:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and token in _OPERAND_BOUNDARY:
            break
        edge = index
        index += step
    return edge


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Index:
    paths: dict[str, str]  # name -> schema path
    repeats: list[str]  # schema paths of repeats, deepest first
    resolved: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, schema: dict) -> "_Index":
        paths, repeats = {}, []
        for element in _walk(schema.get("children", [])):
            paths[element["name"]] = element["path"]
            if element["type"] == "repeat":
                repeats.append(element["path"])
        repeats.sort(key=lambda p: p.count("/"), reverse=True)
        return cls(paths, repeats)

    def reference(self, name: str, context: str) -> str:
        """The XPath of question `name` seen from the node at schema path `context`."""
        try:
            target = self.paths[name]
        except KeyError:
            raise ExpressionError(
                gettext("Unknown question “%(name)s”.") % {"name": name}
            ) from None
        for repeat in self.repeats:
            inside = (target + "/").startswith(repeat + "/")
            if inside and (context + "/").startswith(repeat + "/"):
                ups = context.count("/") - repeat.count("/")
                rest = target[len(repeat) + 1 :]
                steps = [".."] * ups + ([rest] if rest else [])
                return "/".join(steps) or "."
        return target

    def resolve(self, expression: str, context: str) -> str:
        key = (expression, context)
        resolved = self.resolved.get(key)
        if resolved is None:
            resolved = _REFERENCE.sub(
                lambda m: self.reference(m.group(1).strip(), context), expression
            )
            self.resolved[key] = resolved
        return resolved


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Evaluation:
    """What the server concludes from a set of answers. Paths carry repeat positions,
    1-based as in XPath: `/data/partners/partner[2]/role`."""

    relevant: dict[str, bool] = dataclasses.field(default_factory=dict)
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclasses.dataclass
class _Node:
    element: dict
    node: etree._Element
    path: str
    relevant: bool = True


class Evaluator:
    def __init__(self, schema: dict, answers: dict, language: str | None):
        self.schema = schema
        self.index = _Index.of(schema)
        self.language = language
        self.originals: dict[str, str] = {}
        self.raw: dict[str, Any] = {}
        self.root = etree.Element(schema.get("root") or "data")
        self._fill(schema.get("children", []), self.root, answers or {}, "/" + self.root.tag)

    # -- the instance ---------------------------------------------------------------------

    def _fill(self, elements: list[dict], parent, answers: dict, path: str) -> None:
        for element in elements:
            kind, name = element["type"], element["name"]
            if kind == "group":
                node = etree.SubElement(parent, name)
                self._fill(element["children"], node, answers, f"{path}/{name}")
            elif kind == "repeat":
                entries = answers.get(name)
                entries = entries if isinstance(entries, list) else []
                for position, entry in enumerate(entries[:REPEAT_LIMIT], start=1):
                    node = etree.SubElement(parent, name)
                    entry = entry if isinstance(entry, dict) else {}
                    self._fill(element["children"], node, entry, f"{path}/{name}[{position}]")
            else:
                node = etree.SubElement(parent, name)
                value = answers.get(name)
                text = answer_text(value, kind)
                self.originals[f"{path}/{name}"] = text
                if name in answers:
                    self.raw[f"{path}/{name}"] = value
                node.text = text

    def _nodes(self, elements: list[dict], parent, path: str, relevant: bool):
        """(element, node, path, relevant) in form order, relevance evaluated on the way."""
        children = _children_by_name(parent)
        for element in elements:
            name = element["name"]
            nodes = children.get(name, [])
            for position, node in enumerate(nodes, start=1):
                node_path = f"{path}/{name}"
                if element["type"] == "repeat":
                    node_path += f"[{position}]"
                is_relevant = relevant and self._relevant(element, node)
                yield _Node(element, node, node_path, is_relevant)
                if "children" in element:
                    yield from self._nodes(element["children"], node, node_path, is_relevant)

    def _adjust_repeats(self, elements: list[dict], parent, path: str) -> bool:
        """Make repeats with a `repeat_count` have exactly that many entries."""
        changed = False
        children = _children_by_name(parent)
        for element in elements:
            if element["type"] not in {"group", "repeat"}:
                continue
            nodes = list(children.get(element["name"], []))
            if element["type"] == "repeat" and element.get("repeat_count"):
                wanted = self._count(element, parent)
                while len(nodes) > wanted:
                    parent.remove(nodes.pop())
                    changed = True
                while len(nodes) < wanted:
                    nodes.append(self._empty_entry(element, parent, nodes))
                    changed = True
            for position, node in enumerate(nodes, start=1):
                suffix = f"[{position}]" if element["type"] == "repeat" else ""
                child_path = f"{path}/{element['name']}{suffix}"
                changed |= self._adjust_repeats(element["children"], node, child_path)
        return changed

    def _count(self, element: dict, parent) -> int:
        context = element["path"].rsplit("/", 1)[0]
        number = _number(self._evaluate(element["repeat_count"], context, parent))
        if math.isnan(number) or number < 0:
            return 0
        return min(int(number), REPEAT_LIMIT)

    def _empty_entry(self, element: dict, parent, siblings: list) -> etree._Element:
        node = etree.Element(element["name"])
        if siblings:
            siblings[-1].addnext(node)
        else:
            parent.append(node)
        for child in element["children"]:
            self._empty(child, node)
        return node

    def _empty(self, element: dict, parent) -> None:
        node = etree.SubElement(parent, element["name"])
        if element["type"] == "group":
            for child in element["children"]:
                self._empty(child, node)

    # -- expressions ----------------------------------------------------------------------

    def _evaluate(self, expression: str, context_path: str, node) -> Any:
        resolved = self.index.resolve(expression, context_path)
        try:
            return _compiled(resolved)(node)
        except etree.XPathError as error:
            raise ExpressionError(f"{expression}: {error}") from error

    def _relevant(self, element: dict, node) -> bool:
        if not element.get("relevant"):
            return True
        return _boolean(self._evaluate(element["relevant"], element["path"], node))

    def truth(self, element: dict, key: str, node) -> bool:
        expression = element.get(key) or ""
        return bool(expression) and _boolean(self._evaluate(expression, element["path"], node))

    # -- the passes -----------------------------------------------------------------------

    def settle(self) -> list[_Node]:
        """Calculate, and blank what is not relevant, until nothing changes."""
        children = self.schema.get("children", [])
        base = "/" + self.root.tag
        nodes: list[_Node] = []
        for _ in range(MAX_PASSES):
            changed = self._adjust_repeats(children, self.root, base)
            nodes = []
            for item in self._nodes(children, self.root, base, True):
                nodes.append(item)
                if item.element["type"] == "repeat":
                    name = item.element["name"]
                    tag = name if item.relevant else f"{{{HIDDEN_NAMESPACE}}}{name}"
                    if item.node.tag != tag:
                        item.node.tag = tag
                        changed = True
                if "children" in item.element:
                    continue
                if item.element.get("calculate"):
                    value = self._evaluate(
                        item.element["calculate"], item.element["path"], item.node
                    )
                    text = _string(value) if item.relevant else ""
                else:
                    text = self.originals.get(item.path, "") if item.relevant else ""
                if (item.node.text or "") != text:
                    item.node.text = text
                    changed = True
            if not changed:
                break
        return nodes

    def check(self, item: _Node) -> str:
        """The error message for one relevant leaf question, or ''."""
        element, node = item.element, item.node
        kind = element["type"]
        if kind in _LEAF_EXEMPT or self.truth(element, "read_only", node):
            return ""
        value = node.text or ""
        if value == "":
            if self.truth(element, "required", node):
                return self._text(element.get("required_message")) or gettext(
                    "This field is required."
                )
            return ""
        problem = self._type_problem(element, value, node)
        if problem:
            return problem
        if element.get("constraint") and not self.truth(element, "constraint", node):
            return self._text(element.get("constraint_message")) or gettext(
                "This answer is not accepted."
            )
        return ""

    def _type_problem(self, element: dict, value: str, node) -> str:
        kind = element["type"]
        if kind == "integer" and not _INTEGER.match(value):
            return gettext("Enter a whole number.")
        if kind == "decimal" and not _DECIMAL.match(value):
            return gettext("Enter a number.")
        if kind in {"integer", "decimal"} and not _in_range(value):
            return gettext(
                "Enter a number of at most %(digits)s digits before the decimal point."
            ) % {"digits": _MAX_DIGITS}
        if kind == "date" and not _valid_date(value):
            return gettext("Enter a date as YYYY-MM-DD.")
        if kind == "time" and not _valid_time(value):
            return gettext("Enter a time as HH:MM.")
        if kind == "acknowledge" and value != "OK":
            return gettext("Tick the box to acknowledge.")
        if kind == "range":
            return _range_problem(element.get("parameters") or {}, value)
        if kind in {"select_one", "select_multiple"}:
            chosen = value.split() if kind == "select_multiple" else [value]
            allowed = self.allowed_choices(element, node, among=chosen)
            if kind == "select_one" and len(value.split()) != 1:
                return gettext("Choose one of the options.")
            if any(choice not in allowed for choice in chosen):
                return gettext("Choose among the options offered.")
        return ""

    def missing_entries(self, nodes: list[_Node]) -> dict[str, str]:
        """Repeats marked `required` that are relevant but have no relevant entry: one error
        each, at the repeat's path. (A repeat's relevance and `required` are evaluated from
        the element that holds it, as `repeat_count` is: with no entry there is no other.)"""
        base = "/" + self.root.tag
        containers = [(self.schema.get("children", []), self.root, base)]
        containers += [
            (item.element["children"], item.node, item.path)
            for item in nodes
            if item.relevant and item.element["type"] in {"group", "repeat"}
        ]
        errors: dict[str, str] = {}
        for elements, parent, path in containers:
            for element in elements:
                if element["type"] != "repeat" or not element.get("required"):
                    continue
                if next(parent.iterchildren(element["name"]), None) is not None:
                    continue  # a relevant entry (non-relevant ones are renamed away)
                context = element["path"].rsplit("/", 1)[0]
                try:
                    wanted = all(
                        _boolean(self._evaluate(element[key], context, parent))
                        for key in ("relevant", "required")
                        if element.get(key)
                    )
                except ExpressionError:
                    continue
                if wanted:
                    errors[f"{path}/{element['name']}"] = self._text(
                        element.get("required_message")
                    ) or gettext("Add at least one entry.")
        return errors

    def allowed_choices(self, element: dict, node, among: list[str] | None = None) -> list[str]:
        """Names of the choices the question offers, after its `choice_filter`; only those
        `among` the given names when checking an answer (a comune list has hundreds)."""
        choices = element.get("choices", [])
        if among is not None:
            choices = [choice for choice in choices if choice["name"] in among]
        expression = element.get("choice_filter") or ""
        if not expression:
            return [choice["name"] for choice in choices]
        variables: dict[str, str] = {}

        def variable(match: re.Match) -> str:
            key = f"v{len(variables)}"
            reference = self.index.reference(match.group(1).strip(), element["path"])
            variables[key] = _string(_compiled(reference)(node))
            return f"${key}"

        test = _compiled(_REFERENCE.sub(variable, expression))
        allowed = []
        for choice in choices:
            item = etree.Element("item")
            etree.SubElement(item, "name").text = choice["name"]
            for key, text in (choice.get("data") or {}).items():
                if re.fullmatch(r"[A-Za-z_][\w.\-]*", key):
                    etree.SubElement(item, key).text = text
            try:
                if _boolean(test(item, **variables)):
                    allowed.append(choice["name"])
            except etree.XPathError as error:
                raise ExpressionError(f"{expression}: {error}") from error
        return allowed

    def _text(self, texts: dict | None) -> str:
        return text_in(texts, self.language, self.schema.get("default_language"))

    # -- cleaned answers ------------------------------------------------------------------

    def cleaned(self, nodes: list[_Node]) -> dict[str, Any]:
        by_path = {item.path: item for item in nodes}
        base = "/" + self.root.tag
        return self._clean(self.schema.get("children", []), self.root, base, by_path)

    def _clean(self, elements, parent, path, by_path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for element in elements:
            name, kind = element["name"], element["type"]
            if kind == "group":
                node = next(parent.iterchildren(name))
                if by_path[f"{path}/{name}"].relevant:
                    result.update(self._clean(element["children"], node, f"{path}/{name}", by_path))
                continue
            if kind == "repeat":
                entries = []
                for position, node in enumerate(_children(parent, name), start=1):
                    entry_path = f"{path}/{name}[{position}]"
                    if by_path[entry_path].relevant:
                        entries.append(self._clean(element["children"], node, entry_path, by_path))
                if entries:
                    result[name] = entries
                continue
            item = by_path[f"{path}/{name}"]
            if not item.relevant or kind == "note":
                continue
            if element.get("calculate"):
                result[name] = item.node.text or ""
            elif item.path in self.raw:
                result[name] = self.raw[item.path]
        return result


def evaluate_form(
    schema: dict,
    answers: dict,
    today: datetime.date | None = None,
    language: str | None = None,
) -> Evaluation:
    """Relevance, calculations, and errors for `answers`, as ODK would find them.

    `errors` maps each question path to one message (in `language` when the form has it):
    missing required answers, wrong types, numbers larger than a spreadsheet holds, choices
    not offered, values outside a range or failing a constraint, and repeats marked
    `required` left without an entry. `cleaned` holds the answers without the non-relevant
    ones and with the calculated values, as they are stored on submission. A rule of the form
    that fails while checking an answer (such as a bad regular expression) is that answer's
    error; one that fails in a relevance or a calculation raises ExpressionError.
    """
    token = _today.set(today)
    try:
        evaluator = Evaluator(schema, answers, language)
        nodes = evaluator.settle()
        evaluation = Evaluation()
        for item in nodes:
            evaluation.relevant[item.path] = item.relevant
            if "children" in item.element:
                continue
            if item.element.get("calculate"):
                evaluation.values[item.path] = item.node.text or ""
            if item.relevant:
                try:
                    message = evaluator.check(item)
                except ExpressionError as error:
                    message = gettext("This answer could not be checked: %(reason)s") % {
                        "reason": error
                    }
                if message:
                    evaluation.errors[item.path] = message
        for path, message in evaluator.missing_entries(nodes).items():
            evaluation.errors.setdefault(path, message)
        evaluation.cleaned = evaluator.cleaned(nodes)
        return evaluation
    finally:
        _today.reset(token)


def clean_answers(schema: dict, answers: dict, today: datetime.date | None = None) -> dict:
    """The answers as ODK submits them: non-relevant ones dropped, calculations filled in."""
    return evaluate_form(schema, answers, today=today).cleaned


def check_schema(schema: dict) -> list[str]:
    """Compile every expression of the schema; one message per expression that fails."""
    index = _Index.of(schema)
    problems = []
    for element in _walk(schema.get("children", [])):
        path = element["path"]
        expressions = [
            (key, element.get(key), path)
            for key in ("relevant", "constraint", "calculate", "required", "read_only")
        ]
        # A repeat's count is evaluated from its parent; choice filters see `${...}` as values.
        expressions.append(("repeat_count", element.get("repeat_count"), path.rsplit("/", 1)[0]))
        choice_filter = _REFERENCE.sub("''", element.get("choice_filter") or "")
        expressions.append(("choice_filter", choice_filter, path))
        for key, expression, context in expressions:
            if not expression:
                continue
            try:
                _compiled(index.resolve(expression, context))
            except ExpressionError as error:
                problems.append(
                    gettext("Question “%(name)s”, %(column)s: %(reason)s")
                    % {"name": element["name"], "column": key, "reason": error}
                )
    return problems


def text_in(texts: dict | None, language: str | None, default_language: str | None) -> str:
    """The text in `language` (a name such as 'Italiano (it)' or a code such as 'it'),
    falling back to the form's default language, then to any."""
    if not texts:
        return ""
    if language:
        for key, text in texts.items():
            if key == language or key.endswith(f"({language})"):
                return text
    for key in (default_language, "default"):
        if key and key in texts:
            return texts[key]
    return next(iter(texts.values()))


def _children(parent, name: str):
    """The child elements called `name`, relevant or hidden, in document order."""
    return parent.iterchildren(name, f"{{{HIDDEN_NAMESPACE}}}{name}")


def _children_by_name(parent) -> dict[str, list]:
    """{name: child elements of that name, relevant or hidden, in document order}: one walk
    of the children, where looking each question up would walk them once per question."""
    result: dict[str, list] = {}
    for child in parent:
        tag = child.tag
        if tag[0] == "{":
            tag = tag.rpartition("}")[2]
        result.setdefault(tag, []).append(child)
    return result


def _walk(elements: list[dict]):
    for element in elements:
        yield element
        yield from _walk(element.get("children", []))


def answer_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        if kind == "acknowledge":
            return "OK" if value else ""
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(answer_text(item, "text") for item in value)
    if isinstance(value, float):
        return format_number(value)
    # Answers are cleaned where they come in (answers.clean_answers); what was stored before
    # that still cannot break the XML instance.
    return clean_text(str(value)).strip()


def _in_range(value: str) -> bool:
    """Whether a number written as `value` (already checked as one) is below MAX_NUMBER in
    size, counted on its digits (a very long one is never converted)."""
    whole = value.lstrip("+-").split(".", 1)[0].lstrip("0")
    return len(whole) <= _MAX_DIGITS


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _valid_time(value: str) -> bool:
    match = _TIME.match(value)
    if not match:
        return False
    hours, minutes, seconds = match.group(1), match.group(2), match.group(3) or "0"
    return int(hours) < 24 and int(minutes) < 60 and int(seconds) < 60


def _range_problem(parameters: dict, value: str) -> str:
    number = _number(value)
    if math.isnan(number):
        return gettext("Enter a number.")
    start = _number(parameters.get("start", "1"))
    end = _number(parameters.get("end", "10"))
    step = _number(parameters.get("step", "1"))
    low, high = min(start, end), max(start, end)
    if not low <= number <= high:
        return gettext("Enter a number between %(low)s and %(high)s.") % {
            "low": format_number(low),
            "high": format_number(high),
        }
    if step and not math.isnan(step):
        steps = (number - start) / step
        if abs(steps - round(steps)) > 1e-9:
            return gettext("Enter a value on the scale (steps of %(step)s).") % {
                "step": format_number(step)
            }
    return ""
