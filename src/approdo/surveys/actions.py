"""Changes to questionnaires, campaigns and responses. Each one writes the history."""

import datetime
import uuid
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from approdo.core.history import record_history
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import Campaign, Questionnaire, QuestionnaireVersion, SurveyResponse
from approdo.surveys.xlsform import convert_xlsform


class SurveyError(Exception):
    """A survey rule refused the change; `messages` says why, one line per problem."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class FormImportError(SurveyError):
    """The XLSForm cannot be used: nothing was created."""


class CampaignClosed(SurveyError):
    """The campaign does not accept answers now."""


class OutsideAudience(SurveyError):
    """The organisation is not among those the campaign is addressed to."""


class AlreadyResponded(SurveyError):
    """The campaign takes one response per organisation and this one already has it."""


class SubmissionConflict(SurveyError):
    """The instance id is already used, by different answers or another campaign."""


class StaleRevision(SurveyError):
    """Someone saved the response since this copy was read: nothing was overwritten."""

    def __init__(self, current: int):
        self.current = current
        super().__init__(
            gettext("Someone else saved this response in the meantime (revision %(n)s).")
            % {"n": current}
        )


class AnswersInvalid(SurveyError):
    """The answers break the form's rules; `errors` maps each question path to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__([f"{path}: {message}" for path, message in self.errors.items()])


