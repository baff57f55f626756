"""Small-cell suppression: the one rule every public figure goes through (DESIGN 5).

A count from 1 to threshold - 1 is published as "n.d." (None in data). Zero stays visible: it
describes nobody. The threshold is `APPRODO_SUPPRESSION_THRESHOLD` (default 5), and
`APPRODO_SUPPRESSION_THRESHOLD_SENSITIVE` (default 10) for breakdowns by legal status,
nationality, gender or age at comune or zona level.

Secondary suppression: when the cells of a breakdown add up to a published total (a
partition, such as public and third-sector leads adding up to the funded projects), one
hidden cell could be rebuilt as the total minus the others. So more cells are hidden, the
smallest first, until the hidden cells are at least two, add up to at least the threshold and
are not all ones (zeros being visible, hidden ones would then be known). When that cannot be
reached, the total is hidden too.

Breakdowns whose cells overlap (a project with several actions counts in each) cannot be
rebuilt from a total: they get the primary rule only (`total=None`).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

NOT_AVAILABLE = "n.d."


def threshold(*, sensitive: bool = False) -> int:
    """The smallest count that may be published."""
    if sensitive:
        return settings.APPRODO_SUPPRESSION_THRESHOLD_SENSITIVE
    return settings.APPRODO_SUPPRESSION_THRESHOLD


def is_small(value: int | None, limit: int) -> bool:
    return value is not None and 0 < value < limit


@dataclass(frozen=True)
class Suppressed:
    cells: list[int | None]
    total: int | None


def suppress(
    cells: Sequence[int],
    *,
    total: int | None = None,
    sensitive: bool = False,
    limit: int | None = None,
) -> Suppressed:
    """The publishable version of one breakdown.

    `cells` are counts; `total`, when given, is the published total the cells add up to
    (a partition), which triggers secondary suppression. `limit` overrides the threshold
    (tests, callers with their own rule).
    """
    limit = threshold(sensitive=sensitive) if limit is None else limit
    if total is not None and sum(cells) != total:
        raise ValueError("the cells of a partition must add up to its total")
    shown: list[int | None] = [None if is_small(value, limit) else value for value in cells]
    if total is None:
        return Suppressed(shown, None)
    if is_small(total, limit):
        return Suppressed([None if value else 0 for value in cells], None)
    protected = protect(cells, shown, limit=limit)
    if protected is None:
        return Suppressed([None if value else 0 for value in cells], None)
    return Suppressed(protected, total)


def protect(cells: Sequence[int], shown: Sequence[int | None], *, limit: int) -> list | None:
    """Secondary suppression for cells whose total is published: `shown` (the cells with
    some already hidden as None) with the fewest more cells hidden, the smallest visible ones
    first (ties: first in order), so that no hidden cell can be told from the total; None when
    no choice of cells protects them (the caller then hides the total)."""
    shown = list(shown)
    hidden = [i for i, value in enumerate(shown) if value is None and cells[i]]
    if not hidden:
        return shown
    candidates = sorted((i for i, value in enumerate(shown) if value), key=lambda i: (cells[i], i))
    while not _protected([cells[i] for i in hidden], limit):
        if not candidates:
            return None
        index = candidates.pop(0)
        shown[index] = None
        hidden.append(index)
    return shown


def _protected(hidden_values: list[int], limit: int) -> bool:
    """Whether the hidden cells of a partition cannot be told apart from their sum."""
    hidden_sum = sum(hidden_values)
    return len(hidden_values) >= 2 and hidden_sum >= limit and hidden_sum != len(hidden_values)
