"""Survey campaigns through the API: the form structure, submitting responses (idempotent by
instance_id) and the coordinators' exports of a campaign's responses."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from approdo.api import params as api_params
from approdo.api.errors import PROBLEM_CONTENT_TYPE, problem
from approdo.core.decorators import public
from approdo.organizations import permissions
from approdo.reports.actions import request_export
from approdo.reports.datasets import DatasetError
from approdo.reports.downloads import Download
from approdo.reports.writers import CONTENT_TYPES
from approdo.surveys import actions
from approdo.surveys.models import Campaign, QuestionnaireVersion, SurveyResponse

# The XForm text is not needed here, and the schema (tens of kB of JSON) comes from the cache:
# a version never changes, a new upload makes a new version.
CAMPAIGNS = Campaign.objects.select_related("version").defer("version__xform", "version__schema")
SCHEMA_SECONDS = 24 * 3600  # the entries of versions no longer answered expire
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Campaign code.")


# -- Serializers (also the OpenAPI description) -------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    name = serializers.CharField()
    labels = serializers.DictField(child=serializers.CharField(), help_text="Label per language.")
    data = serializers.DictField(
        child=serializers.CharField(), help_text="Extra columns, used by choice_filter."
    )


class ElementSerializer(serializers.Serializer):
    name = serializers.CharField()
    path = serializers.CharField(help_text="XPath of the element in the XForm instance.")
    type = serializers.CharField(help_text="text, integer, select_one, group, repeat, ...")
    labels = serializers.DictField(child=serializers.CharField())
    hints = serializers.DictField(child=serializers.CharField())
    required = serializers.CharField(help_text="XPath expression; empty when never required.")
    required_message = serializers.DictField(child=serializers.CharField())
    relevant = serializers.CharField(help_text="XPath expression with ${name} references.")
    constraint = serializers.CharField()
    constraint_message = serializers.DictField(child=serializers.CharField())
    calculate = serializers.CharField()
    default = serializers.CharField()
    read_only = serializers.CharField()
    appearance = serializers.CharField()
    parameters = serializers.DictField(child=serializers.CharField())
    choices = ChoiceSerializer(many=True, required=False)
    choice_filter = serializers.CharField(required=False)
    or_other = serializers.BooleanField(required=False)
    repeat_count = serializers.CharField(required=False)
    children = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Elements of a group or repeat."
    )


class FormSerializer(serializers.Serializer):
    form_id = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    default_language = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    question_count = serializers.IntegerField()
    children = ElementSerializer(many=True)


class CampaignSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.BooleanField()
    closed_reason = serializers.CharField(help_text="Why it does not accept answers, if so.")
    many_responses = serializers.BooleanField()
    form = FormSerializer()


class SubmissionSerializer(serializers.Serializer):
    instance_id = serializers.UUIDField(help_text="Chosen by the client; makes sending idempotent.")
    organization = serializers.IntegerField(help_text="Id of the responding organisation.")
    answers = serializers.DictField(
        help_text="{question name: value}; repeats as {repeat name: [{name: value}, ...]}."
    )
    submit = serializers.BooleanField(
        default=True, help_text="false saves a draft (no validation) instead of submitting."
    )
    revision = serializers.IntegerField(
        required=False, help_text="For drafts: the revision the answers were edited from."
    )


class ResponseSerializer(serializers.Serializer):
    instance_id = serializers.UUIDField()
    campaign = serializers.CharField(source="campaign.slug")
    organization = serializers.IntegerField(source="organization_id")
    status = serializers.CharField()
    revision = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class ExportJobSerializer(serializers.Serializer):
    export = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.CharField(help_text="Page of the export job, with the download link.")


# -- Helpers ------------------------------------------------------------------------------------


def can_see_campaign(user, campaign: Campaign) -> bool:
    """Staff roles see every campaign; others when one of their organisations is invited."""
    if permissions.can_read_everything(user):
        return True
    if not getattr(campaign, "is_published", True):
        return False
    organizations = permissions.organizations_of(user)
    return any(campaign.includes(organization) for organization in organizations)


def campaign_item(campaign: Campaign) -> dict:
    schema = campaign.version.schema
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "description": campaign.description,
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "is_open": campaign.is_open(),
        "closed_reason": campaign.closed_reason(),
        "many_responses": campaign.many_responses,
        "form": {**schema, "version": campaign.version.number},
    }


def answer_errors(errors: dict[str, str], root: str) -> list[dict[str, str]]:
    """The evaluator's errors by XPath as problem+json entries: the field is the question
    name, inside repeats `repeat.index.name` (index from 0, as in the answers JSON)."""
    entries = []
    for path, message in errors.items():
        segments = path.strip("/").split("/")
        if segments and segments[0] == root:
            segments = segments[1:]
        parts: list[str] = []
        for segment in segments[:-1]:
            if segment.endswith("]") and "[" in segment:
                name, position = segment[:-1].split("[", 1)
                parts += [name, str(int(position) - 1)]
        parts.append(segments[-1] if segments else path)
        entries.append(
            {
                "field": ".".join(parts),
                "detail": str(message),
                "pointer": "#/answers/" + "/".join(parts),
            }
        )
    return entries


def problem_reply(request, code: int, detail: str, **extra) -> Response:
    return Response(
        problem(code, detail, request=request, **extra),
        status=code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _campaign(slug: str) -> Campaign:
    """The campaign with its version, the version's schema from the cache."""
    campaign = get_object_or_404(CAMPAIGNS, slug=slug)
    version = campaign.version
    # Keyed by the upload time too: a database that reuses a deleted version's key (SQLite)
    # cannot be served the schema of the version that had it.
    key = f"surveys:schema:{version.pk}:{version.created_at.timestamp()}"
    version.schema = cache.get_or_set(key, lambda: _stored_schema(version.pk), SCHEMA_SECONDS)
    return campaign


