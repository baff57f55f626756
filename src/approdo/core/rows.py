"""Instances read and written with SQL written once, for what every API submission does.

The ORM compiles a query again each time it runs: about a millisecond of CPU for a lookup by
key with a join or for an insert, which together were half the cost of a survey submission.
`Columns` builds the select list of a model once from its metadata; `one()` runs a statement
made of such lists and turns the row into instances with `Model.from_db` and the fields'
converters, as the ORM does; `insert()` saves a new instance as `save()` would. Use them where
a benchmark shows the compile cost matters, with a test comparing them with the ORM.
"""

import functools
from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True)
class Columns:
    """The columns of `model` under `alias` (all concrete fields but `defer`)."""

    model: type[Model]
    alias: str
    defer: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> list:
        return [f for f in self.model._meta.concrete_fields if f.name not in self.defer]

    @cached_property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    @cached_property
    def _converters(self) -> list[tuple]:
        result = []
        for field in self.fields:
            column = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(column)
            result.append((column, converters + column.get_db_converters(connection)))
        return result

    def instance(self, values) -> Model:
        converted = []
        for (column, converters), value in zip(self._converters, values, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, [f.attname for f in self.fields], converted)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def one(sql: str, params: list, *parts: Columns) -> list[Model] | None:
    """The instances of the first row of `sql` (whose select list is `parts` in order), or
    None without a row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    result, start = [], 0
    for part in parts:
        size = len(part.fields)
        result.append(part.instance(row[start : start + size]))
        start += size
    return result


@functools.cache
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, list]:
    quote = connection.ops.quote_name
    fields = [
        f
        for f in model._meta.concrete_fields
        if f is not model._meta.auto_field and not f.generated and not f.has_db_default()
    ]
    if len(fields) + 1 != len(model._meta.concrete_fields):
        raise ValueError(
            f"{model.__name__}: only models with an automatic key and no database "
            "defaults or generated fields"
        )
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = quote(model._meta.pk.column)
    sql = f"INSERT INTO {table(model)} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608
    return sql, fields


def insert(obj: Model) -> Model:
    """Save the new `obj` (auto primary key) as `obj.save()` would, without compiling the
    insert every time; models with save signals listened to go through `save()`."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save(force_insert=True)
        return obj
    sql, fields = _insert_sql(model, connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj
