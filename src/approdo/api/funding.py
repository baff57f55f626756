"""Call statistics through the API (DESIGN 4.3): public when the call publishes them, otherwise
for staff only. Non-staff callers always get the suppressed figures (DESIGN 5)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.api import params
from approdo.core.decorators import public
from approdo.funding import permissions
from approdo.funding.models import Call
from approdo.funding.statistics import call_statistics, shows_exact_figures

COUNT = {"allow_null": True, "help_text": "null where suppressed (fewer than the threshold)."}


def _percent(**extra):
    return serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="Share of the denominator in percent, one decimal, rounded half up; "
        "null where a count is suppressed.",
        **extra,
    )


def _amount():
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)


class StatisticsFigureSerializer(serializers.Serializer):
    projects = serializers.IntegerField(**COUNT)
    percent = _percent()
    denominator = serializers.IntegerField(
        allow_null=True, help_text="Funded projects the percentage is a share of."
    )


class StatisticsItemSerializer(StatisticsFigureSerializer):
    code = serializers.CharField()
    label = serializers.CharField()


class StatisticsTargetChildSerializer(StatisticsItemSerializer):
    children = serializers.ListField(child=serializers.DictField(), help_text="Always empty.")


class StatisticsTargetSerializer(StatisticsItemSerializer):
    children = StatisticsTargetChildSerializer(
        many=True, help_text="A group counts a project once if it has any of its children."
    )


class StatisticsZoneSerializer(StatisticsItemSerializer):
    name = serializers.CharField()
    asl = serializers.CharField()


class StatisticsAreaSerializer(StatisticsItemSerializer):
    name = serializers.CharField()


class StatisticsCrossRowSerializer(StatisticsItemSerializer):
    public = StatisticsFigureSerializer(help_text="Percent of the projects led by public bodies.")
    third_sector = StatisticsFigureSerializer(
        help_text="Percent of the projects led by the third sector."
    )


class StatisticsSectorsSerializer(serializers.Serializer):
    public = serializers.IntegerField(**COUNT)
    third_sector = serializers.IntegerField(**COUNT)


class StatisticsAmountsSerializer(serializers.Serializer):
    requested = _amount()
    requested_funded = _amount()
    granted = _amount()


class StatisticsSuppressionSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    threshold = serializers.IntegerField()
    hidden = serializers.IntegerField(help_text="How many figures are suppressed.")


class StatisticsSerializer(serializers.Serializer):
    call = serializers.CharField(help_text="The call's code (slug).")
    title = serializers.CharField()
    applications = serializers.IntegerField(**COUNT)
    funded = serializers.IntegerField(**COUNT)
    funded_percent = _percent()
    lead_sector = StatisticsSectorsSerializer()
    lead_sectors = StatisticsItemSerializer(many=True)
    actions = StatisticsItemSerializer(many=True, help_text="Largest first.")
    targets = StatisticsTargetSerializer(many=True)
    zones = StatisticsZoneSerializer(many=True, help_text="Zone distretto with funded projects.")
    asl = StatisticsAreaSerializer(many=True)
    actions_by_lead_sector = StatisticsCrossRowSerializer(many=True)
    amounts = StatisticsAmountsSerializer()
    as_of = serializers.DateTimeField(
        allow_null=True, help_text="Latest change to the call's projects."
    )
    percent_of = serializers.CharField()
    rounding = serializers.CharField()
    suppression = StatisticsSuppressionSerializer()


QUERY = [params.choice("view", ["public"], "Staff: the figures the public sees.")]


def visible_call(request, slug: str) -> Call:
    """The call when the caller may read its statistics: 404 when the call is not visible to
    them, 401 or 403 when it is but its statistics are not public."""
    call = get_object_or_404(Call.objects.visible_to(request.user), slug=slug)
    if not permissions.can_see_call_statistics(request.user, call):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        raise PermissionDenied(gettext("The statistics of this call are not public."))
    return call


@public
@extend_schema(
    summary="Statistics of a call",
    operation_id="call_statistics_retrieve",
    description="Funded projects by lead sector, action, target group (groups rolled up), "
    "zona distretto and ASL, the cross-table of actions by lead sector and the amounts. "
    "Public when the call publishes its statistics, with small-cell suppression; otherwise "
    "for network staff only, who get the exact figures unless they ask for view=public.",
    parameters=[
        OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Call code."),
        *params.parameters(QUERY),
    ],
    responses={
        200: StatisticsSerializer,
        401: OpenApiResponse(description="Not public: sign in or send a token."),
        403: OpenApiResponse(description="Not public, and the caller is not network staff."),
        404: OpenApiResponse(description="No such call."),
    },
    tags=["funding"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def call_statistics_detail(request, slug: str):
    params.check(request.query_params, QUERY)
    call = visible_call(request, slug)
    exact = shows_exact_figures(request.user, request.GET.get("view"))
    return Response(StatisticsSerializer(call_statistics(call, public=not exact)).data)


urlpatterns = [
    path(
        "calls/<slug:slug>/statistics",
        call_statistics_detail,
        name="call-statistics",
    ),
]
