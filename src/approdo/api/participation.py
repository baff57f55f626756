"""Participatory seminars as open data: published events with their programme and working
tables, the published synthesis reports of an event's tables with the contributions they cite,
and the uptake of a guideline for the zonal plans in every zona distretto.

An event's online link is private (it is for registered participants only): no answer here
reads it, and the tests walk every endpoint and the OpenAPI document to keep it so. Anonymous
contributions never show their author and hidden ones never appear, whoever asks: the API
gives the public reading of a report, as its page does.
"""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approdo.api import params
from approdo.api.pagination import ItemsPagination
from approdo.core.decorators import public
from approdo.funding.models import Call, Project
from approdo.participation import guidelines, permissions
from approdo.participation.models import (
    AgendaItem,
    Event,
    GuidingQuestion,
    Registration,
    SynthesisReport,
    WorkingTable,
)
from approdo.participation.report_document import report_data

# --- Serializers: they document the answers (the views build plain values) -------------------


class EventOrganiserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventCallSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class EventProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EventQuestionSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()


class EventTableSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    questions = EventQuestionSerializer(many=True, help_text="The guiding questions, in order.")


class EventSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Event.Kind.values)
    status = serializers.ChoiceField(
        choices=Event.Status.values, help_text="draft is seen by the event's organisers only."
    )
    mode = serializers.ChoiceField(choices=Event.Mode.values)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True, help_text="Address of in-person events.")
    capacity = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    places_left = serializers.IntegerField(
        allow_null=True, help_text="Places not yet taken; null when there is no limit."
    )
    registration_open = serializers.BooleanField(
        help_text="Registrations are accepted (on the waiting list when no place is left)."
    )
    registration_deadline = serializers.DateTimeField(allow_null=True)
    organisers = EventOrganiserSerializer(many=True)
    calls = EventCallSerializer(many=True, help_text="Calls discussed.")
    projects = EventProjectSerializer(many=True, help_text="Funded projects discussed.")
    tables = EventTableSerializer(many=True, help_text="Working tables, by number.")
    url = serializers.CharField(help_text="The event's public page.")


class EventListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    items = EventSerializer(many=True)


class AgendaItemSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField()
    speakers = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class EventDetailSerializer(EventSerializer):
    agenda = AgendaItemSerializer(many=True, help_text="The programme, in time order.")


class ReportCallSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The call's public page.")


class ReportProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(
        help_text="The project's page, for the funding staff and the applicant only."
    )
    call = ReportCallSerializer()


class ReportPracticeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Footnote number, 1.. across the report.")
    contribution = serializers.IntegerField(help_text="The contribution's id.")
    text = serializers.CharField()
    phase = serializers.ChoiceField(choices=["before", "during"])
    question = EventQuestionSerializer()
    author = serializers.CharField(
        allow_null=True, help_text="Name (organisation); null for an anonymous contribution."
    )
    projects = ReportProjectSerializer(many=True, help_text="Funded projects cited.")
    practices = ReportPracticeSerializer(many=True, help_text="Published practices cited.")


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["finding", "recommendation"])
    order = serializers.IntegerField()
    text = serializers.CharField()
    withdrawn = serializers.IntegerField(help_text="Citations left out: their source is hidden.")
    citations = CitationSerializer(many=True)


class TableReportSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    questions = EventQuestionSerializer(many=True)
    summary = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    findings = StatementSerializer(many=True)
    recommendations = StatementSerializer(many=True)
    withdrawn = serializers.IntegerField()
    projects_cited = ReportProjectSerializer(many=True)
    url = serializers.CharField(help_text="The report's public page.")


class EventReportSerializer(serializers.Serializer):
    event = serializers.DictField(help_text="slug, title, starts_at, ends_at, url.")
    tables = TableReportSerializer(
        many=True, help_text="The tables whose report is published, by number."
    )


class UptakeCountsSerializer(serializers.Serializer):
    not_recorded = serializers.IntegerField(help_text="Recommendations the zona has not answered.")
    not_yet = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    adopted = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class UptakeAslSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class UptakeZonaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    asl = UptakeAslSerializer()
    items = serializers.IntegerField(help_text="Recommendations in the guideline.")
    counts = UptakeCountsSerializer(help_text="Recommendations per uptake status; they add up.")
    adopted_share = serializers.FloatField(
        allow_null=True,
        help_text="Adopted over the recommendations that apply to the zona (0 to 1); null when "
        "none applies.",
    )


class GuidelineVersionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["draft", "published"])
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()


class GuidelineUptakeSerializer(serializers.Serializer):
    guideline = GuidelineVersionSerializer()
    items = UptakeZonaSerializer(many=True, help_text="Every zona distretto, by ASL then name.")