@transaction.atomic
def import_xlsform(
    file: BinaryIO,
    *,
    filename: str | None = None,
    campaign_slug: str,
    title: str | None = None,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    by=None,
) -> Campaign:
    """Add an XLSForm as the next version of its questionnaire (identified by the form's
    `form_id`) and point the campaign `campaign_slug` at it, creating the campaign when
    missing. Responses already started keep their version. For coordinators (the views and
    the `import-xlsform` command check who calls). Raises FormImportError with every problem;
    then nothing is created.
    """
    filename = filename or getattr(file, "name", "") or "form.xlsx"
    result = convert_xlsform(file, filename)
    problems = list(result.errors)
    if not campaign_slug or slugify(campaign_slug) != campaign_slug:
        problems.append(
            gettext("“%(slug)s” is not a valid campaign code: use lowercase letters, digits and -.")
            % {"slug": campaign_slug}
        )
    if problems:
        raise FormImportError(problems)
    schema = result.schema
    slug = slugify(result.form_id)[:100] or slugify(campaign_slug)
    questionnaire, _ = Questionnaire.objects.get_or_create(
        slug=slug, defaults={"title": result.title or slug}
    )
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    campaign = Campaign.objects.select_for_update().filter(slug=campaign_slug).first()
    if campaign is not None and campaign.version.questionnaire_id != questionnaire.pk:
        raise FormImportError(
            gettext(
                "The campaign “%(campaign)s” uses the questionnaire “%(current)s”; this file "
                "defines “%(new)s” (form_id)."
            )
            % {
                "campaign": campaign_slug,
                "current": campaign.version.questionnaire.slug,
                "new": slug,
            }
        )
    last = questionnaire.versions.order_by("-number").values_list("number", flat=True).first()
    version = QuestionnaireVersion(
        questionnaire=questionnaire,
        number=(last or 0) + 1,
        schema=schema,
        xform=result.xform,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    version.source.save(filename.rsplit("/", 1)[-1], ContentFile(result.content), save=False)
    version.save()
    record_history(
        version,
        by=by,
        action="uploaded",
        changes={"questions": [None, version.question_count]},
    )
    if campaign is None:
        campaign = Campaign(
            slug=campaign_slug,
            title=title or result.title or campaign_slug,
            version=version,
            opens_at=opens_at or timezone.now(),
            closes_at=closes_at,
        )
        _check_dates(campaign)
        campaign.save()
        record_history(campaign, by=by, action="created", changes={"version": [None, 1]})
        return campaign
    changes = {"version": [campaign.version.number, version.number]}
    campaign.version = version
    fields = ["version", "updated_at"]
    for name, value in (("title", title), ("opens_at", opens_at), ("closes_at", closes_at)):
        if value is not None:
            changes[name] = [str(getattr(campaign, name)), str(value)]
            setattr(campaign, name, value)
            fields.append(name)
    _check_dates(campaign)
    campaign.save(update_fields=fields)
    record_history(campaign, by=by, action="version_changed", changes=changes)
    return campaign


def _check_dates(campaign: Campaign) -> None:
    if campaign.closes_at is not None and campaign.closes_at <= campaign.opens_at:
        raise FormImportError(gettext("The closing time must come after the opening time."))


def _check_can_answer(campaign: Campaign, organization) -> None:
    reason = campaign.closed_reason()
    if reason:
        raise CampaignClosed(reason)
    if not campaign.includes(organization):
        raise OutsideAudience(
            gettext("%(organization)s is not among the organisations this campaign is for.")
            % {"organization": organization}
        )


def _check_one_per_organization(campaign: Campaign, organization, instance_id) -> None:
    if campaign.many_responses:
        return
    # Serialise the organisation's first responses so two cannot slip in side by side.
    type(organization).objects.select_for_update().filter(pk=organization.pk).first()
    others = SurveyResponse.objects.filter(campaign=campaign, organization=organization)
    if others.exclude(instance_id=instance_id).exists():
        raise AlreadyResponded(
            gettext("%(organization)s has already responded to this campaign.")
            % {"organization": organization}
        )


@transaction.atomic
def start_response(
    campaign: Campaign, *, organization, by, instance_id: uuid.UUID | None = None
) -> SurveyResponse:
    """Open a draft for `organization` on the campaign's current version. For members of
    the organisation (the caller checks); refused when the campaign is closed, the
    organisation is outside its audience, or it already responded to a one-response campaign.
    """
    _check_can_answer(campaign, organization)
    instance_id = instance_id or uuid.uuid4()
    _check_one_per_organization(campaign, organization, instance_id)
    response = SurveyResponse.objects.create(
        campaign=campaign,
        version=campaign.version,
        organization=organization,
        instance_id=instance_id,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    record_history(response, by=by, action="started")
    return response


@transaction.atomic
def save_draft(response: SurveyResponse, *, answers: dict, revision: int, by) -> SurveyResponse:
    """Store the answers of an editable response as they are (no validation: a draft may be
    incomplete), if `revision` is still the current one; otherwise raise StaleRevision and
    change nothing. For members of the organisation. Returns the response, refreshed.
    """
    if not response.is_editable:
        raise SurveyError(gettext("This response can no longer be edited."))
    updated = SurveyResponse.objects.filter(
        pk=response.pk, revision=revision, status__in=SurveyResponse.EDITABLE
    ).update(answers=answers, revision=F("revision") + 1, updated_at=timezone.now())
    if not updated:
        current = SurveyResponse.objects.values_list("revision", flat=True).get(pk=response.pk)
        raise StaleRevision(current)
    response.refresh_from_db()
    record_history(response, by=by, action="draft_saved", changes={"revision": [revision, None]})
    return response


def submit_response(
    campaign: Campaign,
    *,
    organization,
    instance_id: uuid.UUID | str,
    answers: dict,
    by,
    today: datetime.date | None = None,
) -> tuple[SurveyResponse, bool]:
    """Submit answers, once per `instance_id`: sending the same id with the same answers
    again returns the stored response (created=False); with different answers it raises
    SubmissionConflict. A draft or a response sent back for changes with that id is
    submitted. Refused (CampaignClosed, OutsideAudience, AlreadyResponded) when the campaign
    does not accept the organisation's answers; AnswersInvalid carries one message per
    question. Non-relevant answers are dropped. For members of the organisation.
    """
    instance_id = uuid.UUID(str(instance_id))
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _submit(campaign, organization, instance_id, answers, by, today)
        except IntegrityError:
            # The same instance id was inserted concurrently: read it and answer as a resend.
            if not SurveyResponse.objects.filter(instance_id=instance_id).exists():
                raise
    raise SubmissionConflict(gettext("The submission could not be stored; try again."))


def _submit(campaign, organization, instance_id, answers, by, today):
    existing = SurveyResponse.objects.select_for_update().filter(instance_id=instance_id).first()
    if existing is not None:
        if existing.campaign_id != campaign.pk or existing.organization_id != organization.pk:
            raise SubmissionConflict(gettext("This instance id belongs to another response."))
        if not existing.is_editable:
            evaluation = evaluate_form(existing.version.schema, answers, today=today)
            if evaluation.errors or evaluation.cleaned != existing.answers:
                raise SubmissionConflict(
                    gettext("This response was already submitted with different answers.")
                )
            return existing, False
    _check_can_answer(campaign, organization)
    version = existing.version if existing is not None else campaign.version
    cleaned = _validated(version.schema, answers, today)
    if existing is not None:
        old_status = existing.status
        existing.answers = cleaned
        existing.revision += 1
        existing.move_to(SurveyResponse.Status.SUBMITTED)
        existing.save(update_fields=["answers", "revision", "status", "submitted_at", "updated_at"])
        record_history(
            existing, by=by, action="submitted", changes={"status": [old_status, "submitted"]}
        )
        return existing, False
    _check_one_per_organization(campaign, organization, instance_id)
    response = SurveyResponse.objects.create(
        campaign=campaign,
        version=version,
        organization=organization,
        instance_id=instance_id,
        status=SurveyResponse.Status.SUBMITTED,
        answers=cleaned,
        created_by=by if by is not None and by.is_authenticated else None,
        submitted_at=timezone.now(),
    )
    record_history(response, by=by, action="submitted", changes={"status": [None, "submitted"]})
    return response, True


def _validated(schema: dict, answers: dict, today: datetime.date | None) -> dict[str, Any]:
    evaluation = evaluate_form(schema, answers, today=today)
    if evaluation.errors:
        raise AnswersInvalid(evaluation.errors)
    return evaluation.cleaned
