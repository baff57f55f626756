"""The public catalogue of good practices as open data: published practices only, with the
same search and filters as the catalogue page."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.api.pagination import ItemsPagination
from approdo.core.decorators import public
from approdo.practices import facets
from approdo.practices.models import Practice


class PracticeAreaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PracticeComuneSerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    name = serializers.CharField()


class PracticeOrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    sector = serializers.CharField(help_text="public or third_sector.")


class PracticeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField(help_text="ongoing or ended.")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    lead_organization = PracticeOrganizationSerializer()
    partners = serializers.ListField(child=serializers.CharField())
    zone = PracticeAreaSerializer(many=True, help_text="Every zona distretto the practice covers.")
    comuni = PracticeComuneSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField(), help_text="DESIGN 4.1 codes.")
    targets = serializers.ListField(child=serializers.CharField(), help_text="DESIGN 4.1 codes.")
    funding_sources = serializers.ListField(child=serializers.CharField())
    results = serializers.CharField()
    confirmed_at = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The practice's public page.")


class PracticeListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    items = PracticeSerializer(many=True)


def practice_item(practice: Practice, request) -> dict:
    lead = practice.lead_organization
    return {
        "code": practice.code,
        "title": practice.title,
        "summary": practice.summary,
        "status": practice.status,
        "start_date": practice.start_date,
        "end_date": practice.end_date,
        "lead_organization": {"name": lead.name, "sector": lead.sector},
        "partners": [organization.name for organization in practice.partners.all()],
        "zone": [{"slug": z.slug, "name": z.name} for z in practice.zone.all()],
        "comuni": [{"istat_code": c.istat_code, "name": c.name} for c in practice.comuni.all()],
        "actions": [action.code for action in practice.actions.all()],
        "targets": [target.code for target in practice.targets.all()],
        "funding_sources": [str(source) for source in practice.funding_sources or []],
        "results": practice.results,
        "confirmed_at": practice.confirmed_at,
        "published_at": timezone.localtime(practice.published_at),
        "url": request.build_absolute_uri(
            reverse("practices:detail", kwargs={"code": practice.code})
        ),
    }


def _integer(data, name: str, default: int, low: int, high: int, errors: dict) -> int:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[name] = gettext("Expected a whole number from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
        return default
    return value


def parse(data) -> tuple[facets.Selection, int, int]:
    """The selection, limit and offset of a request; ValidationError (422) for bad values."""
    selection = facets.Selection.from_query(data)
    errors = {}
    for facet, values in selection.chosen.items():
        known = facets.known_values(facet)
        if facet == "year":
            unknown = [value for value in values if not (value.isdigit() and len(value) == 4)]
        else:
            unknown = [value for value in values if known is not None and value not in known]
        if unknown:
            errors[facet] = gettext("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
    if selection.sort and selection.sort not in ("relevance", "newest", "title"):
        errors["sort"] = gettext("Expected relevance, newest or title.")
    limit = _integer(
        data, "limit", ItemsPagination.default_limit, 1, ItemsPagination.max_limit, errors
    )
    offset = _integer(data, "offset", 0, 0, 10_000_000, errors)
    if errors:
        raise ValidationError(errors)
    return selection, limit, offset


def _filter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, description=description)


@public
@extend_schema(
    summary="Good practices",
    operation_id="practices_list",
    description="Published good practices (public), best match first when `q` is given, "
    "otherwise newest first. Filters take codes and may be repeated or comma-separated: "
    "values of one filter combine with OR, filters with AND.",
    parameters=[
        _filter("q", "Words to search (Italian stemming, accents ignored; every word must match)."),
        _filter("zone", "Zona distretto slug."),
        _filter("asl", "ASL slug."),
        _filter("province", "Province abbreviation (po, fi, ...)."),
        _filter("action", "Action code (DESIGN 4.1)."),
        _filter("target", "Target group code; a group also matches its children."),
        _filter("sector", "Sector of the lead organisation: public or third_sector."),
        _filter("status", "ongoing or ended."),
        _filter("year", "A year the practice was running."),
        _filter("funding", "Funding source, as written in the practices."),
        _filter("sort", "relevance, newest or title."),
        OpenApiParameter("limit", int, OpenApiParameter.QUERY, description="1-500, default 50."),
        OpenApiParameter("offset", int, OpenApiParameter.QUERY, description="Default 0."),
    ],
    responses={200: PracticeListSerializer},
    tags=["practices"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def practice_list(request):
    selection, limit, offset = parse(request.query_params)
    total = facets.filtered(selection).count()
    ids = facets.ordered_ids(selection, limit=limit, offset=offset) if offset < total else []
    rows = (
        Practice.objects.filter(pk__in=ids)
        .select_related("lead_organization")
        .prefetch_related("partners", "zone", "comuni", "actions", "targets")
    )
    by_id = {practice.pk: practice for practice in rows}
    items = [practice_item(by_id[pk], request) for pk in ids if pk in by_id]
    body = {"count": total, "limit": limit, "offset": offset, "items": items}
    return Response(PracticeListSerializer(body).data)


urlpatterns = [path("practices", practice_list, name="practices")]
