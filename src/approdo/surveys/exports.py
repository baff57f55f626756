"""The survey datasets for exports: a campaign's responses as rows.

"survey_responses": one row per response; metadata first (instance_id, organisation, kind,
zona, status, submitted_at, version), then one column per question in form order. A
select_multiple question is one column (space-separated codes, or labels separated by "; ")
plus one 0/1 column per choice, named `question/choice`. Repeats are not in these rows:
XLSX and ODS exports add one sheet per repeat, and CSV exports take them from the
"survey_repeat_rows" dataset (`repeat` parameter), linked by the parent's instance_id.

Parameters: campaign (slug, required), labels ("codes" or "labels"), language (a language
code such as "it"; the form's default when empty), repeat (for survey_repeat_rows). Drafts
are private to their organisation and never exported (a `drafts` parameter is ignored): the
rows are those `SurveyResponse.objects.visible_to` gives the roles that may export (they read
every sent response), the same as the review pages show them.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Max
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext

from approdo.organizations import permissions
from approdo.reports.datasets import Dataset, DatasetError, Sheet
from approdo.reports.writers import cells, number_cells, safe_text
from approdo.surveys.expressions import text_in
from approdo.surveys.models import Campaign, SurveyResponse

METADATA = ["instance_id", "organization", "organization_kind", "zona", "status", "submitted_at"]
METADATA += ["version"]
SKIPPED_TYPES = {"note", "group", "repeat"}
NUMERIC_TYPES = {"integer", "decimal", "range"}
CHUNK = 2000
# Forms with more questions read the answers' JSON (databases limit a query's columns).
SQL_ANSWERS = 1000


def _leaves(elements: list[dict]) -> Iterator[dict]:
    """Questions outside repeats, in form order (groups are looked through)."""
    for element in elements:
        if element["type"] == "group":
            yield from _leaves(element["children"])
        elif element["type"] not in SKIPPED_TYPES:
            yield element


def _repeats(elements: list[dict], parents: tuple[str, ...] = ()) -> Iterator[tuple[dict, tuple]]:
    """Every repeat, nested ones included, with the names of the repeats around it."""
    for element in elements:
        if element["type"] == "group":
            yield from _repeats(element["children"], parents)
        elif element["type"] == "repeat":
            yield element, parents
            yield from _repeats(element["children"], (*parents, element["name"]))


def _entries(container: dict, path: tuple[str, ...], name: str, where: tuple = ()):
    """(positions of the enclosing entries, position, entry) of repeat `name` below `path`."""
    if path:
        for position, entry in enumerate(container.get(path[0]) or [], start=1):
            if isinstance(entry, dict):
                yield from _entries(entry, path[1:], name, (*where, position))
        return
    for position, entry in enumerate(container.get(name) or [], start=1):
        if isinstance(entry, dict):
            yield where, position, entry


def _split(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value).split()


class _Columns:
    """How the answers of a list of questions become cells."""

    def __init__(self, schema: dict, questions: list[dict], labels: bool, language: str):
        self.schema, self.questions = schema, questions
        self.labels, self.language = labels, language
        self.default_language = schema.get("default_language")

    def text(self, texts: dict | None, fallback: str) -> str:
        return text_in(texts, self.language or None, self.default_language) or fallback

    def headers(self) -> list[str]:
        headers = []
        for question in self.questions:
            name = question["name"]
            headers.append(self.text(question.get("labels"), name) if self.labels else name)
            if question["type"] == "select_multiple":
                for choice in question.get("choices", []):
                    if self.labels:
                        label = self.text(question.get("labels"), name)
                        headers.append(f"{label}/{self.text(choice.get('labels'), choice['name'])}")
                    else:
                        headers.append(f"{name}/{choice['name']}")
        return headers

    def _choice_label(self, question: dict, code: str) -> str:
        for choice in question.get("choices", []):
            if choice["name"] == code:
                return self.text(choice.get("labels"), code)
        return code

    def numeric(self, offset: int) -> tuple[int, ...]:
        """Positions of the numeric columns (numbers and 0/1 choices), after `offset` others."""
        positions, position = [], offset
        for question in self.questions:
            if question["type"] in NUMERIC_TYPES:
                positions.append(position)
            position += 1
            if question["type"] == "select_multiple":
                choices = len(question.get("choices", []))
                positions += range(position, position + choices)
                position += choices
        return tuple(positions)

    def converters(self) -> list:
        """One function per question: the question's answers (a column) -> its column(s)."""
        return [self._converter(question) for question in self.questions]

    def _converter(self, question: dict):
        # Column by column over a chunk of responses: a comprehension per column costs a
        # fraction of a function call per cell, and an export has millions of cells.
        kind = question["type"]
        if kind == "select_multiple":
            codes = [choice["name"] for choice in question.get("choices", [])]
            labels = {code: safe_text(self._choice_label(question, code)) for code in codes}
            use_labels = self.labels

            def select_multiple(values: list) -> list[list]:
                chosen = [
                    None
                    if value is None or value == ""
                    else value.split()
                    if type(value) is str
                    else _split(value)
                    for value in values
                ]
                if use_labels:
                    text = [
                        None if c is None else "; ".join([labels.get(x, x) for x in c])
                        for c in chosen
                    ]
                else:
                    text = [None if c is None else " ".join(c) for c in chosen]
                flags = [
                    ["" if c is None else "1" if code in c else "0" for c in chosen]
                    for code in codes
                ]
                return [cells(text), *flags]

            return select_multiple
        if kind == "select_one" and self.labels:
            labels = {
                c["name"]: self._choice_label(question, c["name"]) for c in question["choices"]
            }

            def select_one(values: list) -> list[list]:
                return [cells([labels.get(v, v) if type(v) is str else v for v in values])]

            return select_one
        if kind in NUMERIC_TYPES:

            def number(values: list) -> list[list]:
                return [number_cells(values)]

            return number

        def plain(values: list) -> list[list]:
            return [cells(values)]

        return plain

    def columns(self, values: Iterable[list]) -> list[list]:
        """The cells (as writers.cell() makes them), column by column, of the answers given
        as one list per question."""
        if not hasattr(self, "_converters"):
            self._converters = self.converters()
        result: list[list] = []
        for convert, column in zip(self._converters, values, strict=True):
            result += convert(column)
        return result

    def row(self, answers: dict) -> list[Any]:
        """The cells of one set of answers, in a row."""
        values = [[answers.get(question["name"])] for question in self.questions]
        return [column[0] for column in self.columns(values)]


