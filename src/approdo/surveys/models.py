"""Questionnaires (XLSForm), their versions, campaigns and the responses organisations send."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.organizations import permissions


class InvalidTransition(ValueError):
    """A response cannot move from its current status to the requested one."""


class Questionnaire(models.Model):
    """One questionnaire, identified by the `form_id` of its XLSForm; uploads make versions."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    """One uploaded XLSForm, converted once into our own schema (see `xlsform.py`)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    source = models.FileField(_("XLSForm file"), upload_to="surveys/xlsforms/%Y/")
    schema = models.JSONField(_("form structure"))
    xform = models.TextField(_("XForm"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def question_count(self) -> int:
        return self.schema.get("question_count", 0)


class CampaignQuerySet(models.QuerySet):
    def open_at(self, now: datetime.datetime | None = None) -> "CampaignQuerySet":
        now = now or timezone.now()
        return self.filter(Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Campaign(models.Model):
    """A questionnaire version sent to an audience of organisations, open between two times."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("invited organisations"),
        blank=True,
        related_name="survey_campaigns",
    )
    kinds = models.JSONField(
        _("invited organisation kinds"),
        default=list,
        blank=True,
        help_text=_("Every organisation of these kinds may respond."),
    )
    open_to_all = models.BooleanField(_("open to every registered organisation"), default=False)
    many_responses = models.BooleanField(_("many responses per organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        return not self.closed_reason(now)

    def closed_reason(self, now: datetime.datetime | None = None) -> str:
        """Why the campaign does not accept answers at `now` (empty when it is open)."""
        now = now or timezone.now()
        if now < self.opens_at:
            opens = timezone.localtime(self.opens_at).strftime("%d/%m/%Y %H:%M")
            return gettext("The campaign opens on %(when)s.") % {"when": opens}
        if self.closes_at is not None and now >= self.closes_at:
            closed = timezone.localtime(self.closes_at).strftime("%d/%m/%Y %H:%M")
            return gettext("The campaign closed on %(when)s.") % {"when": closed}
        return ""

    def includes(self, organization) -> bool:
        """Whether `organization` is in the audience (one query at most)."""
        if self.open_to_all or organization.kind in (self.kinds or []):
            return True
        return self.organizations.filter(pk=organization.pk).exists()


class SurveyResponseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SurveyResponseQuerySet":
        """Regional roles and analysts see every response; members their organisations'
        responses (drafts included); territory officers the responses, drafts excluded, of
        organisations seated in their zona or ASL."""
        if permissions.can_read_everything(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        condition = Q(organization_id__in=permissions.organization_ids_of(user))
        zona_ids, asl_ids = permissions.territory_scope(user)
        if zona_ids or asl_ids:
            from approdo.territory.models import ComuneZona

            links = ComuneZona.objects.valid_on().filter(
                Q(zona_id__in=zona_ids) | Q(zona__asl_id__in=asl_ids)
            )
            condition |= Q(organization__seat__in=links.values("comune")) & ~Q(
                status=SurveyResponse.Status.DRAFT
            )
        return self.filter(condition)

    def editable_by(self, user) -> "SurveyResponseQuerySet":
        """Members of the responding organisation edit its drafts and the responses sent back
        to them for changes."""
        members = permissions.organization_ids_of(
            user, {permissions.ORG_MANAGER, permissions.ORG_MEMBER}
        )
        return self.filter(organization_id__in=members, status__in=SurveyResponse.EDITABLE)


class SurveyResponse(models.Model):
    """An organisation's answers to a campaign, in the version it was started with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        VALIDATED = "validated", _("Validated")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {
            Status.IN_REVIEW,
            Status.VALIDATED,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
        },
        Status.IN_REVIEW: {Status.VALIDATED, Status.CHANGES_REQUESTED, Status.REJECTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.VALIDATED: set(),
        Status.REJECTED: set(),
    }
    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses"
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    instance_id = models.UUIDField(_("instance id"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["campaign", "organization", "pk"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.organization}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def move_to(self, status: str, *, now: datetime.datetime | None = None) -> None:
        """Change the status in memory; raises InvalidTransition if the state machine forbids
        it. Moving to submitted stamps `submitted_at`."""
        if not self.can_move_to(status):
            raise InvalidTransition(
                gettext("A response cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": self.Status(self.status).label,
                    "new": self.Status(status).label,
                }
            )
        self.status = status
        if status == self.Status.SUBMITTED:
            self.submitted_at = now or timezone.now()
