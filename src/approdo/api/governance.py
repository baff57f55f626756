"""Public governance endpoint: coverage of the SAI network by comune, zona, ASL or province."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.api import params
from approdo.core.decorators import public
from approdo.governance.coverage import LEVELS, coverage

QUERY = [
    params.choice("level", list(LEVELS), "Areas to count by.", required=True),
    params.integer("year", 1990, 2100, "Projects in force in that year (default: today)."),
]


class PlacesByTypeSerializer(serializers.Serializer):
    ordinari = serializers.IntegerField()
    dm_ds = serializers.IntegerField(help_text="Mental distress or disability.")
    msna = serializers.IntegerField(help_text="Unaccompanied minors.")


class CoverageItemSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="ISTAT code (comune), slug (zona, ASL) or sigla (province)."
    )
    name = serializers.CharField()
    projects = serializers.IntegerField(help_text="SAI projects hosting places in the area.")
    holders = serializers.IntegerField(help_text="Distinct holders (enti titolari).")
    places = serializers.IntegerField()
    places_by_type = PlacesByTypeSerializer()
    comuni_hosting = serializers.IntegerField(help_text="Comuni hosting places.")
    comuni_total = serializers.IntegerField()
    population = serializers.IntegerField(allow_null=True)
    population_years = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Years of the population used: the year asked, or the nearest earlier one.",
    )
    places_per_1000 = serializers.FloatField(
        allow_null=True, help_text="Places per 1,000 residents; null when not available."
    )
    not_available = serializers.CharField(
        allow_null=True, help_text="Why places_per_1000 is not available."
    )


class CoverageSerializer(serializers.Serializer):
    level = serializers.CharField()
    year = serializers.IntegerField()
    region = CoverageItemSerializer(many=True, help_text="The reference figure of each region.")
    items = CoverageItemSerializer(many=True)


@public
@extend_schema(
    summary="SAI coverage",
    operation_id="governance_coverage",
    description="Coverage of the SAI network by comune, zona distretto, ASL or province: "
    "projects, places by type, places per 1,000 residents, comuni hosting places and holders. "
    "A project's places are split among its hosting comuni (a comune's own figure when "
    "given, otherwise evenly). Public.",
    parameters=params.parameters(QUERY),
    responses={
        200: CoverageSerializer,
        422: OpenApiResponse(description="Unknown level or bad year (problem+json)."),
    },
    tags=["governance"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def coverage_view(request):
    params.check(request.query_params, QUERY)
    year = request.query_params.get("year")
    result = coverage(request.query_params["level"], year=int(year) if year else None)
    body = {
        "level": result.level,
        "year": result.year,
        "region": [row.as_dict() for row in result.regions.values()],
        "items": [row.as_dict() for row in result.rows],
    }
    # The rows are already plain JSON values: serialising ~8,000 of them through DRF fields
    # would cost more than computing them. CoverageSerializer documents the shape.
    return Response(body)


urlpatterns = [path("governance/coverage", coverage_view, name="governance-coverage")]
