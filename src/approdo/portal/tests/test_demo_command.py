"""`approdo demo` runs the loaders the apps declare, in their order, then the boundaries."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from approdo.core import registry


def run_demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def test_demo_prints_what_each_loader_made_in_order(monkeypatch):
    ran = []

    def loader(name, summary):
        return lambda: ran.append(name) or summary

    loaders = [loader("territory", "Territory: 273"), loader("quiet", None), loader("last", "End")]
    monkeypatch.setattr(registry, "demo_loaders", lambda: loaders)
    output = run_demo(boundaries="")
    assert ran == ["territory", "quiet", "last"]
    assert output.splitlines() == [
        "Territory: 273",
        "End",
        "Boundaries: none given (maps are hidden; tables remain).",
    ]


def test_demo_reports_bad_boundaries(monkeypatch, tmp_path, db):
    monkeypatch.setattr(registry, "demo_loaders", lambda: [])
    bad = tmp_path / "comuni.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}))
    with pytest.raises(CommandError, match="No boundaries loaded"):
        run_demo(boundaries=str(bad))
