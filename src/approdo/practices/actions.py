"""Every change to practices with consequences: history, search index, e-mail.

Views and commands check who calls (practices/permissions.py); these functions assume it.
After each write they call `search.reindex` so the public catalogue follows."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from approdo.core import client
from approdo.core.history import diff, record_history, snapshot
from approdo.organizations.models import Organization
from approdo.practices import search
from approdo.practices.models import (
    BeneficiaryCount,
    ContactMessage,
    FieldMapping,
    Practice,
    PracticeAssessment,
    PracticeAttachment,
    PracticeTranslation,
    ReconfirmationRequest,
    UpdateReport,
)
from approdo.practices.tasks import send_contact_message
from approdo.surveys import actions as survey_actions
from approdo.surveys.models import Campaign, QuestionnaireVersion, SurveyResponse
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Comune, Zona

SCALAR_FIELDS = [
    "code",
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "end_date",
    "lead_organization",
    "funding_sources",
    "results",
    "evidence",
    "innovation",
    "transferability",
    "sustainability",
    "difficulties",
    "links",
    "image",
    "image_alt",
    "contact_name",
    "contact_email",
    "confirmed_at",
    "published_at",
]
M2M_FIELDS = ["partners", "comuni", "zone", "actions", "targets"]
CONTACT_LIMIT_PER_IP = 3  # messages per hour from one address
CONTACT_LIMIT_PER_PRACTICE = 10  # messages per day to one practice
REPORT_LIMIT_PER_IP = 5  # update reports per hour from one address


class PracticeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _state(practice: Practice) -> dict[str, Any]:
    """Scalars and relations as comparable text, for the history diff."""
    state = snapshot(practice, SCALAR_FIELDS)
    if practice.pk:
        for name in M2M_FIELDS:
            state[name] = "; ".join(sorted(str(obj) for obj in getattr(practice, name).all()))
        state["beneficiaries"] = "; ".join(
            f"{row.category}={row.count}"
            for row in practice.beneficiary_counts.order_by("category")
        )
    return state


def _apply(
    practice: Practice,
    data: dict[str, Any],
    relations: dict[str, Any],
    beneficiaries: dict[str, int | None] | None,
) -> None:
    for name, value in data.items():
        setattr(practice, name, value)
    practice.save()
    for name, values in relations.items():
        getattr(practice, name).set(values)
    if "comuni" in relations or "zone" in relations:
        practice.fill_zone_from_comuni()
    if beneficiaries is not None:
        set_beneficiaries(practice, beneficiaries)


def set_beneficiaries(practice: Practice, counts: dict[str, int | None]) -> None:
    """Store the aggregate counts given (a None count removes the category)."""
    for category, count in counts.items():
        if count is None:
            practice.beneficiary_counts.filter(category=category).delete()
        else:
            BeneficiaryCount.objects.update_or_create(
                practice=practice, category=category, defaults={"count": count}
            )


@transaction.atomic
def create_practice(
    *,
    by,
    data: dict[str, Any],
    relations: dict[str, Any] | None = None,
    beneficiaries: dict[str, int | None] | None = None,
    action: str = "created",
    note: str = "",
) -> Practice:
    """Create a practice (a draft unless `data` sets published_at). For coordinators and
    the import command. Records history and refreshes the search index."""
    practice = Practice()
    _apply(practice, data, relations or {}, beneficiaries)
    record_history(practice, by=by, action=action, changes=diff({}, _state(practice)), note=note)
    search.reindex([practice.pk])
    return practice


@transaction.atomic
def update_practice(
    practice: Practice,
    *,
    by,
    data: dict[str, Any],
    relations: dict[str, Any] | None = None,
    beneficiaries: dict[str, int | None] | None = None,
    action: str = "updated",
) -> dict:
    """Change a practice; returns the changes (nothing recorded when nothing changed)."""
    # From the database: a model form has already copied the new values onto `practice`.
    before = _state(Practice.objects.select_for_update().get(pk=practice.pk))
    _apply(practice, data, relations or {}, beneficiaries)
    changes = diff(before, _state(practice))
    if changes:
        record_history(practice, by=by, action=action, changes=changes)
        search.reindex([practice.pk])
    return changes


@transaction.atomic
def save_translations(practice: Practice, *, by, texts: dict[str, tuple[str, str]]) -> None:
    """Store the translated (title, summary) per language; an empty summary removes it."""
    changes = {}
    existing = {row.language: row for row in practice.translations.all()}
    for language, (title, summary) in texts.items():
        row = existing.get(language)
        old = (row.title, row.summary) if row else ("", "")
        if (title, summary) == old or (row is None and not summary):
            continue
        if not summary:
            row.delete()
        else:
            PracticeTranslation.objects.update_or_create(
                practice=practice, language=language, defaults={"title": title, "summary": summary}
            )
        changes[f"summary ({language})"] = [old[1] or None, summary or None]
    if changes:
        record_history(practice, by=by, action="translated", changes=changes)
        search.reindex([practice.pk])


@transaction.atomic
def assess_practice(practice: Practice, *, by, values: dict[str, Any]) -> PracticeAssessment:
    """Score the criteria checklist (scores 0-3 and notes); who and when are recorded."""
    assessment, _created = PracticeAssessment.objects.get_or_create(practice=practice)
    names = [
        n
        for criterion, _label in PracticeAssessment.CRITERIA
        for n in (criterion, f"{criterion}_note")
    ]
    before = snapshot(assessment, names)
    for name in names:
        if name in values:
            setattr(assessment, name, values[name])
    changes = diff(before, snapshot(assessment, names))
    if changes:
        assessment.assessed_by = by
        assessment.assessed_at = timezone.now()
        assessment.save()
        record_history(practice, by=by, action="assessed", changes=changes)
    return assessment


@transaction.atomic
def publish_practice(practice: Practice, *, by) -> Practice:
    """Publish a practice whose checklist is complete with no criterion scored 0.
    Publishing twice changes nothing. Raises PracticeError otherwise."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.published_at is not None:
        return practice
    assessment = PracticeAssessment.objects.filter(practice=practice).first()
    if assessment is None or not assessment.complete:
        raise PracticeError(gettext("Score every criterion of the checklist before publishing."))
    if not assessment.passed:
        raise PracticeError(
            gettext("A criterion scored 0 (not met): the practice cannot be published.")
        )
    practice.published_at = timezone.now()
    practice.save(update_fields=["published_at", "updated_at"])
    record_history(practice, by=by, action="published")
    search.reindex([practice.pk])
    return practice


