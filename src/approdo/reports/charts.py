"""Charts as Vega-Lite specs, rendered on the server to SVG (pages, PDF) and PNG (DOCX) by
vl-convert, so one chart serves every output.

Every bar carries its value as text (colour is never the only encoding) and the labels come
formatted from the caller, so "92,5%" and "n.d." read the same as in the tables. A hidden
(suppressed) value draws no bar, only its "n.d." label. Rendering costs about 30 ms per chart
once the converter is warm (0.5 s for the first chart of a process); the SVG of a spec is
cached in memory, since the same figures give the same chart.
"""

import hashlib
import json
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#0066cc"  # Bootstrap Italia primary: 4.5:1 on white
TEXT_COLOUR = "#1a1a1a"
FONT = "Titillium Web, Helvetica, Arial, sans-serif"
BAR_HEIGHT = 22
LABEL_LIMIT = 260  # pixels before a category label is cut with an ellipsis


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed, no bar
    text: str  # the value as the reader sees it ("92,5%", "n.d.")
    group: str = ""  # facet (small multiples), e.g. the lead sector


@dataclass(frozen=True)
class Chart:
    """A chart and the text that stands for it (its title, used as the accessible name)."""

    title: str
    spec: dict

    def svg(self) -> SafeString:
        svg = _accessible(_svg(json.dumps(self.spec, sort_keys=True)), self.title)
        return mark_safe(svg)  # noqa: S308 - vl-convert escapes every label (tested)

    def png(self) -> bytes:
        return _png(json.dumps(self.spec, sort_keys=True))


def bar_chart(
    bars: list[Bar], *, title: str, axis_title: str, domain_max: float | None = None
) -> Chart:
    """Horizontal bars, one per row, in the order given; with `group`s, one panel per group."""
    values = [
        {"label": bar.label, "value": bar.value, "text": bar.text, "group": bar.group}
        for bar in bars
    ]
    x_scale = {"domainMin": 0}
    if domain_max is not None:
        x_scale["domainMax"] = domain_max
    x = {
        "field": "value",
        "type": "quantitative",
        "title": axis_title,
        "scale": x_scale,
        "axis": {"format": "d", "tickMinStep": 1},
    }
    y = {
        "field": "label",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": LABEL_LIMIT},
    }
    layer = {
        "layer": [
            {"mark": {"type": "bar", "color": BAR_COLOUR}, "encoding": {"x": x, "y": y}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": TEXT_COLOUR},
                # Suppressed values have no bar: their "n.d." sits at zero.
                "transform": [{"calculate": "datum.value || 0", "as": "position"}],
                "encoding": {
                    "x": {"field": "position", "type": "quantitative"},
                    "y": y,
                    "text": {"field": "text", "type": "nominal"},
                },
            },
        ],
        "width": 240 if any(bar.group for bar in bars) else 320,
        "height": {"step": BAR_HEIGHT},
    }
    groups = list(dict.fromkeys(bar.group for bar in bars))
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": values},
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT_COLOUR},
            "text": {"fontSize": 12},
            "header": {"labelFontSize": 13, "labelColor": TEXT_COLOUR},
        },
        "background": "white",
    }
    if any(bar.group for bar in bars):
        spec["facet"] = {
            "column": {"field": "group", "type": "nominal", "sort": groups, "title": None}
        }
        spec["spec"] = layer
        spec["resolve"] = {"axis": {"y": "independent"}}
    else:
        spec.update(layer)
    return Chart(title=title, spec=spec)


CHART_SECONDS = 24 * 3600  # a rendering depends on its spec only: keep it a day


def _rendered(kind: str, spec_json: str, render):
    """A rendering of the spec from the shared cache, made once for every process."""
    key = f"chart:{kind}:{hashlib.sha256(spec_json.encode()).hexdigest()}"
    return cache.get_or_set(key, lambda: render(json.loads(spec_json)), CHART_SECONDS)


def _svg(spec_json: str) -> str:
    import vl_convert

    return _rendered("svg", spec_json, vl_convert.vegalite_to_svg)


def _png(spec_json: str) -> bytes:
    import vl_convert

    return _rendered("png", spec_json, lambda spec: vl_convert.vegalite_to_png(spec, scale=2))


_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def _accessible(svg: str, title: str) -> str:
    """One image with a name for assistive technology: Vega's own ARIA roles on every group
    are dropped (the data table beside the chart carries the figures)."""
    svg = _ARIA.sub("", svg)
    name = escape(title)
    svg = svg.replace('class="marks"', 'class="report-chart"', 1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)
    return svg.replace(">", f"><title>{name}</title>", 1)