# --- Events ----------------------------------------------------------------------------------


def local(moment):
    """Date-times in the site's time zone, as the other endpoints give them."""
    return timezone.localtime(moment) if moment is not None else None


WHEN = ["upcoming", "past"]
LIST_QUERY = [
    params.choice("when", WHEN, "upcoming: not yet ended, soonest first; past: latest first."),
    params.integer("limit", 1, ItemsPagination.max_limit, "Default 50."),
    params.integer("offset", 0, 10_000_000, "Default 0."),
]
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Event code.")


def events_for(user):
    """The events `user` may see, with what their answer reads in a bounded number of
    queries: the places taken counted in the database, the related lists prefetched."""
    visible = permissions.events_visible_to(user, Event.objects.all())
    return (
        Event.objects.filter(pk__in=visible.values("pk"))
        .annotate(
            places_taken=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
            )
        )
        .prefetch_related(
            Prefetch("organizers", queryset=_organisers()),
            Prefetch("calls", queryset=Call.objects.visible_to(user).order_by("opens_at", "slug")),
            # Projects under evaluation are not public: only funded ones are named.
            Prefetch(
                "projects", queryset=Project.objects.funded().only("pk", "title").order_by("title")
            ),
            Prefetch(
                "tables",
                queryset=WorkingTable.objects.order_by("number").prefetch_related(
                    Prefetch("questions", queryset=GuidingQuestion.objects.order_by("order"))
                ),
            ),
        )
    )


def _organisers():
    from approdo.organizations.models import Organization

    return Organization.objects.only("pk", "name").order_by("name")


def event_item(event: Event, request) -> dict:
    """An event as the API gives it: public fields only (never the online link)."""
    places_left = None
    if event.capacity is not None:
        places_left = max(event.capacity - event.places_taken, 0)
    return {
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "kind": event.kind,
        "status": event.status,
        "mode": event.mode,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "place": event.place,
        "capacity": event.capacity,
        "places_left": places_left,
        "registration_open": event.registration_is_open(),
        "registration_deadline": local(event.registration_deadline),
        "organisers": [{"id": o.pk, "name": o.name} for o in event.organizers.all()],
        "calls": [{"slug": c.slug, "title": c.title} for c in event.calls.all()],
        "projects": [{"id": p.pk, "title": p.title} for p in event.projects.all()],
        "tables": [
            {
                "number": table.number,
                "title": table.title,
                "questions": [{"order": q.order, "text": q.text} for q in table.questions.all()],
            }
            for table in event.tables.all()
        ],
        "url": request.build_absolute_uri(event.get_absolute_url()),
    }


def visible_event(request, slug: str, queryset=None) -> Event:
    """The event when the caller may see it; 404 otherwise (a draft is not known to others)."""
    queryset = queryset if queryset is not None else Event.objects.all()
    event = queryset.filter(slug=slug).first()
    if event is None or not permissions.can_see_event(request.user, event):
        raise Http404(gettext("No such event."))
    return event