@transaction.atomic
def unpublish_practice(practice: Practice, *, by, note: str = "") -> Practice:
    """Withdraw a practice from the public catalogue (it becomes a draft again)."""
    if practice.published_at is None:
        return practice
    practice.published_at = None
    practice.save(update_fields=["published_at", "updated_at"])
    record_history(practice, by=by, action="unpublished", note=note)
    search.reindex([practice.pk])
    return practice


@transaction.atomic
def confirm_practice(practice: Practice, *, by, on: datetime.date | None = None) -> Practice:
    """Record that the organisation confirmed the practice is still accurate."""
    on = on or timezone.localdate()
    old = practice.confirmed_at
    if old is not None and old >= on:
        return practice
    practice.confirmed_at = on
    practice.save(update_fields=["confirmed_at", "updated_at"])
    record_history(
        practice,
        by=by,
        action="confirmed",
        changes={"confirmed_at": [str(old) if old else None, str(on)]},
    )
    search.reindex([practice.pk])
    return practice


@transaction.atomic
def add_attachment(practice: Practice, *, by, title: str, file) -> PracticeAttachment:
    attachment = PracticeAttachment.objects.create(practice=practice, title=title, file=file)
    record_history(
        practice, by=by, action="attachment_added", changes={"attachments": [None, title]}
    )
    return attachment


@transaction.atomic
def remove_attachment(attachment: PracticeAttachment, *, by) -> None:
    practice = attachment.practice
    attachment.file.delete(save=False)
    attachment.delete()
    record_history(
        practice,
        by=by,
        action="attachment_removed",
        changes={"attachments": [attachment.title, None]},
    )