class SurveyResponses(Dataset):
    """One row per response of a campaign (see the module's docstring)."""

    title = "survey_responses"

    def clean_params(self, params: dict) -> dict:
        slug = str(params.get("campaign") or "")
        if not Campaign.objects.filter(slug=slug).exists():
            raise DatasetError(gettext("Unknown campaign “%(slug)s”.") % {"slug": slug})
        labels = str(params.get("labels") or "codes")
        if labels not in ("codes", "labels"):
            raise DatasetError(gettext("labels must be “codes” or “labels”."))
        return {
            "campaign": slug,
            "labels": labels,
            "language": str(params.get("language") or "")[:20],
            "repeat": str(params.get("repeat") or ""),
        }

    def can_export(self, user, params: dict) -> bool:
        """Regional administrators, coordinators and analysts export every response."""
        return permissions.can_read_everything(user)

    def filename(self, params: dict) -> str:
        return f"{params['campaign']}-risposte"

    def responses(self, campaign: Campaign, params: dict):
        # What visible_to() gives the exporting roles, less their own organisations' drafts
        # (the export is of the network's responses, not of anybody's work in progress).
        responses = SurveyResponse.objects.filter(campaign=campaign).sent()
        # Rows added while the export runs are left for the next one: the count holds.
        top = responses.aggregate(top=Max("pk"))["top"] or 0
        return responses.filter(pk__lte=top).order_by("pk")

    def sheets(self, params: dict) -> list[Sheet]:
        campaign = Campaign.objects.select_related("version").get(slug=params["campaign"])
        schema = campaign.version.schema
        labels = params.get("labels") == "labels"
        columns = _Columns(schema, list(_leaves(schema["children"])), labels, params["language"])
        responses = self.responses(campaign, params)
        sheets = [
            Sheet(
                title=campaign.slug,
                headers=METADATA + columns.headers(),
                rows=self._rows(responses, columns),
                expected=responses.count(),
                ready=True,
                numeric=columns.numeric(len(METADATA)),
            )
        ]
        for repeat, parents in _repeats(schema["children"]):
            sheets.append(
                repeat_sheet(responses, schema, repeat, parents, labels, params["language"])
            )
        return sheets

    def _rows(self, responses, columns: _Columns) -> Iterator[list[Any]]:
        zone = _zona_names()
        names = [question["name"] for question in columns.questions]
        fields = ["pk", "instance_id", "organization__name", "organization__kind"]
        fields += ["organization__seat_id", "status", "submitted_at", "version__number"]
        in_sql = len(names) <= SQL_ANSWERS
        if in_sql:
            # Each answer read as text by the database (->>): no JSON document decoded and
            # searched in Python, and the columns come out of the rows with one zip().
            keys = {
                f"answer_{n}": KeyTextTransform(name, "answers") for n, name in enumerate(names)
            }
            rows = responses.annotate(**keys).values_list(*fields, *keys)
        else:
            rows = responses.values_list(*fields, "answers")
        for chunk in _keyset(rows):
            meta = [
                [str(iid), safe_text(name), kind, zone.get(seat), status]
                + [submitted and submitted.isoformat(), number]
                for iid, name, kind, seat, status, submitted, number, *_answers in chunk
            ]
            if in_sql:
                values = list(zip(*chunk, strict=True))[7:]
            else:
                answers = [row[-1] or {} for row in chunk]
                values = [[entry.get(name) for entry in answers] for name in names]
            cells = columns.columns(values)
            tails = zip(*cells, strict=True) if cells else [()] * len(meta)  # rows from columns
            for head, tail in zip(meta, tails, strict=True):
                head += tail
                yield head


