"""Public territory endpoints: the zone distretto with their figures, and one comune."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.core.decorators import public
from approdo.territory.models import POPULATION_YEAR, Comune, Zona


class AreaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ZoneSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    asl = AreaSerializer()
    sds = serializers.CharField(allow_null=True, help_text="Società della Salute, if any.")
    comuni_count = serializers.IntegerField()
    population = serializers.IntegerField(help_text="Residents at 1 January of population_year.")
    population_year = serializers.IntegerField()


class ZoneListSerializer(serializers.Serializer):
    items = ZoneSerializer(many=True)


class ProvinceSerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    sigla = serializers.CharField()
    name = serializers.CharField()
    prefettura = serializers.CharField()
    prefettura_seat = serializers.CharField()


class PopulationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Residents at 1 January (ISTAT).")


class ComuneSerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    name = serializers.CharField()
    province = ProvinceSerializer()
    zona = AreaSerializer(allow_null=True, help_text="The zona distretto in force today.")
    asl = AreaSerializer(allow_null=True)
    sds = serializers.CharField(allow_null=True, help_text="Società della Salute, if any.")
    unioni = AreaSerializer(many=True, help_text="Unioni dei Comuni the comune belongs to.")
    population = PopulationSerializer(many=True)


def zone_item(zona: Zona) -> dict:
    sds = zona.sds
    return {
        "slug": zona.slug,
        "name": zona.name,
        "asl": {"slug": zona.asl.slug, "name": zona.asl.name},
        "sds": sds.name if sds else None,
        "comuni_count": zona.comuni_count,
        "population": zona.population,
        "population_year": POPULATION_YEAR,
    }


def comune_item(comune: Comune) -> dict:
    link = comune.zona_link_on()
    zona = link.zona if link else None
    sds = zona.sds if zona else None
    return {
        "istat_code": comune.istat_code,
        "name": comune.name,
        "province": comune.province,
        "zona": {"slug": zona.slug, "name": zona.name} if zona else None,
        "asl": {"slug": zona.asl.slug, "name": zona.asl.name} if zona else None,
        "sds": sds.name if sds else None,
        "unioni": comune.unioni.all(),
        "population": comune.populations.all(),
    }


@public
@extend_schema(
    summary="Zone distretto",
    operation_id="territory_zones_list",
    description="All zone distretto with their ASL, Società della Salute, number of comuni "
    "and resident population (public).",
    responses={200: ZoneListSerializer},
    tags=["territory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def zone_list(request):
    zone = (
        Zona.objects.with_figures()
        .select_related("asl")
        .defer("asl__geometry")
        .prefetch_related("societa_della_salute")
    )
    return Response(ZoneListSerializer({"items": [zone_item(zona) for zona in zone]}).data)


@public
@extend_schema(
    summary="Comune",
    operation_id="territory_comune_retrieve",
    description="A comune by ISTAT code with its province and Prefettura, zona distretto, ASL, "
    "Società della Salute, Unioni dei Comuni and population by year (public).",
    parameters=[
        OpenApiParameter(
            "istat_code", str, OpenApiParameter.PATH, description="ISTAT code, 6 digits."
        )
    ],
    responses={
        200: ComuneSerializer,
        404: OpenApiResponse(description="No comune has this ISTAT code."),
    },
    tags=["territory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def comune_detail(request, istat_code: str):
    comune = get_object_or_404(Comune.objects.with_details(), istat_code=istat_code)
    return Response(ComuneSerializer(comune_item(comune)).data)
