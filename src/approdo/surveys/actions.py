"""Changes to questionnaires, campaigns and responses. Each one writes the history."""

import datetime
import uuid
from datetime import timedelta
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from approdo.core.history import diff, record_history, snapshot
from approdo.surveys import answers as answer_cleaning
from approdo.surveys import signals
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import (
    Campaign,
    CampaignInvitation,
    InvalidTransition,
    Questionnaire,
    QuestionnaireVersion,
    ReminderSent,
    ResponseComment,
    SurveyResponse,
)
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


class AnswersTooLarge(SurveyError):
    """The answers are larger than a response may be (APPRODO_SURVEY_ANSWERS_MAX_BYTES)."""


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
    publish: bool = True,
    open_to_all: bool = False,
    many_responses: bool = False,
) -> Campaign:
    """Add an XLSForm as the next version of its questionnaire (identified by the form's
    `form_id`) and point the campaign `campaign_slug` at it, creating the campaign when
    missing. Responses already started keep their version. A campaign created here is
    published at once unless `publish` is false; `publish` also publishes an existing one.
    `open_to_all` and `many_responses` turn these options on (never off). For coordinators
    (the views and the `import-xlsform` command check who calls). Raises FormImportError
    with every problem; then nothing is created.
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
            published_at=timezone.now() if publish else None,
            open_to_all=open_to_all,
            many_responses=many_responses,
        )
        _check_dates(campaign)
        campaign.save()
        record_history(campaign, by=by, action="created", changes={"version": [None, 1]})
        return campaign
    changes = {"version": [campaign.version.number, version.number]}
    campaign.version = version
    fields = ["version", "updated_at"]
    settings_given = (("title", title), ("opens_at", opens_at), ("closes_at", closes_at))
    settings_given += tuple(
        (name, True)
        for name, on in (("open_to_all", open_to_all), ("many_responses", many_responses))
        if on
    )
    if publish and campaign.published_at is None:
        settings_given += (("published_at", timezone.now()),)
    for name, value in settings_given:
        if value is not None and getattr(campaign, name) != value:
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


def _check_can_answer(
    campaign: Campaign, organization, response: SurveyResponse | None = None
) -> None:
    # An existing response may be open after the deadline (reopened, or sent back for changes).
    reason = response.closed_reason() if response is not None else campaign.closed_reason()
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


def prepared_answers(
    schema: dict, answers: dict, *, instance_id, keep_problems: bool = False
) -> dict:
    """The answers as a store can hold them (answers.clean_answers: known names only, text
    cleaned, numbers in range or as text, files of this response): AnswersTooLarge when they
    do not fit, AnswersInvalid for a file answer naming no file of the response, unless
    `keep_problems` (drafts), where such an answer is left out."""
    try:
        cleaned, problems = answer_cleaning.clean_answers(schema, answers, instance_id=instance_id)
    except answer_cleaning.AnswersTooLarge as error:
        raise AnswersTooLarge(str(error)) from None
    if problems and not keep_problems:
        raise AnswersInvalid(problems)
    return cleaned


@transaction.atomic
def save_draft(
    response: SurveyResponse, *, answers: dict, revision: int, by, page: int | None = None
) -> SurveyResponse:
    """Store the answers of an editable response (not validated against the form's rules: a
    draft may be incomplete; but reduced to the form's questions, storable and within the
    size limit, see prepared_answers), with the page the person is on, if `revision` is
    still the current one. When someone saved since, the save is refused (StaleRevision,
    nothing changed) unless the stored answers are the same as these: then there is no
    conflict and the response is returned as stored. For members of the organisation.
    Returns the response, refreshed.
    """
    if not response.is_editable:
        raise SurveyError(gettext("This response can no longer be edited."))
    reason = response.closed_reason()
    if reason:
        raise CampaignClosed(reason)
    cleaned = prepared_answers(
        response.version.schema, answers, instance_id=response.instance_id, keep_problems=True
    )
    changes: dict[str, Any] = {"answers": cleaned, "revision": F("revision") + 1}
    if page is not None:
        changes["last_page"] = max(1, min(int(page), 32767))
    updated = SurveyResponse.objects.filter(
        pk=response.pk, revision=revision, status__in=SurveyResponse.EDITABLE
    ).update(updated_at=timezone.now(), **changes)
    if not updated:
        current, stored = SurveyResponse.objects.values_list("revision", "answers").get(
            pk=response.pk
        )
        if stored == cleaned:  # the same content saved twice (a resend, two tabs): no conflict
            response.refresh_from_db()
            return response
        raise StaleRevision(current)
    response.refresh_from_db()
    record_history(response, by=by, action="draft_saved", changes={"revision": [revision, None]})
    return response


def remember_page(response: SurveyResponse, page: int) -> None:
    """Note the page an editable response is on, without a new revision (moving between
    pages changes no answer), so that the questionnaire opens there again."""
    page = max(1, min(int(page), 32767))
    if response.last_page != page:
        SurveyResponse.objects.filter(pk=response.pk, status__in=SurveyResponse.EDITABLE).update(
            last_page=page
        )
        response.last_page = page


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
    question. Non-relevant answers are dropped. Each submission e-mails its receipt to `by`
    once committed; a resend does not. For members of the organisation.
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
    try:
        existing = SurveyResponse.objects.select_for_update().get(instance_id=instance_id)
    except SurveyResponse.DoesNotExist:
        existing = None
    version = campaign.version
    if existing is not None:
        if existing.campaign_id != campaign.pk or existing.organization_id != organization.pk:
            raise SubmissionConflict(gettext("This instance id belongs to another response."))
        if existing.version_id != version.pk:  # answered on an earlier version
            version = existing.version
        if not existing.is_editable:
            answers = prepared_answers(version.schema, answers, instance_id=instance_id)
            evaluation = evaluate_form(version.schema, answers, today=today)
            if evaluation.errors or evaluation.cleaned != existing.answers:
                raise SubmissionConflict(
                    gettext("This response was already submitted with different answers.")
                )
            return existing, False
    _check_can_answer(campaign, organization, existing)
    cleaned = _validated(version.schema, answers, today, instance_id)
    if existing is not None:
        old_status = existing.status
        existing.answers = cleaned
        existing.revision += 1
        existing.move_to(SurveyResponse.Status.SUBMITTED)
        existing.save(update_fields=["answers", "revision", "status", "submitted_at", "updated_at"])
        _submitted(existing, by=by, old_status=old_status)
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
    _submitted(response, by=by, old_status=None)
    return response, True


def _submitted(response: SurveyResponse, *, by, old_status: str | None) -> None:
    """What follows every submission: the history, the signal to the apps above, and the
    receipt e-mailed to whoever submitted, in the language they submitted in."""
    from approdo.surveys.tasks import send_receipt

    record_history(
        response, by=by, action="submitted", changes={"status": [old_status, "submitted"]}
    )
    signals.response_submitted.send(sender=SurveyResponse, response=response, by=by)
    if by is not None and by.is_authenticated:
        language = translation.get_language() or settings.LANGUAGE_CODE
        # Robust: the submission is committed by then, and a receipt that could not be queued
        # (logged) must not turn it into an error for whoever sent it.
        transaction.on_commit(
            lambda: send_receipt.enqueue(response.pk, by.pk, language), robust=True
        )


def _validated(
    schema: dict, answers: dict, today: datetime.date | None, instance_id
) -> dict[str, Any]:
    answers = prepared_answers(schema, answers, instance_id=instance_id)
    evaluation = evaluate_form(schema, answers, today=today)
    if evaluation.errors:
        raise AnswersInvalid(evaluation.errors)
    return evaluation.cleaned


# Campaign management and review, for regional administrators and coordinators (the views
# check who calls).

CAMPAIGN_FIELDS = [
    "title",
    "description",
    "opens_at",
    "closes_at",
    "kinds",
    "open_to_all",
    "many_responses",
    "reminder_days",
]
CAMPAIGN_RELATIONS = ["organizations", "zone", "asls"]


@transaction.atomic
def create_campaign(file: BinaryIO, *, filename: str, slug: str, by, **fields: Any) -> Campaign:
    """Create an unpublished campaign from an uploaded XLSForm, with its title, dates and
    audience (`fields`: CAMPAIGN_FIELDS and CAMPAIGN_RELATIONS). Organisations see it only
    once published. Raises FormImportError (nothing created) when the file or the code is
    refused."""
    if Campaign.objects.filter(slug=slug).exists():
        raise FormImportError(gettext("A campaign with this code already exists."))
    campaign = import_xlsform(
        file,
        filename=filename,
        campaign_slug=slug,
        title=fields.get("title"),
        opens_at=fields.get("opens_at"),
        closes_at=fields.get("closes_at"),
        by=by,
        publish=False,
    )
    campaign.published_at = None
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    _check_dates(campaign)
    campaign.save()
    for name in CAMPAIGN_RELATIONS:
        if name in fields:
            getattr(campaign, name).set(fields[name])
    return campaign


def _relations_snapshot(campaign: Campaign) -> dict[str, list[int]]:
    return {
        name: sorted(getattr(campaign, name).values_list("pk", flat=True))
        for name in CAMPAIGN_RELATIONS
    }


@transaction.atomic
def update_campaign(campaign: Campaign, *, by, **fields: Any) -> Campaign:
    """Change a campaign's title, description, dates or audience. A later closing time is
    recorded as an extended deadline. Raises FormImportError when the dates do not fit."""
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = snapshot(stored, CAMPAIGN_FIELDS)
    relations_before = _relations_snapshot(stored)
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    _check_dates(campaign)
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        campaign.save(update_fields=[*changes, "updated_at"])
    for name in CAMPAIGN_RELATIONS:
        if name in fields:
            getattr(campaign, name).set(fields[name])
    relations_after = _relations_snapshot(campaign)
    changes.update(
        {
            name: [relations_before[name], relations_after[name]]
            for name in CAMPAIGN_RELATIONS
            if relations_before[name] != relations_after[name]
        }
    )
    if changes:
        extended = (
            "closes_at" in changes
            and stored.closes_at is not None
            and (campaign.closes_at is None or campaign.closes_at > stored.closes_at)
        )
        record_history(
            campaign, by=by, action="deadline_extended" if extended else "updated", changes=changes
        )
    return campaign


@transaction.atomic
def publish_campaign(campaign: Campaign, *, by) -> Campaign:
    """Make a previewed campaign visible to its audience. Publishing twice changes nothing."""
    if campaign.published_at is not None:
        return campaign
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["published_at", "updated_at"])
    record_history(campaign, by=by, action="published")
    return campaign


def upload_campaign_version(campaign: Campaign, file: BinaryIO, *, filename: str, by) -> Campaign:
    """A new XLSForm version for the campaign's questionnaire (same `form_id`). Responses
    already started keep their version. Raises FormImportError; then nothing changes."""
    return import_xlsform(
        file, filename=filename, campaign_slug=campaign.slug, by=by, publish=False
    )


@transaction.atomic
def invite_organizations(campaign: Campaign, *, by, resend: bool = False) -> list[int]:
    """Send the invitation e-mail to the audience organisations not invited yet (with
    `resend`, to all of them again). Returns the ids of the organisations e-mailed."""
    from approdo.surveys.tasks import send_campaign_invitations

    if not campaign.is_published:
        raise SurveyError(gettext("Publish the campaign before inviting organisations."))
    now = timezone.now()
    audience = set(campaign.audience().values_list("pk", flat=True))
    invited = dict(
        CampaignInvitation.objects.filter(campaign=campaign).values_list("organization_id", "pk")
    )
    new = sorted(audience - invited.keys())
    CampaignInvitation.objects.bulk_create(
        CampaignInvitation(campaign=campaign, organization_id=pk, sent_at=now, sent_by=by)
        for pk in new
    )
    again = sorted(audience & invited.keys()) if resend else []
    if again:
        CampaignInvitation.objects.filter(campaign=campaign, organization_id__in=again).update(
            sent_at=now, sent_count=F("sent_count") + 1, sent_by=by
        )
    organization_ids = sorted([*new, *again])
    if organization_ids:
        record_history(
            campaign,
            by=by,
            action="invitations_sent",
            changes={"organisations": [None, len(organization_ids)]},
        )
        transaction.on_commit(
            lambda: send_campaign_invitations.enqueue(campaign.pk, organization_ids)
        )
    return organization_ids


def due_reminder_days(campaign: Campaign, now: datetime.datetime | None = None) -> int | None:
    """The reminder due at `now`: the smallest number of days before the deadline whose time
    has come, or None (no deadline, deadline passed, or not yet time)."""
    now = now or timezone.now()
    if not campaign.is_published or campaign.closes_at is None or now >= campaign.closes_at:
        return None
    due = [d for d in campaign.reminder_day_list if now >= campaign.closes_at - timedelta(days=d)]
    return min(due) if due else None


def send_reminders(campaign: Campaign, *, now: datetime.datetime | None = None) -> list[int]:
    """E-mail the due reminder to every invited organisation that has not submitted yet.
    Idempotent: a ReminderSent row per (organisation, days) is written together with the
    e-mail, so running it again sends nothing twice. Returns the organisation ids reminded."""
    from approdo.surveys.tasks import send_reminder_email

    days = due_reminder_days(campaign, now)
    if days is None:
        return []
    answered = SurveyResponse.objects.filter(campaign=campaign).exclude(
        status=SurveyResponse.Status.DRAFT
    )
    pending = (
        CampaignInvitation.objects.filter(campaign=campaign)
        .exclude(organization_id__in=answered.values("organization_id"))
        .exclude(
            organization_id__in=ReminderSent.objects.filter(
                campaign=campaign, days_before=days
            ).values("organization_id")
        )
        .values_list("organization_id", flat=True)
    )
    reminded = []
    for organization_id in pending:
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                campaign=campaign, organization_id=organization_id, days_before=days
            )
            if created:
                send_reminder_email(campaign, organization_id, days)
                reminded.append(organization_id)
    return reminded


def campaigns_with_reminders_due(now: datetime.datetime | None = None) -> list[Campaign]:
    """Published campaigns, still open, for which a reminder is due at `now`."""
    now = now or timezone.now()
    campaigns = Campaign.objects.published().filter(closes_at__gt=now).exclude(reminder_days="")
    return [campaign for campaign in campaigns if due_reminder_days(campaign, now) is not None]


@transaction.atomic
def reopen_response(
    response: SurveyResponse, *, by, until: datetime.datetime, note: str = ""
) -> SurveyResponse:
    """Let the organisation edit and send one response until `until`, even after the
    deadline. A response already sent goes back to it as "changes requested"; a validated
    or rejected response cannot be reopened (InvalidTransition)."""
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    old_status = response.status
    if not response.is_editable:
        response.move_to(SurveyResponse.Status.CHANGES_REQUESTED)
    if until <= timezone.now():
        raise SurveyError(gettext("The response must be reopened until a future time."))
    response.reopened_until = until
    response.save(update_fields=["status", "reopened_until", "updated_at"])
    record_history(
        response,
        by=by,
        action="reopened",
        changes={"status": [old_status, response.status], "reopened_until": [None, str(until)]},
        note=note,
    )
    return response


REVIEW_ACTIONS = {
    "start_review": SurveyResponse.Status.IN_REVIEW,
    "validate": SurveyResponse.Status.VALIDATED,
    "request_changes": SurveyResponse.Status.CHANGES_REQUESTED,
    "reject": SurveyResponse.Status.REJECTED,
}
NOTIFIED_STATUSES = {
    SurveyResponse.Status.VALIDATED,
    SurveyResponse.Status.CHANGES_REQUESTED,
    SurveyResponse.Status.REJECTED,
}


def _review(response: SurveyResponse, status: str, *, by, note: str = "") -> SurveyResponse:
    from approdo.surveys.tasks import notify_review

    locked = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    old_status = locked.status
    locked.move_to(status)  # raises InvalidTransition if the state machine forbids it
    locked.save(update_fields=["status", "updated_at"])
    response.status = locked.status
    record_history(
        locked, by=by, action=status, changes={"status": [old_status, status]}, note=note
    )
    if note:
        ResponseComment.objects.create(response=locked, author=by, from_reviewer=True, body=note)
    if status in NOTIFIED_STATUSES:
        transaction.on_commit(lambda: notify_review.enqueue(locked.pk, status, note))
    return locked


@transaction.atomic
def start_review(response: SurveyResponse, *, by) -> SurveyResponse:
    """Take a submitted response into review."""
    return _review(response, SurveyResponse.Status.IN_REVIEW, by=by)


@transaction.atomic
def validate_response(response: SurveyResponse, *, by, note: str = "") -> SurveyResponse:
    """Accept a response; the organisation is told by e-mail."""
    return _review(response, SurveyResponse.Status.VALIDATED, by=by, note=note)


@transaction.atomic
def request_changes(response: SurveyResponse, *, by, note: str) -> SurveyResponse:
    """Send a response back to the organisation, which edits and resubmits it; the note goes
    into the comment thread and the e-mail."""
    return _review(response, SurveyResponse.Status.CHANGES_REQUESTED, by=by, note=note)


@transaction.atomic
def reject_response(response: SurveyResponse, *, by, note: str) -> SurveyResponse:
    """Refuse a response for good; the note goes into the comment thread and the e-mail."""
    return _review(response, SurveyResponse.Status.REJECTED, by=by, note=note)


def review(response: SurveyResponse, action: str, *, by, note: str = "") -> SurveyResponse:
    """Apply one of REVIEW_ACTIONS by name."""
    if action == "start_review":
        return start_review(response, by=by)
    if action == "validate":
        return validate_response(response, by=by, note=note)
    if action == "request_changes":
        return request_changes(response, by=by, note=note)
    if action == "reject":
        return reject_response(response, by=by, note=note)
    raise ValueError(action)


def review_many(
    responses, action: str, *, by, note: str = ""
) -> tuple[list[SurveyResponse], list[tuple[SurveyResponse, str]]]:
    """Apply one review action to each response on its own; returns (done, refused with the
    reason). One refusal does not undo the others."""
    done, refused = [], []
    for response in responses:
        try:
            done.append(review(response, action, by=by, note=note))
        except InvalidTransition as error:
            refused.append((response, str(error)))
    return done, refused


@transaction.atomic
def add_comment(response: SurveyResponse, *, by, body: str, from_reviewer: bool) -> ResponseComment:
    """Add a message to the response's thread (reviewers, or members of the organisation:
    the view checks which). Comments are never changed afterwards."""
    comment = ResponseComment.objects.create(
        response=response, author=by, from_reviewer=from_reviewer, body=body
    )
    record_history(response, by=by, action="commented")
    return comment
