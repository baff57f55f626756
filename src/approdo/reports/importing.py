"""The base of every import of rows (practices, projects, SAI projects, CAS figures).

An import declares a form whose fields are named after the file's columns (its required fields
are the columns a file must have) and how a clean row is saved; `RowImport.run()` does the
rest, the same way for all of them:

- every row goes through the form; its errors, and a key repeated in the file, become row
  errors (line, column, message), and every bad row is reported;
- all or nothing: the saves run in one transaction, rolled back when any row is bad (a save
  may still refuse its row with a ValidationError) or on a dry run, which thus reports what
  would be created, updated and left unchanged exactly as the import would;
- organisations are matched by tax code, else by name (any case) and kind, else created.

The file itself is read by `reports.tables` (formats, caps); `ImportCommand` is the shape of
the `approdo import-…` commands.
"""

import abc
import copy
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.organizations.models import Organization
from approdo.organizations.validators import validate_tax_code
from approdo.reports import tables
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Comune, Zona

Row = tuple[int, dict[str, str]]  # (line number, {column: text}), as tables.read_rows gives
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_SHOWN = 80  # characters of a cell quoted in an error


def shown(value: str) -> str:
    """A cell quoted in a message: control characters escaped, long text cut."""
    text = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


@dataclass
class RowError:
    """A bad row: its line in the file (the header is line 1) and what is wrong with it,
    the messages by column ("" for the row as a whole)."""

    line: int
    errors: dict[str, list[str]]

    @property
    def reasons(self) -> list[str]:
        return [
            gettext("%(column)s: %(message)s") % {"column": column, "message": message}
            if column
            else message
            for column, messages in self.errors.items()
            for message in messages
        ]

    def __str__(self) -> str:
        return gettext("line %(line)s: %(reasons)s") % {
            "line": self.line,
            "reasons": "; ".join(self.reasons),
        }


@dataclass
class ImportResult:
    """What an import did, or would do on a dry run: the labels (codes) of the rows created,
    updated and unchanged, the organisations created, and either the bad rows (then nothing
    was written) or facts worth a second look that did not stop it (warnings)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _message(error: ValidationError) -> str:
    """The text of one error, the value it quotes (if any) cut short."""
    message = str(error.message)
    if not error.params:
        return message
    params = dict(error.params)
    if "value" in params:
        params["value"] = shown(str(params["value"]))
    return message % params


def row_messages(error: ValidationError) -> dict[str, list[str]]:
    """The messages of `error` (a form's errors, or a save's refusal) by column."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    messages: dict[str, list[str]] = {}
    for name, errors in by_field.items():
        column = "" if name == NON_FIELD_ERRORS else name
        for item in errors:
            messages.setdefault(column, []).extend(_message(one) for one in item.error_list)
    return messages


# Fields ------------------------------------------------------------------------------------


class DateField(forms.DateField):
    input_formats = DATE_FORMATS
    default_error_messages = {
        "invalid": _("“%(value)s” is not a date (write YYYY-MM-DD or DD/MM/YYYY)")
    }

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:  # Django's own has no value to quote
            raise ValidationError(error.message, code=error.code, params={"value": value}) from None


class CodeField(forms.ChoiceField):
    """One of `codes` (case matters); an empty cell is `default`."""

    default_error_messages = {"invalid_choice": _("“%(value)s” is not one of %(choices)s")}

    def __init__(self, codes, *, default: str = "", **kwargs):
        super().__init__(choices=[(code, code) for code in codes], **kwargs)
        self.default = default

    def validate(self, value):
        forms.Field.validate(self, value)  # ChoiceField's own message does not list the codes
        if value and not self.valid_value(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value, "choices": ", ".join(key for key, _l in self.choices)},
            )

    def clean(self, value):
        return super().clean(value) or self.default


class YesNoField(forms.Field):
    YES = {"yes", "si", "sì", "true", "1", "y"}
    NO = {"no", "false", "0", "n", ""}
    default_error_messages = {"invalid": _("“%(value)s” is not yes or no")}

    def to_python(self, value) -> bool:
        text = str(value or "").strip().casefold()
        if text not in self.YES | self.NO:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return text in self.YES


