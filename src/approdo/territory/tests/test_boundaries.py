import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from approdo.territory.boundaries import BoundariesError, load_boundaries
from approdo.territory.models import ASL, Comune, Province, Region, Zona

pytestmark = pytest.mark.django_db

# The reference data folder that sits beside the checkout, when there is one.
REAL_FILE = Path(__file__).resolve().parents[4].parent / "shared/data/toscana_comuni.geojson"
PRATESE = ["100001", "100002", "100003", "100004", "100005", "100006", "100007"]


def square(x: float, y: float, size: float = 0.1) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def pratese_collection() -> dict:
    """The seven comuni of the Pratese zona as a row of adjacent squares, 11.0-11.7 E."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature(
                {"istat_code": code, "codice_catastale": "Z00" + code[-1]},
                square(11 + i / 10, 43.8),
            )
            for i, code in enumerate(PRATESE)
        ],
    }


def write(tmp_path, collection: dict) -> str:
    path = tmp_path / "comuni.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return str(path)


def test_boundaries_are_stored_and_dissolved_into_larger_areas(tmp_path):
    result = load_boundaries(write(tmp_path, pratese_collection()))

    assert result.counts() == {"comuni": 7, "zone": 1, "asl": 1, "provinces": 1, "regions": 1}
    assert len(result.comuni_without_boundary) == 273 - 7
    prato = Comune.objects.get(pk="100005")
    assert prato.geometry["type"] == "Polygon"
    assert prato.geometry["coordinates"][0][0] == [11.4, 43.8]
    assert prato.cadastral_code == "Z005"
    for area in (
        Zona.objects.get(slug="pratese"),
        ASL.objects.get(slug="centro"),
        Province.objects.get(sigla="PO"),
        Region.objects.get(code="09"),
    ):
        assert area.geometry["type"] == "Polygon", area
        xs = [x for x, _ in area.geometry["coordinates"][0]]
        ys = [y for _, y in area.geometry["coordinates"][0]]
        assert (min(xs), max(xs), min(ys), max(ys)) == (11.0, 11.7, 43.8, 43.9)
    assert Zona.objects.get(slug="senese").geometry is None


def test_coordinates_are_rounded_to_five_decimals(tmp_path):
    collection = {
        "type": "FeatureCollection",
        "features": [feature({"istat_code": "100005"}, square(11.123456789, 43.987654321))],
    }

    load_boundaries(write(tmp_path, collection))

    ring = Comune.objects.get(pk="100005").geometry["coordinates"][0]
    assert ring[0] == [11.12346, 43.98765]


def test_numeric_istat_codes_are_zero_padded(tmp_path):
    collection = {
        "type": "FeatureCollection",
        "features": [feature({"istat_code": 45001}, square(10, 44))],
    }

    assert load_boundaries(write(tmp_path, collection)).comuni == 1
    assert Comune.objects.get(pk="045001").geometry is not None


def test_missing_and_unknown_codes_are_all_reported_and_nothing_changes(tmp_path):
    collection = pratese_collection()
    collection["features"].insert(2, feature({"comune": "Senza codice"}, square(12, 43)))
    collection["features"].append(feature({"istat_code": "999999"}, square(13, 43)))
    collection["features"].append(feature({"istat_code": "100005"}, square(14, 43)))
    collection["features"].append(
        feature({"istat_code": "045001"}, {"type": "Point", "coordinates": [1, 2]})
    )

    with pytest.raises(BoundariesError) as caught:
        load_boundaries(write(tmp_path, collection))

    problems = [(p.index, p.istat_code, p.reason) for p in caught.value.problems]
    assert problems == [
        (3, "", "no istat_code property"),
        (9, "999999", "istat_code matches no comune"),
        (10, "100005", "istat_code repeated"),
        (11, "045001", "no Polygon or MultiPolygon geometry"),
    ]
    assert not Comune.objects.filter(geometry__isnull=False).exists()
    assert not Zona.objects.filter(geometry__isnull=False).exists()
    assert not Region.objects.filter(geometry__isnull=False).exists()


def test_a_document_that_is_not_a_feature_collection_is_refused(tmp_path):
    with pytest.raises(BoundariesError, match="not a GeoJSON FeatureCollection"):
        load_boundaries(write(tmp_path, {"type": "Feature"}))
    with pytest.raises(BoundariesError, match="cannot read"):
        load_boundaries(str(tmp_path / "missing.geojson"))


def test_command_prints_counts(tmp_path):
    out = StringIO()

    call_command("load_boundaries", write(tmp_path, pratese_collection()), stdout=out)

    assert "comuni: 7" in out.getvalue()
    assert "zone: 1" in out.getvalue()


def test_command_lists_every_bad_feature(tmp_path):
    collection = pratese_collection()
    collection["features"][0]["properties"] = {}
    collection["features"][1]["properties"]["istat_code"] = "000000"

    with pytest.raises(CommandError) as caught:
        call_command("load_boundaries", write(tmp_path, collection), stdout=StringIO())

    message = str(caught.value)
    assert "2 problem(s)" in message
    assert "feature 1: no istat_code property" in message
    assert "feature 2 (000000): istat_code matches no comune" in message
    assert not Comune.objects.filter(geometry__isnull=False).exists()


@pytest.mark.skipif(not REAL_FILE.exists(), reason="the reference comuni GeoJSON is not available")
def test_the_reference_file_loads_every_area():
    result = load_boundaries(str(REAL_FILE))

    assert result.counts() == {"comuni": 273, "zone": 28, "asl": 3, "provinces": 10, "regions": 1}
    assert result.comuni_without_boundary == []
    assert not Zona.objects.filter(geometry__isnull=True).exists()
    elba = Zona.objects.get(slug="elba").geometry
    assert elba["type"] in {"Polygon", "MultiPolygon"}
