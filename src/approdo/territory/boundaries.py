"""Load comuni boundaries from a GeoJSON FeatureCollection and dissolve the larger areas.

Each feature carries an `istat_code` property. The file is checked as a whole first: if any
feature has no code, an unknown code, a repeated code or no usable polygon, every such feature
is reported and nothing is written. Zone, ASL, provinces and the region are the union of their
comuni, lightly simplified so that pages stay small.
"""

import json
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from approdo.territory.models import ASL, Comune, ComuneZona, Province, Region, Zona

COORDINATE_DECIMALS = 5  # about 1 m
SIMPLIFY_TOLERANCE = 0.0005  # degrees, about 50 m; topology preserved
FETCH_TIMEOUT = 60  # seconds


@dataclass(frozen=True)
class FeatureProblem:
    index: int  # position of the feature in the collection, from 1
    istat_code: str
    reason: str

    def __str__(self) -> str:
        code = f" ({self.istat_code})" if self.istat_code else ""
        return f"feature {self.index}{code}: {self.reason}"


class BoundariesError(Exception):
    """The GeoJSON cannot be loaded; `problems` lists every bad feature (or the file fault)."""

    def __init__(self, problems: list[FeatureProblem] | str):
        if isinstance(problems, str):
            problems = [FeatureProblem(index=0, istat_code="", reason=problems)]
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass
class BoundariesResult:
    comuni: int = 0
    zone: int = 0
    asl: int = 0
    provinces: int = 0
    regions: int = 0
    comuni_without_boundary: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "comuni": self.comuni,
            "zone": self.zone,
            "asl": self.asl,
            "provinces": self.provinces,
            "regions": self.regions,
        }


def read_source(source: str) -> dict:
    """Read a GeoJSON document from a local path or an http(s) URL."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BoundariesError(f"cannot read {source}: {error}") from error


def round_coordinates(value, decimals: int = COORDINATE_DECIMALS):
    """Round every number in nested GeoJSON coordinates, returning lists (not tuples)."""
    if isinstance(value, list | tuple):
        return [round_coordinates(item, decimals) for item in value]
    return round(float(value), decimals)


def to_geojson(geometry: shapely.Geometry) -> dict:
    data = mapping(geometry)
    return {"type": data["type"], "coordinates": round_coordinates(data["coordinates"])}


def dissolve(geometries: list[shapely.Geometry]) -> dict | None:
    """Union of the shapes, simplified (topology preserved) and rounded; None without shapes."""
    if not geometries:
        return None
    union = unary_union(geometries)
    simplified = union.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
    return to_geojson(simplified)


def check_features(collection: dict, known_codes: set[str]) -> tuple[dict, list[FeatureProblem]]:
    """Return {istat_code: (geometry, properties)} and the list of problems found."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundariesError("the document is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundariesError("the FeatureCollection has no features")
    found: dict[str, tuple[shapely.Geometry, dict]] = {}
    problems: list[FeatureProblem] = []
    for index, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        code = str(properties.get("istat_code") or "").strip()
        if code.isdigit() and len(code) < 6:
            code = code.zfill(6)
        reason = None
        if not code:
            reason = "no istat_code property"
        elif code not in known_codes:
            reason = "istat_code matches no comune"
        elif code in found:
            reason = "istat_code repeated"
        else:
            try:
                geometry = shape(feature.get("geometry"))
            except (AttributeError, TypeError, ValueError, KeyError, shapely.errors.GEOSException):
                geometry = None
            if geometry is None or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
                reason = "no Polygon or MultiPolygon geometry"
            elif geometry.is_empty:
                reason = "empty geometry"
            else:
                found[code] = (geometry, properties)
        if reason:
            problems.append(FeatureProblem(index=index, istat_code=code, reason=reason))
    return found, problems


@transaction.atomic
def load_boundaries(source: str) -> BoundariesResult:
    """Store comuni boundaries from `source` (path or URL); dissolve zone, ASL, provinces, region.

    Run by operators with ``approdo load-boundaries``. All or nothing: raises BoundariesError
    listing every bad feature, and then writes nothing.
    """
    collection = read_source(source)
    comuni = {comune.pk: comune for comune in Comune.objects.defer("geometry")}
    found, problems = check_features(collection, set(comuni))
    if problems:
        raise BoundariesError(problems)

    result = BoundariesResult()
    for code, (geometry, properties) in found.items():
        comune = comuni[code]
        comune.geometry = to_geojson(geometry)
        cadastral = str(properties.get("codice_catastale") or "").strip()
        if len(cadastral) == 4:
            comune.cadastral_code = cadastral
    Comune.objects.bulk_update([comuni[code] for code in found], ["geometry", "cadastral_code"])
    result.comuni = len(found)

    shapes = {
        code: shape(geometry)
        for code, geometry in Comune.objects.filter(geometry__isnull=False).values_list(
            "istat_code", "geometry"
        )
    }
    result.comuni_without_boundary = sorted(set(comuni) - set(shapes))
    result.zone = _dissolve_into(Zona, shapes, _members_by_zona())
    result.asl = _dissolve_into(ASL, shapes, _members_by_asl())
    result.provinces = _dissolve_into(Province, shapes, _members_by("province_id"))
    result.regions = _dissolve_into(Region, shapes, _members_by("province__region_id"))
    return result


def _members_by(path: str) -> dict:
    members = defaultdict(list)
    for code, key in Comune.objects.values_list("istat_code", path):
        members[key].append(code)
    return members


def _members_by_zona() -> dict:
    members = defaultdict(list)
    for code, zona_id in ComuneZona.objects.valid_on().values_list("comune_id", "zona_id"):
        members[zona_id].append(code)
    return members


def _members_by_asl() -> dict:
    members = defaultdict(list)
    for code, asl_id in ComuneZona.objects.valid_on().values_list("comune_id", "zona__asl_id"):
        members[asl_id].append(code)
    return members


def _dissolve_into(model, shapes: dict[str, shapely.Geometry], members: dict) -> int:
    """Set each area's geometry to the union of its members' shapes; return how many got one."""
    areas = []
    for area in model.objects.filter(pk__in=members).defer("geometry"):
        area.geometry = dissolve([shapes[code] for code in members[area.pk] if code in shapes])
        if area.geometry is not None:
            areas.append(area)
    model.objects.bulk_update(areas, ["geometry"])
    return len(areas)