@public
@extend_schema(
    summary="Events",
    operation_id="events_list",
    description="Seminars, workshops and community-of-practice meetings: published and "
    "cancelled ones for everybody, drafts for their organisers too; latest first unless "
    "`when` is given. Public.",
    parameters=params.parameters(LIST_QUERY),
    responses={200: EventListSerializer},
    tags=["participation"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def event_list(request):
    params.check(request.query_params, LIST_QUERY)
    when = request.query_params.get("when")
    limit = int(request.query_params.get("limit") or ItemsPagination.default_limit)
    offset = int(request.query_params.get("offset") or 0)
    events = events_for(request.user)
    if when == "upcoming":
        events = events.upcoming()
    elif when == "past":
        events = events.past()
    else:
        events = events.order_by("-starts_at", "slug")
    total = events.count()
    page = events[offset : offset + limit]
    items = [event_item(event, request) for event in page]
    return Response({"count": total, "limit": limit, "offset": offset, "items": items})


@public
@extend_schema(
    summary="An event",
    operation_id="events_retrieve",
    description="An event with its programme and working tables. Public for published and "
    "cancelled events; a draft is known to its organisers only (404 for others).",
    parameters=[SLUG],
    responses={200: EventDetailSerializer},
    tags=["participation"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def event_detail(request, slug: str):
    queryset = events_for(request.user).prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("starts_at", "pk"))
    )
    event = visible_event(request, slug, queryset)
    body = event_item(event, request)
    body["agenda"] = [
        {
            "starts_at": local(item.starts_at),
            "ends_at": local(item.ends_at),
            "title": item.title,
            "speakers": item.speakers,
            "description": item.description,
        }
        for item in event.agenda.all()
    ]
    return Response(body)


def absolute_urls(value, request):
    """`value` (report_data's plain data) with every "url" made absolute, as the API's other
    links are."""
    if isinstance(value, dict):
        return {
            key: request.build_absolute_uri(item)
            if key == "url" and isinstance(item, str)
            else absolute_urls(item, request)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [absolute_urls(item, request) for item in value]
    return value


def table_report(report: SynthesisReport, request) -> dict:
    """A published report as report_document.report_data gives it (hidden contributions
    left out, no author for anonymous ones), without the event's figures, which the page
    shows once."""
    data = absolute_urls(report_data(report, event_figures=False), request)
    table = report.table
    url = reverse(
        "participation:report-detail",
        kwargs={"slug": table.event.slug, "number": table.number},
    )
    return {
        "number": data["table"]["number"],
        "title": data["table"]["title"],
        "questions": data["questions"],
        "summary": data["summary"],
        "published_at": data["published_at"],
        "findings": data["findings"],
        "recommendations": data["recommendations"],
        "withdrawn": data["withdrawn"],
        "projects_cited": data["projects_cited"],
        "url": request.build_absolute_uri(url),
    }


@public
@extend_schema(
    summary="Synthesis reports of an event",
    operation_id="events_report_retrieve",
    description="The published synthesis reports of the event's working tables: per table its "
    "findings and recommendations, each with the contributions it cites (text, guiding "
    "question, author unless anonymous, funded projects and published practices cited). "
    "Contributions hidden by the moderators never appear. 404 when no report is published. "
    "Public.",
    parameters=[SLUG],
    responses={
        200: EventReportSerializer,
        404: OpenApiResponse(description="No such event, or no report published yet."),
    },
    tags=["participation"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def event_report(request, slug: str):
    event = visible_event(request, slug)
    reports = list(
        SynthesisReport.objects.filter(table__event=event, status=SynthesisReport.Status.PUBLISHED)
        .select_related("table__event")
        .order_by("table__number")
    )
    if not reports:
        raise Http404(gettext("No synthesis report of this event is published yet."))
    return Response(
        {
            "event": {
                "slug": event.slug,
                "title": event.title,
                "starts_at": local(event.starts_at),
                "ends_at": local(event.ends_at),
                "url": request.build_absolute_uri(event.get_absolute_url()),
            },
            "tables": [table_report(report, request) for report in reports],
        }
    )


# --- Guidelines ------------------------------------------------------------------------------


def guideline_shown(request, slug: str):
    """The latest published version; to those who write guidelines, the latest draft when
    none is published yet. 404 otherwise."""
    guideline = guidelines.latest_published(slug)
    if guideline is None:
        latest = guidelines.latest_version(slug)
        if latest is not None and permissions.can_see_guideline(request.user, latest):
            guideline = latest
    if guideline is None:
        raise Http404(gettext("No such guideline."))
    return guideline


@public
@extend_schema(
    summary="Uptake of a guideline",
    operation_id="guidelines_uptake_retrieve",
    description="How far every zona distretto takes up the recommendations of a guideline for "
    "the zonal plans (latest published version): recommendations per uptake status and the "
    "adopted share. Public; a guideline not yet published is 404.",
    parameters=[
        OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Guideline code.")
    ],
    responses={200: GuidelineUptakeSerializer},
    tags=["participation"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def guideline_uptake(request, slug: str):
    guideline = guideline_shown(request, slug)
    rows = guidelines.uptake_data(guideline)
    counts = ["not_recorded", *guidelines.STATUSES]
    return Response(
        {
            "guideline": {
                "slug": guideline.slug,
                "version": guideline.version,
                "title": guideline.title,
                "status": guideline.status,
                "published_at": local(guideline.published_at),
                "url": request.build_absolute_uri(
                    reverse("participation:guideline-detail", kwargs={"slug": guideline.slug})
                ),
            },
            "items": [
                {
                    "slug": row["zona"],
                    "name": row["name"],
                    "asl": {"slug": row["asl"], "name": row["asl_name"]},
                    "items": row["items"],
                    "counts": {name: row[name] for name in counts},
                    "adopted_share": row["adopted_share"],
                }
                for row in rows
            ],
        }
    )


urlpatterns = [
    path("events", event_list, name="events"),
    path("events/<slug:slug>", event_detail, name="event-detail"),
    path("events/<slug:slug>/report", event_report, name="event-report"),
    path("guidelines/<slug:slug>/uptake", guideline_uptake, name="guideline-uptake"),
]
