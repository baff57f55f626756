"""Questionnaires (XLSForm), their versions, campaigns and the responses organisations send."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from approdo.organizations import permissions


def parse_reminder_days(text: str) -> list[int]:
    """ "7, 2" -> [7, 2] (distinct, largest first); raises ValueError on anything else."""
    days = set()
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= 365:
            raise ValueError(part)
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_reminder_days(text: str) -> None:
    try:
        parse_reminder_days(text)
    except ValueError:
        raise ValidationError(
            _("Write whole numbers of days between 1 and 365, separated by commas."),
            code="invalid",
        ) from None


CAMPAIGN_STATES = {
    "draft": _("Draft (not published)"),
    "scheduled": _("Scheduled"),
    "open": pgettext_lazy("campaign", "Open"),
    "closed": pgettext_lazy("campaign", "Closed"),
}


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
    def published(self) -> "CampaignQuerySet":
        """Campaigns organisations can see (a campaign is prepared and previewed unpublished)."""
        return self.filter(published_at__isnull=False)

    def open_at(self, now: datetime.datetime | None = None) -> "CampaignQuerySet":
        now = now or timezone.now()
        return self.published().filter(
            Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now)
        )

    def with_status_counts(self) -> "CampaignQuerySet":
        """Annotate `count_<status>` for every response status, and `responses_total`."""
        counts = {
            f"count_{status}": models.Count("responses", filter=Q(responses__status=status))
            for status in SurveyResponse.Status.values
        }
        return self.annotate(responses_total=models.Count("responses"), **counts)


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
    zone = models.ManyToManyField(
        "territory.Zona",
        verbose_name=_("zone distretto"),
        blank=True,
        related_name="+",
        help_text=_("Limit the kinds above to organisations seated in these zone."),
    )
    asls = models.ManyToManyField(
        "territory.ASL",
        verbose_name=_("ASL"),
        blank=True,
        related_name="+",
        help_text=_("Limit the kinds above to organisations seated in these ASL."),
    )
    open_to_all = models.BooleanField(_("open to every registered organisation"), default=False)
    many_responses = models.BooleanField(_("many responses per organisation"), default=False)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Organisations see the campaign only once it is published."),
    )
    reminder_days = models.CharField(
        _("reminders (days before the deadline)"),
        max_length=50,
        blank=True,
        default="7,2",
        validators=[validate_reminder_days],
        help_text=_("Comma-separated numbers of days, e.g. 7,2. Empty: no reminders."),
    )
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

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def state(self) -> str:
        """draft (unpublished), scheduled, open or closed, now."""
        now = timezone.now()
        if not self.is_published:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def state_label(self) -> str:
        return CAMPAIGN_STATES[self.state]

    @property
    def reminder_day_list(self) -> list[int]:
        """The days before the deadline when reminders go out, largest first."""
        return parse_reminder_days(self.reminder_days)

    def closed_reason(self, now: datetime.datetime | None = None) -> str:
        """Why the campaign does not accept answers at `now` (empty when it is open)."""
        now = now or timezone.now()
        if not self.is_published:
            return gettext("The campaign is not published yet.")
        if now < self.opens_at:
            opens = timezone.localtime(self.opens_at).strftime("%d/%m/%Y %H:%M")
            return gettext("The campaign opens on %(when)s.") % {"when": opens}
        if self.closes_at is not None and now >= self.closes_at:
            closed = timezone.localtime(self.closes_at).strftime("%d/%m/%Y %H:%M")
            return gettext("The campaign closed on %(when)s.") % {"when": closed}
        return ""

    def has_territory_filter(self) -> bool:
        return self.zone.exists() or self.asls.exists()

    def audience(self):
        """The organisations the campaign is addressed to: those listed, plus (when kinds or a
        territory are set) those of the kinds seated in the zone/ASL chosen, or every
        organisation when it is open to all."""
        from approdo.organizations.models import Organization
        from approdo.territory.models import ComuneZona

        organizations = Organization.objects.all()
        if self.open_to_all:
            return organizations
        zone = list(self.zone.values_list("pk", flat=True))
        asls = list(self.asls.values_list("pk", flat=True))
        condition = Q(pk__in=self.organizations.values("pk"))
        if self.kinds or zone or asls:
            matching = Q(kind__in=self.kinds) if self.kinds else Q()
            if zone or asls:
                links = ComuneZona.objects.valid_on().filter(
                    Q(zona_id__in=zone) | Q(zona__asl_id__in=asls)
                )
                matching &= Q(seat__in=links.values("comune"))
            condition |= matching
        return organizations.filter(condition)

    def includes(self, organization) -> bool:
        """Whether `organization` is in the audience."""
        if self.open_to_all:
            return True
        if organization.kind in (self.kinds or []) and not self.has_territory_filter():
            return True
        return self.audience().filter(pk=organization.pk).exists()


class SurveyResponseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SurveyResponseQuerySet":
        """Members see their organisations' responses, drafts included; drafts stay private
        to the organisation: regional roles and analysts see every other response once it is
        sent, territory officers the sent responses of organisations seated in their zona or
        ASL. The one rule for pages, files and exports alike."""
        if user is None or not user.is_authenticated:
            return self.none()
        own = Q(organization_id__in=permissions.organization_ids_of(user))
        if permissions.can_read_everything(user):
            return self.filter(own | ~Q(status=SurveyResponse.Status.DRAFT))  # own, or sent()
        condition = own
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

    def sent(self) -> "SurveyResponseQuerySet":
        """Responses the organisation has sent (every status but draft)."""
        return self.exclude(status=SurveyResponse.Status.DRAFT)

    def reviewable_by(self, user) -> "SurveyResponseQuerySet":
        """Regional administrators and coordinators review every response that was sent
        (drafts stay private to the organisation); nobody else reviews."""
        if not permissions.is_regional(user):
            return self.none()
        return self.exclude(status=SurveyResponse.Status.DRAFT)

    def seated_in(self, *, zona=None, asl=None) -> "SurveyResponseQuerySet":
        """Responses of organisations whose seat is, today, in `zona` or in `asl`."""
        from approdo.territory.models import ComuneZona

        links = ComuneZona.objects.valid_on()
        if zona is not None:
            links = links.filter(zona=zona)
        if asl is not None:
            links = links.filter(zona__asl=asl)
        return self.filter(organization__seat__in=links.values("comune"))

    def in_review_queue(self) -> "SurveyResponseQuerySet":
        """Sent responses in the queue's stable order: first submitted first, then by id."""
        return self.exclude(status=SurveyResponse.Status.DRAFT).order_by(
            models.F("submitted_at").asc(nulls_last=True), "pk"
        )

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
    last_page = models.PositiveSmallIntegerField(
        _("page last shown"),
        default=1,
        help_text=_("Where the questionnaire opens again for the organisation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_until = models.DateTimeField(
        _("reopened until"),
        null=True,
        blank=True,
        help_text=_("A coordinator reopened this response: it may be edited and sent until then."),
    )
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

    def closed_reason(self, now: datetime.datetime | None = None) -> str:
        """Why this response cannot be edited or sent at `now` (empty when it can): the
        campaign's reason, unless a coordinator reopened the response until a later time
        or, without such a limit, sent it back for changes."""
        now = now or timezone.now()
        if self.reopened_until is not None:
            if now < self.reopened_until:
                return ""
        elif self.status == self.Status.CHANGES_REQUESTED and self.campaign.is_published:
            return ""
        return self.campaign.closed_reason(now)

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


class ResponseComment(models.Model):
    """One message in the thread between reviewers and the responding organisation.
    Comments are never edited or deleted."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_reviewer = models.BooleanField(_("written by a reviewer"), default=False)
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["response", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.response} – {self.author}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Comments are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Comments are immutable.")


class CampaignInvitation(models.Model):
    """The invitation e-mail sent to one organisation of a campaign's audience."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    sent_at = models.DateTimeField(_("sent"))
    sent_count = models.PositiveIntegerField(_("times sent"), default=1)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campaign invitation")
        verbose_name_plural = _("campaign invitations")
        ordering = ["campaign", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="campaign_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.organization}"


class ReminderSent(models.Model):
    """A deadline reminder sent to one organisation: the row makes sending idempotent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.PositiveIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "days_before"], name="reminder_sent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.organization} ({self.days_before})"


def _rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage, or None when there is no whole."""
    return 100 * part / whole if whole else None


def campaign_figures(campaign: Campaign) -> dict:
    """The campaign dashboard's numbers: responses by status, and the response rate (the
    organisations that sent a response over those invited, or over the audience when nobody
    was invited yet), overall and by zona and ASL of the organisation's seat today, and
    submissions per day (Italian time)."""
    from django.db.models.functions import TruncDate

    from approdo.territory.models import ComuneZona

    responses = SurveyResponse.objects.filter(campaign=campaign)
    by_status = dict(
        responses.order_by()
        .values_list("status")
        .annotate(n=models.Count("pk"))
        .values_list("status", "n")
    )
    statuses = [
        (status, label, by_status.get(status, 0)) for status, label in SurveyResponse.Status.choices
    ]
    invited = CampaignInvitation.objects.filter(campaign=campaign)
    base_is_invited = invited.exists()
    base = (
        invited.values_list("organization_id", "organization__seat_id")
        if base_is_invited
        else campaign.audience().values_list("pk", "seat_id")
    )
    seats = dict(base)
    sent = responses.exclude(status=SurveyResponse.Status.DRAFT)
    responded = set(sent.values_list("organization_id", flat=True).distinct()) & seats.keys()
    links = {
        comune_id: (zona_slug, zona_name, asl_slug, asl_name)
        for comune_id, zona_slug, zona_name, asl_slug, asl_name in ComuneZona.objects.valid_on()
        .filter(comune_id__in={seat for seat in seats.values() if seat})
        .values_list("comune_id", "zona__slug", "zona__name", "zona__asl__slug", "zona__asl__name")
    }
    zone: dict[str, dict] = {}
    asls: dict[str, dict] = {}
    unplaced = gettext("Seat unknown")
    for organization_id, seat_id in seats.items():
        zona_slug, zona_name, asl_slug, asl_name = links.get(seat_id, ("", unplaced, "", unplaced))
        for table, key, name in ((zone, zona_slug, zona_name), (asls, asl_slug, asl_name)):
            row = table.setdefault(key, {"slug": key, "name": name, "invited": 0, "responded": 0})
            row["invited"] += 1
            row["responded"] += organization_id in responded
    for table in (zone, asls):
        for row in table.values():
            row["rate"] = _rate(row["responded"], row["invited"])
    per_day = list(
        sent.filter(submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at"))
        .order_by("day")
        .values("day")
        .annotate(count=models.Count("pk"))
        .values_list("day", "count")
    )
    return {
        "statuses": statuses,
        "total": sum(by_status.values()),
        "base_is_invited": base_is_invited,
        "invited": len(seats),
        "responded": len(responded),
        "rate": _rate(len(responded), len(seats)),
        "zone": sorted(zone.values(), key=lambda row: (row["slug"] == "", row["name"])),
        "asls": sorted(asls.values(), key=lambda row: (row["slug"] == "", row["name"])),
        "per_day": per_day,
    }