# --- From a survey response to a draft practice ---------------------------------------

NO_CONSENT = {"", "no", "nessuna", "none", "false", "0"}
MAPPABLE_FIELDS = [
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "end_date",
    "comuni",
    "zone",
    "actions",
    "targets",
    "funding_sources",
    "partners",
    "results",
    "evidence",
    "innovation",
    "transferability",
    "sustainability",
    "difficulties",
    "contact_name",
    "contact_email",
    "beneficiaries_total",
    "beneficiaries_women",
    "beneficiaries_minors",
]
# Question types a mapping can read (groups and notes hold no answer).
MAPPED_TYPES = {
    "text",
    "integer",
    "decimal",
    "date",
    "select_one",
    "select_multiple",
    "repeat",
    "calculate",
    "acknowledge",
    "hidden",
}
STATUS_VALUES = {"ongoing": "ongoing", "in_corso": "ongoing", "ended": "ended", "concluso": "ended"}


def _values(answer: Any) -> list[str]:
    """A select_multiple answer (space-separated text or list) as a list of values."""
    if answer is None:
        return []
    if isinstance(answer, list):
        return [str(value) for value in answer]
    return str(answer).split()


def consented_parts(mapping: FieldMapping, answers: dict) -> set[str] | None:
    """The parts the organisation agreed to publish, or None when it did not agree."""
    parts = {value.lower() for value in _values(answers.get(mapping.consent_question))}
    if not parts or parts & NO_CONSENT:
        return None
    return parts


def _choice_labels(schema: dict, question: str) -> dict[str, str]:
    from approdo.surveys.xlsform import walk

    language = schema.get("default_language") or ""
    for element in walk(schema.get("children", [])):
        if element.get("name") == question:
            return {
                choice["name"]: choice["labels"].get(language)
                or next(iter(choice["labels"].values()), choice["name"])
                for choice in element.get("choices", [])
            }
    return {}


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    try:
        number = int(float(str(value)))
    except ValueError:
        return None
    return number if number >= 0 else None


def _partner(row: dict) -> Organization | None:
    """The partner organisation of one repeat row (`*nome*`/`*name*`, `*tipo*`/`*kind*`)."""
    name = next((v for k, v in row.items() if "nome" in k or "name" in k), "")
    kind = next((v for k, v in row.items() if "tipo" in k or "kind" in k), "")
    name = str(name).strip()
    if not name:
        return None
    found = Organization.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None or kind not in Organization.Kind.values:
        return found
    return Organization.objects.create(name=name, kind=kind)


@dataclass
class MappedPractice:
    data: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, Any] = field(default_factory=dict)
    beneficiaries: dict[str, int | None] = field(default_factory=dict)


def map_response(mapping: FieldMapping, response: SurveyResponse) -> MappedPractice:
    """The practice values the mapping takes from the response: only answers the
    organisation agreed to publish. Raises PracticeError when it did not agree."""
    answers = response.answers or {}
    parts = consented_parts(mapping, answers)
    if parts is None:
        raise PracticeError(gettext("The organisation did not agree to publish this response."))
    mapped = MappedPractice()
    texts: dict[str, list[str]] = {}
    for rule in mapping.rules:
        question, target = rule.get("question"), rule.get("field")
        requires = (rule.get("requires") or "").lower()
        answer = answers.get(question)
        if target not in MAPPABLE_FIELDS or answer in (None, "", []):
            continue
        if requires and requires not in parts:
            continue
        values = rule.get("values") or {}
        if target in ("status",):
            value = STATUS_VALUES.get(values.get(str(answer), str(answer)))
            if value:
                mapped.data["status"] = value
        elif target in ("start_date", "end_date"):
            mapped.data[target] = _date(answer)
        elif target == "comuni":
            mapped.relations["comuni"] = list(Comune.objects.filter(pk__in=_values(answer)))
        elif target == "zone":
            codes = _values(answer)
            mapped.relations["zone"] = list(
                Zona.objects.filter(Q(slug__in=codes) | Q(name__in=[str(answer)]))
            )
        elif target == "actions":
            mapped.relations["actions"] = list(Action.objects.filter(pk__in=_values(answer)))
        elif target == "targets":
            mapped.relations["targets"] = list(TargetGroup.objects.filter(pk__in=_values(answer)))
        elif target == "funding_sources":
            labels = _choice_labels(response.version.schema, question)
            mapped.data["funding_sources"] = [labels.get(v, v) for v in _values(answer)]
        elif target == "partners":
            rows = answer if isinstance(answer, list) else []
            partners = [_partner(row) for row in rows if isinstance(row, dict)]
            mapped.relations["partners"] = [p for p in partners if p is not None]
        elif target.startswith("beneficiaries_"):
            mapped.beneficiaries[target.removeprefix("beneficiaries_")] = _int(answer)
        else:
            texts.setdefault(target, []).append(str(answer).strip())
    for target, pieces in texts.items():
        limit = Practice._meta.get_field(target).max_length
        text = "\n\n".join(piece for piece in pieces if piece)
        mapped.data[target] = text[:limit] if limit else text
    return mapped


