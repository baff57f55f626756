"""Choropleth classes of coverage, and the same map drawn server-side as SVG for reports.

Classes are fixed bands of places per 1,000 residents, so maps of different years and levels
compare. In the SVG every class has its own hatching as well as its colour (colour is never the
only encoding) and the legend repeats both.
"""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import shapely
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from approdo.governance.coverage import CoverageRow


@dataclass(frozen=True)
class MapClass:
    code: str
    label: str
    fill: str
    hatch: str  # SVG path of the pattern drawn over the fill, in a 8x8 tile ("" = none)

    @property
    def mark(self) -> str:
        """The colour of the hatching (templates draw the same patterns as the SVG map)."""
        return hatch_colour(self)


NOT_AVAILABLE = MapClass("na", _("not available"), "#d9dadb", "M0,0 L8,8 M8,0 L0,8")
NONE = MapClass("c0", _("no places"), "#ffffff", "M3,3 h2 v2 h-2 Z")
BANDS = [  # (upper bound, class), upper bound included
    (0.25, MapClass("c1", _("up to 0.25"), "#c6dbef", "")),
    (0.5, MapClass("c2", _("more than 0.25, up to 0.5"), "#6baed6", "M0,8 L8,0")),
    (1.0, MapClass("c3", _("more than 0.5, up to 1"), "#2171b5", "M0,8 L8,0 M0,0 L8,8")),
    (None, MapClass("c4", _("more than 1"), "#08306b", "M0,2 H8 M0,6 H8")),
]
CLASSES = [NONE, *(band for _bound, band in BANDS), NOT_AVAILABLE]


def class_of(row: CoverageRow) -> MapClass:
    if row.per_1000 is None:
        return NOT_AVAILABLE
    if not row.places:
        return NONE
    for bound, band in BANDS:
        if bound is None or row.per_1000 <= bound:
            return band
    raise AssertionError("unreachable")


def project(geometries: dict[str, dict], width: float = 800) -> tuple[dict[str, str], float]:
    """SVG path data per key, from GeoJSON geometries in WGS84, and the drawing's height.

    An equirectangular projection scaled by the cosine of the mean latitude is plenty at the
    scale of a region; shapes are simplified to about a pixel."""
    shapes = {key: shape(geometry) for key, geometry in geometries.items() if geometry}
    if not shapes:
        return {}, 0
    minx, miny, maxx, maxy = shapely.GeometryCollection(list(shapes.values())).bounds
    factor = math.cos(math.radians((miny + maxy) / 2))
    scale = width / max((maxx - minx) * factor, 1e-9)
    height = (maxy - miny) * scale
    paths = {}
    for key, geometry in shapes.items():
        simple = geometry.simplify(1 / scale, preserve_topology=True)
        parts = []
        for polygon in getattr(simple, "geoms", [simple]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [
                    f"{(x - minx) * factor * scale:.1f},{(maxy - y) * scale:.1f}"
                    for x, y in ring.coords
                ]
                parts.append("M" + " L".join(points) + " Z")
        paths[key] = " ".join(parts)
    return paths, height


def coverage_svg(rows: list[CoverageRow], geometries: dict[str, dict], title: str) -> str:
    """A standalone SVG choropleth of `rows` (keys matching `geometries`) with its legend."""
    width = 800
    paths, height = project(geometries, width)
    legend_top = height + 20
    total_height = legend_top + 24 * len(CLASSES) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height:.0f}" '
        f'width="{width}" height="{total_height:.0f}" role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(title)}</title>',
        "<defs>",
    ]
    for item in CLASSES:
        out.append(
            f'<pattern id="fill-{item.code}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{item.fill}"/>'
            + (
                f'<path d="{item.hatch}" stroke="{hatch_colour(item)}" stroke-width="1"'
                f' fill="{hatch_colour(item)}"/>'
                if item.hatch
                else ""
            )
            + "</pattern>"
        )
    out.append("</defs>")
    out.append('<g stroke="#3d4d5c" stroke-width="0.4" fill-rule="evenodd">')
    for row in rows:
        if row.key not in paths:
            continue
        label = f"{row.name}: {value_text(row)}"
        out.append(
            f'<path d="{paths[row.key]}" fill="url(#fill-{class_of(row).code})">'
            f"<title>{escape(label)}</title></path>"
        )
    out.append("</g>")
    out.append(
        f'<text x="0" y="{legend_top - 4:.0f}" font-family="sans-serif" font-size="13" '
        f'font-weight="bold">{escape(gettext("Places per 1,000 residents"))}</text>'
    )
    for index, item in enumerate(CLASSES):
        y = legend_top + 6 + 24 * index
        out.append(
            f'<rect x="0" y="{y:.0f}" width="28" height="16" fill="url(#fill-{item.code})" '
            f'stroke="#3d4d5c" stroke-width="0.6"/>'
            f'<text x="36" y="{y + 13:.0f}" font-family="sans-serif" font-size="13">'
            f"{escape(str(item.label))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def hatch_colour(item: MapClass) -> str:
    """Dark marks on light fills, light marks on dark fills."""
    return "#ffffff" if item.code in {"c3", "c4"} else "#1c2024"


def value_text(row: CoverageRow) -> str:
    if row.per_1000 is None:
        return gettext("not available (%(reason)s)") % {"reason": row.not_available}
    return gettext("%(places)s places, %(rate)s per 1,000 residents") % {
        "places": number_format(row.places, 0, use_l10n=True, force_grouping=True),
        "rate": number_format(row.per_1000, 2, use_l10n=True),
    }