class WholeNumberField(forms.IntegerField):
    """Digits only: "1.000" is refused, not read as 1 (a thousands separator, in Italian)."""

    default_error_messages = {"invalid": _("“%(value)s” is not a whole number")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(MaxValueValidator(2**31 - 1))  # what every database holds

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return int(text)


class TaxCodeField(forms.CharField):
    """A codice fiscale or partita IVA, upper-cased."""

    default_validators = [validate_tax_code]

    def __init__(self, **kwargs):
        super().__init__(max_length=16, required=False, **kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value).upper()


class ListField(forms.Field):
    """Items separated by ";", blanks dropped."""

    def to_python(self, value) -> list[str]:
        return [item.strip() for item in str(value or "").split(";") if item.strip()]


class CodeListField(ListField):
    """Codes separated by ";", each one of `known` (see RowForm.shared_fields)."""

    default_error_messages = {"unknown": _("unknown code “%(value)s”")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.known: set[str] = set()

    def validate(self, value):
        super().validate(value)
        unknown = [
            ValidationError(self.error_messages["unknown"], code="unknown", params={"value": code})
            for code in value
            if code not in self.known
        ]
        if unknown:
            raise ValidationError(unknown)


class ComuniField(CodeListField):
    default_error_messages = {"unknown": _("unknown ISTAT code “%(value)s”")}


class ZoneField(ListField):
    """Zona names, slugs or other names (any case) separated by ";": their primary keys.
    `known` maps every casefolded name to its zona (see zona_keys)."""

    default_error_messages = {"unknown": _("unknown zona “%(value)s”")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.known: dict[str, int] = {}

    def clean(self, value) -> list[int]:
        names = super().clean(value)
        unknown = [
            ValidationError(self.error_messages["unknown"], code="unknown", params={"value": name})
            for name in names
            if name.casefold() not in self.known
        ]
        if unknown:
            raise ValidationError(unknown)
        return [self.known[name.casefold()] for name in names]


class SharedFields(dict):
    """Form fields that every row's form of a file uses as they are: a form copies its fields
    deeply, which was most of the time spent checking a row; a row form only reads them."""

    def __deepcopy__(self, memo):
        return self


class RowForm(forms.Form):
    """The validator of one row: fields named after the file's columns. The forms of a file's
    rows share their fields (`fields`, from `shared_fields()`)."""

    def __init__(self, data: dict[str, str], *, fields: SharedFields | None = None):
        self.base_fields = fields if fields is not None else self.shared_fields({})
        super().__init__(data)

    @classmethod
    def shared_fields(cls, known: dict) -> SharedFields:
        """The fields of every row of a file; `known` gives those that check values against
        reference data (CodeListField, ZoneField, ...) what they accept, by column: read once
        for the file, not once a row."""
        fields = SharedFields(copy.deepcopy(cls.base_fields))
        for column, values in known.items():
            fields[column].known = values
        return fields


def end_after_start(form: forms.Form, start: str = "start_date", end: str = "end_date") -> None:
    """The form's end date may not come before its start date."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, gettext("the end date comes before the start date"))


# Reference data, read once for a file ------------------------------------------------------


def comune_codes() -> set[str]:
    return set(Comune.objects.values_list("istat_code", flat=True))


def zona_keys() -> dict[str, int]:
    """Every zona by its casefolded name, slug and other names."""
    keys = {}
    for pk, name, slug, other in Zona.objects.values_list("pk", "name", "slug", "other_names"):
        for key in [name, slug, *other.split(";")]:
            if key.strip():
                keys[key.strip().casefold()] = pk
    return keys


def action_codes() -> set[str]:
    return set(Action.objects.values_list("code", flat=True))


def target_codes() -> set[str]:
    return set(TargetGroup.objects.values_list("code", flat=True))


def places_and_terms() -> dict:
    """What the `comuni`, `zones`, `actions` and `targets` columns accept."""
    return {
        "comuni": comune_codes(),
        "zones": zona_keys(),
        "actions": action_codes(),
        "targets": target_codes(),
    }


# Organisations ------------------------------------------------------------------------------


class Organizations:
    """The organisations an import names: matched by tax code, else by name (any case) and
    kind, else created (and listed in the result); each looked up once per file."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.cache: dict[tuple[str, str, str], Organization] = {}

    def match(self, name: str, kind: str, tax_code: str = "") -> Organization:
        key = (name.casefold(), kind, tax_code.upper())
        if key not in self.cache:
            self.cache[key] = self._find(name, kind, tax_code) or self._create(name, kind, tax_code)
        return self.cache[key]

    def _find(self, name: str, kind: str, tax_code: str) -> Organization | None:
        if tax_code:
            found = Organization.objects.filter(tax_code__iexact=tax_code).first()
            if found is not None:
                return found
        return Organization.objects.filter(name__iexact=name, kind=kind).order_by("pk").first()

    def _create(self, name: str, kind: str, tax_code: str) -> Organization:
        try:
            # A savepoint: another import (or person) may create the same organisation
            # between the look-up and the insert; the unique constraints then refuse ours
            # and theirs is used.
            with transaction.atomic():
                organization = Organization.objects.create(name=name, kind=kind, tax_code=tax_code)
        except IntegrityError:
            organization = self._find(name, kind, tax_code)
            if organization is None:
                raise
            return organization
        self.result.organizations_created.append(name)
        return organization


# The import -------------------------------------------------------------------------------


class RowImport(abc.ABC):
    """One kind of import. A subclass sets `form_class` and writes `save()`; it may give the
    form reference data (`known()`), and work to do before and after the saves."""

    form_class: type[RowForm]
    result_class = ImportResult
    key_column = "code"  # a value repeated in this column is an error; "" when none
    duplicate_message = _("“%(value)s” is already on line %(line)s")

    def __init__(self, *, by=None):
        self.by = by
        self.result = self.result_class()
        self.organizations = Organizations(self.result)

    @classmethod
    def required_columns(cls) -> list[str]:
        return [name for name, field in cls.form_class.base_fields.items() if field.required]

    @classmethod
    def read(cls, data: bytes, filename: str) -> list[Row]:
        """The rows of a CSV or XLSX file; tables.ImportFileError when it cannot be read or
        lacks a required column."""
        return tables.read_rows(data, filename, cls.required_columns())

    def known(self) -> dict:
        """The `known` of every row's form (reference data read once)."""
        return {}

    def key(self, cleaned: dict) -> Hashable | None:
        """What may appear once in a file (None: no constraint for this row)."""
        return cleaned.get(self.key_column) or None

    def prepare(self, rows: list[dict]) -> None:  # noqa: B027 (an optional hook)
        """Before the saves, once every row is good (`rows`: their cleaned data)."""

    @abc.abstractmethod
    def save(self, cleaned: dict) -> None:
        """Create or update what the row describes and record it in `self.result`; may raise
        ValidationError to refuse the row (the whole import is then rolled back)."""

    def finish(self) -> None:  # noqa: B027 (an optional hook)
        """After the saves, when every row was saved."""

    def run(self, rows: list[Row], *, dry_run: bool = False) -> ImportResult:
        """Check every row, then (only if all are good) save them all; with `dry_run`, or
        when a save refuses its row, roll everything back."""
        with transaction.atomic():
            checked = self._check(rows)
            if not self.result.errors:
                self.prepare([cleaned for _line, cleaned in checked])
                for line, cleaned in checked:
                    try:
                        self.save(cleaned)
                    except ValidationError as error:
                        self._bad_row(line, row_messages(error))
                if not self.result.errors:
                    self.finish()
            if dry_run or self.result.errors:
                transaction.set_rollback(True)
        return self.result

    def _check(self, rows: list[Row]) -> list[tuple[int, dict]]:
        fields = self.form_class.shared_fields(self.known())
        checked, seen = [], {}
        for line, row in rows:
            form = self.form_class(row, fields=fields)
            errors = {}
            if not form.is_valid():
                errors = row_messages(ValidationError(form.errors.as_data()))
            key = self.key(form.cleaned_data)
            if key is not None and key in seen:
                message = self.duplicate_message % {
                    "value": shown(row.get(self.key_column, "")),
                    "line": seen[key],
                }
                errors.setdefault(self.key_column, []).append(message)
            elif key is not None:
                seen[key] = line
            if errors:
                self._bad_row(line, errors)
            else:
                checked.append((line, form.cleaned_data))
        return checked

    def _bad_row(self, line: int, errors: dict[str, list[str]]) -> None:
        """Record a bad row, its messages in the order of the columns (the row's own first)."""
        order = ["", *self.form_class.base_fields]
        ordered = {column: errors[column] for column in order if column in errors}
        self.result.errors.append(RowError(line, ordered))


class ImportCommand(BaseCommand):
    """`approdo import-… FILE [--dry-run]`: read the file, run the import, print what it did,
    or fail listing every bad row. A subclass builds its import and names what it counts."""

    noun = "row(s)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def importer(self, options) -> RowImport:
        """The import to run, built from the command's options (each command gives its own)."""
        raise CommandError(f"{type(self).__module__} names no import.")

    def counted(self, result: ImportResult, options) -> str:
        """What the summary counts, e.g. "practice(s)"."""
        return self.noun

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        importer = self.importer(options)
        try:
            rows = importer.read(tables.read_path(path), path.name)
        except tables.ImportFileError as error:
            raise CommandError(f"{path}: {error}") from None
        result = importer.run(rows, dry_run=options["dry_run"])
        if result.errors:
            lines = "\n".join(str(error) for error in result.errors)
            raise CommandError(f"{len(result.errors)} bad row(s), nothing imported:\n{lines}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        prefix = "Dry run, nothing written: would import" if options["dry_run"] else "Imported"
        summary = (
            f"{prefix} {len(result.created)} new, {len(result.updated)} updated and "
            f"{len(result.unchanged)} unchanged {self.counted(result, options)}"
        )
        if result.organizations_created:
            summary += f"; {len(result.organizations_created)} organisation(s) created"
        self.stdout.write(summary + ".")