@transaction.atomic
def create_practice_from_response(response: SurveyResponse, *, by) -> tuple[Practice, bool]:
    """Turn a validated response into a draft practice through its questionnaire's mapping.
    Idempotent: the practice made earlier from the same response is returned (created=False).
    Raises PracticeError when the response is not validated, unmapped or not consented."""
    SurveyResponse.objects.select_for_update().filter(pk=response.pk).first()
    existing = Practice.objects.filter(source_response=response).first()
    if existing is not None:
        return existing, False
    if response.status != SurveyResponse.Status.VALIDATED:
        raise PracticeError(gettext("Only validated responses become practices."))
    mapping = FieldMapping.objects.filter(
        questionnaire_id=response.version.questionnaire_id
    ).first()
    if mapping is None:
        raise PracticeError(gettext("This questionnaire has no field mapping yet."))
    mapped = map_response(mapping, response)
    if not mapped.data.get("title"):
        raise PracticeError(gettext("The mapping gives no title for this response."))
    submitted = response.submitted_at or response.updated_at
    mapped.data.update(
        lead_organization=response.organization,
        source_response=response,
        confirmed_at=timezone.localdate(submitted),
    )
    practice = create_practice(
        by=by,
        data=mapped.data,
        relations=mapped.relations,
        beneficiaries=mapped.beneficiaries,
        action="created_from_response",
    )
    return practice, True


@transaction.atomic
def save_mapping(questionnaire, *, by, consent_question: str, rules: list[dict]) -> FieldMapping:
    mapping, _created = FieldMapping.objects.get_or_create(
        questionnaire=questionnaire, defaults={"consent_question": consent_question}
    )
    before = {"consent_question": mapping.consent_question, "rules": mapping.rules}
    mapping.consent_question = consent_question
    mapping.rules = rules
    mapping.save()
    changes = diff(
        {k: str(v) for k, v in before.items()},
        {"consent_question": consent_question, "rules": str(rules)},
    )
    if changes or _created:
        record_history(mapping, by=by, action="updated", changes=changes)
    return mapping


@dataclass
class MappingCopy:
    """What copying a mapping onto a questionnaire version gives: the rules (in the order of
    the version's questions), the consent question, the source's questions the version lacks
    and the version's questions left without a practice field."""

    consent_question: str
    rules: list[dict]
    unmatched: list[str]
    unmapped: list[str]


