"""The dataset registry: what can be exported, by whom, and as which rows.

An app declares its datasets on its AppConfig, as a function giving them by name, and the
reports app registers every declared one at start-up (core/registry.py):

    class SurveysConfig(AppConfig):
        datasets = "approdo.surveys.exports.datasets"  # () -> {"survey_responses": ..., ...}

`register_dataset` adds one directly (tests do).

A dataset checks its parameters (`clean_params`), says who may export it (`can_export`) and
gives one or more sheets: a title, the headers, an iterator of rows and, when the database
can tell, how many rows there must be (`expected`). The writers compare the rows written
with `expected` and fail loudly on a mismatch.
"""

import abc
import dataclasses
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from approdo.core import registry


class DatasetError(ValueError):
    """The dataset or its parameters cannot be exported (unknown name, bad parameters)."""


@dataclasses.dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[list[Any]]
    expected: int | None = None
    # The rows already hold cells as writers.cell() makes them (guarded text, int, float or
    # None): the CSV writer passes them on without looking at each one.
    ready: bool = False
    # Positions of columns holding numbers as text (survey answers are text): CSV writes
    # them as they are, XLSX and ODS as numbers where they read as one (writers.number).
    numeric: tuple[int, ...] = ()


class Dataset(abc.ABC):
    """Base class of a registered dataset; subclasses give the sheets and the permission."""

    title = ""

    def clean_params(self, params: dict) -> dict:
        """The parameters, checked and normalised; raise DatasetError when they are wrong."""
        return dict(params)

    def can_export(self, user, params: dict) -> bool:
        """Whether `user` may export this dataset with these (clean) parameters."""
        return False

    @abc.abstractmethod
    def sheets(self, params: dict) -> list[Sheet]:
        """The sheets to write; the first one is the CSV file."""

    def filename(self, params: dict) -> str:
        """The download's file name, without extension."""
        return "export"


_REGISTRY: dict[str, Dataset] = {}


def register_dataset(name: str, dataset: Dataset) -> None:
    """Make `dataset` exportable under `name` (idempotent for the same object)."""
    _REGISTRY[name] = dataset


def register_declared_datasets() -> None:
    """Register the datasets every app declares (ReportsConfig.ready() calls this)."""
    for name, dataset in registry.datasets().items():
        register_dataset(name, dataset)


def get_dataset(name: str) -> Dataset:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise DatasetError(gettext("Unknown dataset “%(name)s”.") % {"name": name}) from None
