"""The public catalogue of good practices as open data: published practices only, with the
same search and filters as the catalogue page."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.api import params
from approdo.api.pagination import ItemsPagination
from approdo.core.decorators import public
from approdo.organizations.models import Organization
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


# What each related list of a practice holds: (relation, columns, order).
RELATED = {
    "partners": ("partners", ["organization__name"], ["organization__name"]),
    "zone": ("zone", ["zona__slug", "zona__name"], ["zona__name"]),
    "comuni": ("comuni", ["comune__istat_code", "comune__name"], ["comune__name"]),
    "actions": ("actions", ["action_id"], ["action__position", "action_id"]),
    "targets": ("targets", ["targetgroup_id"], ["targetgroup__position", "targetgroup_id"]),
}


def practice_items(ids: list[int], request) -> list[dict]:
    """The published practices of `ids` as the API gives them, in that order: one query for
    the practices and one per related list, as plain rows (no model instances)."""
    rows = (
        Practice.objects.published()
        .filter(pk__in=ids)
        .values(
            "pk",
            "code",
            "title",
            "summary",
            "status",
            "start_date",
            "end_date",
            "lead_organization__name",
            "lead_organization__kind",
            "funding_sources",
            "results",
            "confirmed_at",
            "published_at",
        )
    )
    by_id = {row["pk"]: row for row in rows}
    related: dict[str, dict[int, list]] = {name: {} for name in RELATED}
    for name, (relation, columns, order) in RELATED.items():
        through = getattr(Practice, relation).through.objects
        for pk, *values in (
            through.filter(practice_id__in=list(by_id))
            .order_by(*order)
            .values_list("practice_id", *columns)
        ):
            related[name].setdefault(pk, []).append(values)
    base = request.build_absolute_uri("/").rstrip("/")
    items = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:
            continue
        kind = row["lead_organization__kind"]
        items.append(
            {
                "code": row["code"],
                "title": row["title"],
                "summary": row["summary"],
                "status": row["status"],
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "lead_organization": {
                    "name": row["lead_organization__name"],
                    "sector": Organization.sector_of(kind),
                },
                "partners": [name for (name,) in related["partners"].get(pk, [])],
                "zone": [{"slug": s, "name": n} for s, n in related["zone"].get(pk, [])],
                "comuni": [
                    {"istat_code": code, "name": name}
                    for code, name in related["comuni"].get(pk, [])
                ],
                "actions": [code for (code,) in related["actions"].get(pk, [])],
                "targets": [code for (code,) in related["targets"].get(pk, [])],
                "funding_sources": [str(source) for source in row["funding_sources"] or []],
                "results": row["results"],
                "confirmed_at": row["confirmed_at"],
                "published_at": timezone.localtime(row["published_at"]),
                "url": base + reverse("practices:detail", kwargs={"code": row["code"]}),
            }
        )
    return items


QUERY = [
    params.text(
        "q",
        "Words to search (Italian stemming, accents ignored; every word must match); "
        "text after the first 2,000 characters is ignored.",
    ),
    params.text("zone", "Zona distretto slug.", 1000),
    params.text("asl", "ASL slug.", 1000),
    params.text("province", "Province abbreviation (po, fi, ...).", 1000),
    params.text("action", "Action code (DESIGN 4.1).", 1000),
    params.text("target", "Target group code; a group also matches its children.", 1000),
    params.choices("sector", ["public", "third_sector"], "Sector of the lead organisation."),
    params.choices("status", ["ongoing", "ended"], "Whether the practice is running."),
    params.Query(
        "year",
        {"type": "string", "pattern": "^[0-9]{4}(,[0-9]{4})*$"},
        "A year the practice was running (YYYY).",
    ),
    params.text("funding", "Funding source, as written in the practices.", 1000),
    params.choice("sort", ["relevance", "newest", "title"], "Order of the results."),
    params.integer("limit", 1, ItemsPagination.max_limit, "Default 50."),
    params.integer("offset", 0, 10_000_000, "Default 0."),
]


def parse(data) -> tuple[facets.Selection, int, int]:
    """The selection, limit and offset of a request; ValidationError (422) for values that do
    not conform to QUERY or name no known code."""
    params.check(data, QUERY)
    selection = facets.Selection.from_query(data)
    errors = {}
    for facet, values in selection.chosen.items():
        known = facets.known_values(facet)
        unknown = [value for value in values if known is not None and value not in known]
        if unknown:
            errors[facet] = gettext("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    limit = int(data.get("limit") or ItemsPagination.default_limit)
    offset = int(data.get("offset") or 0)
    return selection, limit, offset


@public
@extend_schema(
    summary="Good practices",
    operation_id="practices_list",
    description="Published good practices (public), best match first when `q` is given, "
    "otherwise newest first. Filters take codes and may be repeated or comma-separated: "
    "values of one filter combine with OR, filters with AND.",
    parameters=params.parameters(QUERY),
    responses={200: PracticeListSerializer},
    tags=["practices"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def practice_list(request):
    selection, limit, offset = parse(request.query_params)
    found = facets.find(selection, limit=limit, offset=offset, count=False)
    items = practice_items(found.ids, request)
    # Plain values already (PracticeListSerializer documents them): DRF's encoder writes the
    # dates, and running the serializer over them would only copy them again.
    return Response({"count": found.total, "limit": limit, "offset": offset, "items": items})


urlpatterns = [path("practices", practice_list, name="practices")]