def plan_mapping_copy(
    source: FieldMapping, schema: dict, current: FieldMapping | None = None
) -> MappingCopy:
    """Match the rules of `source` with the questions of `schema` (a questionnaire version's)
    by name. The rules `current` (the target's own mapping) has for questions the source does
    not map are kept; its consent question too when the source's is not in `schema`."""
    from approdo.surveys.xlsform import walk

    order = [e["name"] for e in walk(schema.get("children", [])) if e.get("name")]
    position = {name: index for index, name in enumerate(order)}
    copied = {r["question"]: dict(r) for r in source.rules if r.get("question") in position}
    kept = {
        r["question"]: dict(r)
        for r in (current.rules if current else [])
        if r.get("question") in position and r["question"] not in copied
    }
    rules = sorted([*copied.values(), *kept.values()], key=lambda r: position[r["question"]])
    consent = source.consent_question
    if consent not in position:
        consent = current.consent_question if current else ""
    mapped = {rule["question"] for rule in rules} | {consent}
    questions = [
        e["name"] for e in walk(schema.get("children", [])) if e.get("type") in MAPPED_TYPES
    ]
    return MappingCopy(
        consent_question=consent,
        rules=rules,
        unmatched=[name for name in source.questions() if name not in position],
        unmapped=[name for name in questions if name not in mapped],
    )


@transaction.atomic
def copy_mapping(questionnaire, *, source: FieldMapping, schema: dict, by) -> MappingCopy:
    """Give `questionnaire` the rules of `source` that match the questions of `schema` (its
    latest version) by name (see plan_mapping_copy). Callers: editors. Recorded in history."""
    current = FieldMapping.objects.filter(questionnaire=questionnaire).first()
    plan = plan_mapping_copy(source, schema, current)
    save_mapping(questionnaire, by=by, consent_question=plan.consent_question, rules=plan.rules)
    return plan


# --- Contact relay and update reports -----------------------------------------------------


def hash_ip(ip: str) -> str:
    """A keyed hash of the sender's address: enough to rate-limit, useless to identify."""
    return client.hash_address(ip)


