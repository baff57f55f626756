"""Where the SAI network is thinnest: zone and comuni ranked by how many places they lack to
reach their region's figure of places per 1,000 residents, each with the reasons in words."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from approdo.governance.coverage import Coverage, CoverageRow, Network, aggregate

COMUNI_LISTED = 30


@dataclass
class Gap:
    row: CoverageRow
    shortfall: float | None  # places missing to reach the region's figure (None: unknown)
    reasons: list[str] = field(default_factory=list)


def decimal(value: float) -> str:
    return number_format(value, 2, use_l10n=True)


def whole(value: int) -> str:
    return number_format(value, 0, use_l10n=True, force_grouping=True)


def shortfall_of(row: CoverageRow, region: CoverageRow) -> float | None:
    if row.per_1000 is None or region.per_1000 is None:
        return None
    return region.per_1000 * row.population / 1000 - row.places


def rate_reason(row: CoverageRow, region: CoverageRow) -> str | None:
    if row.per_1000 is None:
        return gettext("places per 1,000 residents not available: %(reason)s") % {
            "reason": row.not_available
        }
    if region.per_1000 is not None and row.per_1000 < region.per_1000:
        return gettext(
            "%(rate)s places per 1,000 residents against %(region_rate)s in %(region)s"
        ) % {
            "rate": decimal(row.per_1000),
            "region_rate": decimal(region.per_1000),
            "region": region.name,
        }
    return None


def zona_gaps(network: Network, regions: dict[str, CoverageRow]) -> list[Gap]:
    """Every zona below its region's figure or with comuni without places, largest gap first."""
    uncovered = defaultdict(int)  # residents of comuni hosting no places, by zona id
    comuni = {row.key: row for row in aggregate(network, "comune")}
    for code, info in network.comuni.items():
        if info.zona is not None and not comuni[code].places and info.population:
            uncovered[network.zone[info.zona][0]] += info.population
    gaps = []
    for row in aggregate(network, "zona"):
        region = regions[row.region]
        reasons = []
        if not row.comuni_hosting:
            reasons.append(gettext("no comune of the zona hosts SAI places"))
        reason = rate_reason(row, region)
        if reason:
            reasons.append(reason)
        if row.comuni_hosting and uncovered[row.key]:
            reasons.append(
                gettext("%(residents)s residents in comuni of the zona without SAI places")
                % {"residents": whole(uncovered[row.key])}
            )
        if reasons:
            gaps.append(Gap(row, shortfall_of(row, region), reasons))
    return ranked(gaps)


def comune_gaps(network: Network, regions: dict[str, CoverageRow]) -> list[Gap]:
    """Comuni below their region's figure, largest gap first (the first COMUNI_LISTED)."""
    gaps = []
    for row in aggregate(network, "comune"):
        region = regions[row.region]
        reason = rate_reason(row, region)
        if reason is None:
            continue
        reasons = [reason]
        if not row.places and row.population:
            reasons = [
                ngettext(
                    "no SAI places for %(residents)s resident",
                    "no SAI places for %(residents)s residents",
                    row.population,
                )
                % {"residents": whole(row.population)},
                reason,
            ]
        gaps.append(Gap(row, shortfall_of(row, region), reasons))
    return ranked(gaps)[:COMUNI_LISTED]


def ranked(gaps: list[Gap]) -> list[Gap]:
    """Largest shortfall first; areas whose figure is unknown last, by name."""
    return sorted(
        gaps,
        key=lambda gap: (gap.shortfall is None, -(gap.shortfall or 0), gap.row.name),
    )


def gaps_of(network: Network, coverage: Coverage) -> dict[str, list[Gap]]:
    return {
        "zone": zona_gaps(network, coverage.regions),
        "comuni": comune_gaps(network, coverage.regions),
    }