def _stored_schema(version_id: int) -> dict:
    return QuestionnaireVersion.objects.values_list("schema", flat=True).get(pk=version_id)


def _visible_campaign(request, slug: str) -> Campaign:
    campaign = _campaign(slug)
    if not can_see_campaign(request.user, campaign):
        raise Http404
    return campaign


# -- Views --------------------------------------------------------------------------------------


@public
@extend_schema(
    summary="Campaign and its form",
    operation_id="campaign_retrieve",
    description="A survey campaign with the structure of its form (questions, types, labels "
    "per language, choices, relevant/constraint/required expressions, groups and repeats), "
    "its dates and whether it is open. For members of invited organisations and network "
    "staff; others get 404.",
    parameters=[SLUG],
    responses={200: CampaignSerializer, 404: OpenApiResponse(description="No such campaign.")},
    tags=["surveys"],
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def campaign_detail(request, slug: str):
    campaign = _visible_campaign(request, slug)
    return Response(CampaignSerializer(campaign_item(campaign)).data)


@public
@extend_schema(
    summary="Send a response",
    operation_id="campaign_responses_create",
    description="Submit (or, with submit=false, save as a draft) an organisation's answers. "
    "Idempotent by instance_id: the same id with the same answers answers 200 with the "
    "stored response, with different answers 409. 422 lists one entry per invalid answer; "
    "409 when the campaign is closed; 403 when the organisation is not invited or the user "
    "is not its member.",
    parameters=[SLUG],
    request=SubmissionSerializer,
    responses={
        201: ResponseSerializer,
        200: ResponseSerializer,
        403: OpenApiResponse(description="Not a member, or the organisation is not invited."),
        404: OpenApiResponse(description="No such campaign, or not published."),
        409: OpenApiResponse(description="Campaign closed, or instance_id used differently."),
        413: OpenApiResponse(description="The answers are larger than a response may be."),
        422: OpenApiResponse(description="Invalid answers, one entry per field."),
    },
    tags=["surveys"],
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def campaign_responses(request, slug: str):
    campaign = _campaign(slug)
    if not campaign.is_published:  # as for the GET: an unpublished campaign is not there
        raise Http404
    body = SubmissionSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    organization = permissions.organization_of_member(
        request.user, data["organization"], {permissions.ORG_MANAGER, permissions.ORG_MEMBER}
    )
    if organization is None:
        raise PermissionDenied(gettext("You may respond only for an organisation you belong to."))
    try:
        if data["submit"]:
            response, created = actions.submit_response(
                campaign,
                organization=organization,
                instance_id=data["instance_id"],
                answers=data["answers"],
                by=request.user,
            )
        else:
            response, created = _save_draft(campaign, organization, data, request.user)
    except actions.AnswersInvalid as error:
        root = campaign.version.schema.get("root", "data")
        return problem_reply(
            request,
            422,
            gettext("Some answers are not valid."),
            errors=answer_errors(error.errors, root),
        )
    except actions.OutsideAudience as error:
        return problem_reply(request, 403, " ".join(error.messages))
    except actions.AnswersTooLarge as error:
        return problem_reply(request, 413, " ".join(error.messages))
    except actions.SurveyError as error:  # closed, conflicts, stale revision, one per org
        return problem_reply(request, 409, " ".join(error.messages))
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(ResponseSerializer(response).data, status=code)


def _save_draft(campaign: Campaign, organization, data: dict, user):
    instance_id: uuid.UUID = data["instance_id"]
    created = False
    response = SurveyResponse.objects.filter(instance_id=instance_id).first()
    if response is None:
        try:
            response = actions.start_response(
                campaign, organization=organization, by=user, instance_id=instance_id
            )
            created = True
        except IntegrityError:  # the same id sent at the same moment: it exists now
            response = SurveyResponse.objects.get(instance_id=instance_id)
    if response.campaign_id != campaign.pk or response.organization_id != organization.pk:
        raise actions.SubmissionConflict(gettext("This instance id belongs to another response."))
    if not response.is_editable:
        if response.answers == data["answers"]:
            return response, False
        raise actions.SubmissionConflict(
            gettext("This response was already submitted: it cannot become a draft again.")
        )
    if response.answers != data["answers"] or created:
        response = actions.save_draft(
            response,
            answers=data["answers"],
            revision=data.get("revision", response.revision),
            by=user,
        )
    return response, created


class PassthroughRenderer(BaseRenderer):
    """Lets clients ask for the file's type in Accept; the views return the file themselves."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class CSVRenderer(PassthroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(PassthroughRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


def _download(request, slug: str) -> Download:
    """The campaign's responses from the dataset registry, as the pages and exports get them.
    A member who may see the campaign but not export it gets 403; anybody else 404."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if not permissions.can_read_everything(request.user):
        if can_see_campaign(request.user, campaign):
            raise PermissionDenied(gettext("Exports are for the network's staff."))
        raise Http404
    api_params.check(request.query_params, EXPORT_QUERY)
    query = request.query_params
    params = {
        "campaign": slug,
        "labels": query.get("labels", "codes"),
        "language": query.get("language", ""),
    }
    try:
        return Download.prepare(request.user, "survey_responses", params)
    except DatasetError as error:
        raise serializers.ValidationError({"labels": [str(error)]}) from error


EXPORT_QUERY = [
    api_params.choice("labels", ["codes", "labels"], "Codes (default) or labels."),
    api_params.text("language", "Language of labels, e.g. it or en.", 20),
    api_params.boolean(
        "drafts",
        "Ignored: drafts are private to their organisation and never exported.",
    ),
]


@public
@extend_schema(
    summary="Responses as CSV",
    operation_id="campaign_responses_csv",
    description="Every response of the campaign as CSV, streamed: one column per question, "
    "select_multiple as one column plus one 0/1 column per choice. Repeats are in the "
    "XLSX export. For coordinators, regional administrators and analysts.",
    parameters=[SLUG, *api_params.parameters(EXPORT_QUERY)],
    responses={(200, "text/csv"): OpenApiResponse(description="CSV file (UTF-8).")},
    tags=["surveys"],
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
@renderer_classes([JSONRenderer, CSVRenderer])
def campaign_responses_csv(request, slug: str):
    return _download(request, slug).response("csv")


@public
@extend_schema(
    summary="Responses as XLSX",
    operation_id="campaign_responses_xlsx",
    description="Every response of the campaign as an Excel workbook, repeats on their own "
    "sheets linked by the parent's instance_id. Large exports (more rows than the server's "
    "inline limit) answer 202 with the export job to follow. For coordinators, regional "
    "administrators and analysts.",
    parameters=[SLUG, *api_params.parameters(EXPORT_QUERY)],
    responses={
        (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(description="XLSX workbook."),
        202: ExportJobSerializer,
    },
    tags=["surveys"],
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
@renderer_classes([JSONRenderer, XLSXRenderer])
def campaign_responses_xlsx(request, slug: str):
    download = _download(request, slug)
    if (download.rows or 0) > settings.APPRODO_EXPORT_INLINE_MAX_ROWS:
        export = request_export(
            by=request.user, dataset="survey_responses", fmt="xlsx", params=download.params
        )
        url = request.build_absolute_uri(reverse("reports:export-detail", kwargs={"pk": export.pk}))
        body = {"export": export.pk, "status": export.status, "url": url}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
    return download.response("xlsx")