def contact_limit_reached(practice: Practice, ip_hash: str, now=None) -> bool:
    now = now or timezone.now()
    recent_ip = ContactMessage.objects.filter(
        ip_hash=ip_hash, created_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    recent_practice = ContactMessage.objects.filter(
        practice=practice, created_at__gte=now - datetime.timedelta(days=1)
    ).count()
    return recent_ip >= CONTACT_LIMIT_PER_IP or recent_practice >= CONTACT_LIMIT_PER_PRACTICE


@transaction.atomic
def relay_contact_message(
    practice: Practice, *, name: str, email: str, body: str, ip_hash: str
) -> ContactMessage:
    """A reader writes to a published practice's contact (anyone): log the message and, once
    committed, have it e-mailed by the `send_contact_message` task. Raises PracticeError when
    over the rate limit or when the practice has no contact."""
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    if contact_limit_reached(practice, ip_hash):
        raise PracticeError(gettext("Too many messages: please try again later."))
    if not practice.contact_address:
        raise PracticeError(gettext("This practice has no contact to write to."))
    message = ContactMessage.objects.create(
        practice=practice, sender_name=name, sender_email=email, body=body, ip_hash=ip_hash
    )
    transaction.on_commit(lambda: send_contact_message.enqueue(message.pk))
    return message


@transaction.atomic
def report_update(practice: Practice, *, body: str, email: str, ip_hash: str) -> UpdateReport:
    """Store a reader's report that the practice has changed, for the coordinators (anyone,
    on a published practice). Raises PracticeError when the address sent too many reports in
    the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    if UpdateReport.objects.filter(ip_hash=ip_hash, created_at__gte=since).count() >= (
        REPORT_LIMIT_PER_IP
    ):
        raise PracticeError(gettext("Too many messages: please try again later."))
    return UpdateReport.objects.create(practice=practice, body=body, email=email, ip_hash=ip_hash)


@transaction.atomic
def handle_update_report(report: UpdateReport, *, by) -> UpdateReport:
    if report.handled_at is None:
        report.handled_at = timezone.now()
        report.handled_by = by
        report.save(update_fields=["handled_at", "handled_by"])
        record_history(
            report.practice, by=by, action="update_report_handled", note=report.body[:300]
        )
    return report


# --- Freshness: re-confirmation requests through survey campaigns ----------------------

CONFIRMATION_FORM = Path(__file__).parent / "forms" / "conferma_pratica.md"
CONFIRMATION_FORM_ID = "conferma_buona_pratica"
CONFIRMATION_DAYS = 60


def _confirmation_campaign(*, by, organization_ids: list[int], now: datetime.datetime) -> Campaign:
    """A new campaign of the confirmation questionnaire for these organisations (the form is
    imported once, later requests reuse its latest version)."""
    base = f"conferma-pratiche-{timezone.localtime(now):%Y%m%d}"
    slug, number = base, 2
    while Campaign.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    title = gettext("Re-confirmation of good practices (%(date)s)") % {
        "date": timezone.localtime(now).strftime("%d/%m/%Y")
    }
    fields = {
        "title": title,
        "description": gettext(
            "Check that the information published about your practices is still correct."
        ),
        "opens_at": now,
        "closes_at": now + datetime.timedelta(days=CONFIRMATION_DAYS),
        "many_responses": True,
        "organizations": organization_ids,
    }
    version = (
        QuestionnaireVersion.objects.filter(questionnaire__slug=CONFIRMATION_FORM_ID)
        .order_by("-number")
        .first()
    )
    if version is None:
        with CONFIRMATION_FORM.open("rb") as file:
            campaign = survey_actions.create_campaign(
                file, filename=CONFIRMATION_FORM.name, slug=slug, by=by, **fields
            )
    else:
        organizations = fields.pop("organizations")
        campaign = Campaign.objects.create(slug=slug, version=version, **fields)
        campaign.organizations.set(organizations)
        record_history(
            campaign, by=by, action="created", changes={"version": [None, version.number]}
        )
    survey_actions.publish_campaign(campaign, by=by)
    return campaign


@transaction.atomic
def request_reconfirmation(practices: list[Practice], *, by, now=None) -> Campaign:
    """Ask the lead organisations to confirm these practices: one new campaign of the
    confirmation questionnaire addressed to them, a draft response per practice with its code
    prefilled, the usual campaign invitation e-mail, and a record on each practice.
    For coordinators."""
    if not practices:
        raise PracticeError(gettext("Choose at least one practice."))
    now = now or timezone.now()
    organization_ids = sorted({practice.lead_organization_id for practice in practices})
    campaign = _confirmation_campaign(by=by, organization_ids=organization_ids, now=now)
    for practice in practices:
        response = survey_actions.start_response(
            campaign, organization=practice.lead_organization, by=by
        )
        survey_actions.save_draft(
            response,
            answers={"codice_pratica": practice.code, "titolo_pratica": practice.title},
            revision=response.revision,
            by=by,
        )
        ReconfirmationRequest.objects.create(
            practice=practice,
            campaign=campaign,
            organization=practice.lead_organization,
            sent_at=now,
            sent_by=by,
        )
        record_history(practice, by=by, action="reconfirmation_requested", note=campaign.title)
    survey_actions.invite_organizations(campaign, by=by)
    return campaign


@transaction.atomic
def apply_confirmations(*, by) -> list[Practice]:
    """Read the validated responses to the confirmation questionnaire: each confirms its
    practice on the day it was sent, updates the status, and passes "what has changed" to
    the coordinators as an update report. Running it again changes nothing."""
    confirmed = []
    responses = SurveyResponse.objects.filter(
        version__questionnaire__slug=CONFIRMATION_FORM_ID,
        status=SurveyResponse.Status.VALIDATED,
    ).select_related("organization")
    for response in responses:
        answers = response.answers or {}
        practice = Practice.objects.filter(
            code=answers.get("codice_pratica"), lead_organization=response.organization
        ).first()
        day = timezone.localdate(response.submitted_at or response.updated_at)
        if practice is None or (practice.confirmed_at and practice.confirmed_at >= day):
            continue
        status = STATUS_VALUES.get(str(answers.get("stato", "")))
        if status and status != practice.status:
            update_practice(practice, by=by, data={"status": status}, action="confirmed")
        confirm_practice(practice, by=by, on=day)
        if answers.get("conferma") == "modifiche" and answers.get("modifiche"):
            UpdateReport.objects.create(
                practice=practice,
                body=str(answers["modifiche"])[:4000],
                email=response.organization.email,
            )
        confirmed.append(practice)
    return confirmed
