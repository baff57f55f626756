"""Public pages of the territory: Regione -> ASL -> zona distretto -> Comune, and provinces.

Each page has its figures, a table of its members (the accessible alternative to the map) and,
when boundaries are loaded, a map fed by the matching GeoJSON endpoint.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from approdo.core.decorators import public
from approdo.territory.models import (
    ASL,
    POPULATION_YEAR,
    Comune,
    Province,
    Region,
    Zona,
    has_boundary,
)

GEOJSON_CACHE_SECONDS = 3600


def get_region() -> Region:
    """The installation's region (the first by ISTAT code), with its figures."""
    region = Region.objects.with_figures().order_by("code").first()
    if region is None:
        raise Http404("No territory loaded.")
    return region


def region_crumb(region_name: str) -> tuple[str, str]:
    return (region_name, reverse("territory:region"))


@public
@require_safe
def region_detail(request):
    region = get_region()
    asls = list(ASL.objects.with_figures().filter(region=region))
    context = {
        "region": region,
        "asls": asls,
        "provinces": Province.objects.with_figures().filter(region=region),
        "has_map": any(asl.has_boundary for asl in asls),
        "population_year": POPULATION_YEAR,
        "breadcrumbs": [(region.name, None)],
    }
    return render(request, "territory/region_detail.html", context)


@public
@require_safe
def asl_detail(request, slug):
    queryset = ASL.objects.with_figures().select_related("region").defer("region__geometry")
    asl = get_object_or_404(queryset, slug=slug)
    zone = list(
        Zona.objects.with_figures().filter(asl=asl).prefetch_related("societa_della_salute")
    )
    context = {
        "asl": asl,
        "zone": zone,
        "has_map": any(zona.has_boundary for zona in zone),
        "population_year": POPULATION_YEAR,
        "breadcrumbs": [region_crumb(asl.region.name), (asl.name, None)],
    }
    return render(request, "territory/asl_detail.html", context)


@public
@require_safe
def zona_detail(request, slug):
    queryset = (
        Zona.objects.with_figures()
        .select_related("asl__region")
        .defer("asl__geometry", "asl__region__geometry")
        .prefetch_related("societa_della_salute")
    )
    zona = get_object_or_404(queryset, slug=slug)
    comuni = list(
        Comune.objects.in_zona(zona)
        .with_population()
        .annotate(has_boundary=has_boundary())
        .select_related("province")
        .defer("geometry", "province__geometry")
    )
    context = {
        "zona": zona,
        "comuni": comuni,
        "provinces": Province.objects.touching_zona(zona).defer("geometry"),
        "has_map": any(comune.has_boundary for comune in comuni),
        "population_year": POPULATION_YEAR,
        "breadcrumbs": [
            region_crumb(zona.asl.region.name),
            (zona.asl.name, reverse("territory:asl-detail", args=[zona.asl.slug])),
            (zona.name, None),
        ],
    }
    return render(request, "territory/zona_detail.html", context)


@public
@require_safe
def comune_detail(request, istat_code):
    comune = get_object_or_404(Comune.objects.with_details(), istat_code=istat_code)
    link = comune.zona_link_on()
    breadcrumbs = [region_crumb(comune.province.region.name)]
    if link:
        breadcrumbs += [
            (link.zona.asl.name, reverse("territory:asl-detail", args=[link.zona.asl.slug])),
            (link.zona.name, reverse("territory:zona-detail", args=[link.zona.slug])),
        ]
    context = {
        "comune": comune,
        "zona": link.zona if link else None,
        "sds": link.zona.sds if link else None,
        "unioni": list(comune.unioni.all()),
        "populations": list(comune.populations.all()),
        "zona_links": list(reversed(comune.zona_links.all())),
        "breadcrumbs": [*breadcrumbs, (comune.name, None)],
    }
    return render(request, "territory/comune_detail.html", context)


@public
@require_safe
def province_detail(request, sigla):
    queryset = Province.objects.with_figures().select_related("region").defer("region__geometry")
    province = get_object_or_404(queryset, sigla=sigla.upper())
    comuni = list(
        province.comuni.with_population()
        .with_current_zona()
        .annotate(has_boundary=has_boundary())
        .defer("geometry")
    )
    context = {
        "province": province,
        "comuni": comuni,
        "has_map": any(comune.has_boundary for comune in comuni),
        "population_year": POPULATION_YEAR,
        "breadcrumbs": [region_crumb(province.region.name), (province.name, None)],
    }
    return render(request, "territory/province_detail.html", context)


def feature_collection(rows, url_name: str, key: str) -> JsonResponse:
    """GeoJSON FeatureCollection of `rows` (dicts with name, geometry, population and `key`)."""
    features = [
        {
            "type": "Feature",
            "geometry": row["geometry"],
            "properties": {
                "name": row["name"],
                "url": reverse(url_name, args=[row[key].lower()]),
                "population": row.get("population"),
            },
        }
        for row in rows
        if row["geometry"]
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


@public
@require_safe
@cache_control(public=True, max_age=GEOJSON_CACHE_SECONDS)
def region_geojson(request):
    asls = ASL.objects.with_figures().filter(region=get_region(), geometry__isnull=False)
    rows = asls.values("slug", "name", "population", "geometry")
    return feature_collection(rows, "territory:asl-detail", "slug")


@public
@require_safe
@cache_control(public=True, max_age=GEOJSON_CACHE_SECONDS)
def asl_geojson(request, slug):
    asl = get_object_or_404(ASL.objects.defer("geometry"), slug=slug)
    zone = Zona.objects.with_figures().filter(asl=asl, geometry__isnull=False)
    rows = zone.values("slug", "name", "population", "geometry")
    return feature_collection(rows, "territory:zona-detail", "slug")


@public
@require_safe
@cache_control(public=True, max_age=GEOJSON_CACHE_SECONDS)
def zona_geojson(request, slug):
    zona = get_object_or_404(Zona.objects.defer("geometry"), slug=slug)
    comuni = Comune.objects.in_zona(zona).with_population().filter(geometry__isnull=False)
    rows = comuni.values("istat_code", "name", "population", "geometry")
    return feature_collection(rows, "territory:comune-detail", "istat_code")


@public
@require_safe
@cache_control(public=True, max_age=GEOJSON_CACHE_SECONDS)
def province_geojson(request, sigla):
    province = get_object_or_404(Province.objects.defer("geometry"), sigla=sigla.upper())
    comuni = province.comuni.with_population().filter(geometry__isnull=False)
    rows = comuni.values("istat_code", "name", "population", "geometry")
    return feature_collection(rows, "territory:comune-detail", "istat_code")


@public
@require_safe
@cache_control(public=True, max_age=GEOJSON_CACHE_SECONDS)
def comune_geojson(request, istat_code):
    comuni = Comune.objects.with_population().filter(istat_code=istat_code)
    rows = list(comuni.values("istat_code", "name", "population", "geometry"))
    if not rows:
        raise Http404
    return feature_collection(rows, "territory:comune-detail", "istat_code")