def repeat_sheet(
    responses, schema: dict, repeat: dict, parents: tuple, labels: bool, language: str
) -> Sheet:
    """The entries of one repeat: parent instance_id, position (from 1), then its questions.
    A repeat inside another also names the entry it belongs to (`parent_position`, such as
    "2" or "2.1" for deeper ones)."""
    columns = _Columns(schema, list(_leaves(repeat["children"])), labels, language)
    name = repeat["name"]

    def rows() -> Iterator[list[Any]]:
        chunks = _keyset(responses.values_list("pk", "instance_id", "answers"))
        for iid, answers in (row for chunk in chunks for row in chunk):
            for where, position, entry in _entries(answers or {}, parents, name):
                link = [".".join(map(str, where))] if parents else []
                yield [str(iid), *link, position, *columns.row(entry)]

    link = ["parent_position"] if parents else []
    return Sheet(
        title=name,
        headers=["parent_instance_id", *link, "position", *columns.headers()],
        rows=rows(),
        ready=True,
        numeric=columns.numeric(len(link) + 2),
    )


class SurveyRepeatRows(SurveyResponses):
    """The entries of one repeat of a campaign's responses (parameter `repeat`)."""

    title = "survey_repeat_rows"

    def clean_params(self, params: dict) -> dict:
        params = super().clean_params(params)
        campaign = Campaign.objects.select_related("version").get(slug=params["campaign"])
        names = [r["name"] for r, _parents in _repeats(campaign.version.schema["children"])]
        if params["repeat"] not in names:
            raise DatasetError(
                gettext("The form has no repeat “%(name)s” (it has: %(names)s).")
                % {"name": params["repeat"], "names": ", ".join(names) or "-"}
            )
        return params

    def filename(self, params: dict) -> str:
        return f"{params['campaign']}-{params['repeat']}"

    def sheets(self, params: dict) -> list[Sheet]:
        campaign = Campaign.objects.select_related("version").get(slug=params["campaign"])
        schema = campaign.version.schema
        repeat, parents = next(
            (r, p) for r, p in _repeats(schema["children"]) if r["name"] == params["repeat"]
        )
        responses = self.responses(campaign, params)
        labels = params.get("labels") == "labels"
        return [repeat_sheet(responses, schema, repeat, parents, labels, params["language"])]


def _keyset(rows) -> Iterator[list[tuple]]:
    """The rows of a values_list() starting with "pk", without the pk, in pk order, in
    chunks of CHUNK: the ids first (small), then each chunk as the range between its first
    and last id (two parameters, where a list of ids costs milliseconds to send; and bounded
    whatever the planner believes). Constant memory, no server-side cursor."""
    rows = rows.order_by("pk")
    ids = list(rows.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield [row[1:] for row in rows.filter(pk__gte=chunk[0], pk__lte=chunk[-1])]


def _zona_names() -> dict[str, str]:
    """Comune ISTAT code -> name of its zona distretto today."""
    from approdo.territory.models import ComuneZona

    return dict(ComuneZona.objects.valid_on().values_list("comune_id", "zona__name"))


def datasets() -> dict[str, Dataset]:
    """The surveys' datasets, by name (declared in SurveysConfig)."""
    return {"survey_responses": SurveyResponses(), "survey_repeat_rows": SurveyRepeatRows()}
