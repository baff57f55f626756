"""The work with institutions: the activation pipeline ("ricognizione") of every Comune,
Unione dei Comuni and Società della Salute, and the meetings held with them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "CalendarFeedToken",
    "FollowUpAction",
    "Meeting",
    "MeetingAttachment",
    "PipelineEntry",
]


class PipelineEntryQuerySet(models.QuerySet):
    def with_bodies(self) -> "PipelineEntryQuerySet":
        return self.select_related("comune", "unione", "sds__zona", "owner").defer(
            "comune__geometry", "sds__zona__geometry"
        )

    def in_board_order(self) -> "PipelineEntryQuerySet":
        """Ordered by status (the chain, then "not interested") and by the body's name."""
        statuses = [s for s in PipelineEntry.Status.values if s != "not_interested"]
        statuses.append("not_interested")
        rank = models.Case(
            *[models.When(status=s, then=models.Value(i)) for i, s in enumerate(statuses)],
            output_field=models.IntegerField(),
        )
        name = Coalesce("comune__name", "unione__name", "sds__name")
        return self.annotate(status_rank=rank, body_name=name).order_by(
            "status_rank", "body_name", "pk"
        )


class PipelineEntry(models.Model):
    """Where one body stands on the way to a SAI project of its own."""

    class Status(models.TextChoices):
        NOT_CONTACTED = "not_contacted", _("Not contacted")
        CONTACTED = "contacted", _("Contacted")
        INTERESTED = "interested", _("Interested")
        DESIGNING = "designing", _("Designing the project")
        APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
        ACTIVE = "active", _("Active")
        NOT_INTERESTED = "not_interested", _("Not interested")

    class BodyKind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        UNIONE = "unione", _("Unione dei Comuni")
        SDS = "sds", _("Società della Salute")

    comune = models.OneToOneField(
        "territory.Comune",
        verbose_name=_("Comune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_entry",
    )
    unione = models.OneToOneField(
        "territory.UnioneComuni",
        verbose_name=_("Unione dei Comuni"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_entry",
    )
    sds = models.OneToOneField(
        "territory.SocietaDellaSalute",
        verbose_name=_("Società della Salute"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_entry",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.NOT_CONTACTED
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    # The first day each status was reached: {"contacted": "2025-03-04", ...}.
    status_dates = models.JSONField(_("status dates"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pipeline_entries",
    )
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PipelineEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("pipeline entry")
        verbose_name_plural = _("pipeline entries")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(comune__isnull=False, unione__isnull=True, sds__isnull=True)
                    | Q(comune__isnull=True, unione__isnull=False, sds__isnull=True)
                    | Q(comune__isnull=True, unione__isnull=True, sds__isnull=False)
                ),
                name="pipelineentry_exactly_one_body",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return str(self.body)

    def get_absolute_url(self) -> str:
        return reverse("governance:pipeline-entry", kwargs={"pk": self.pk})

    @property
    def body(self):
        return self.comune or self.unione or self.sds

    @property
    def body_kind(self) -> str:
        if self.comune_id:
            return self.BodyKind.COMUNE
        if self.unione_id:
            return self.BodyKind.UNIONE
        return self.BodyKind.SDS

    def get_body_kind_display(self) -> str:
        return self.BodyKind(self.body_kind).label

    @property
    def next_step_overdue(self) -> bool:
        return bool(self.next_step_due and self.next_step_due < timezone.localdate())


class Meeting(models.Model):
    class Type(models.TextChoices):
        CONFERENZA_ZONALE = "conferenza_zonale", _("Conferenza zonale dei sindaci")
        CONFERENZA_REGIONALE = "conferenza_regionale", _("Conferenza regionale dei sindaci")
        DIRETTORI_SDS = "direttori_sds", _("Directors of the Società della Salute")
        GIUNTA_UNIONE = "giunta_unione", _("Giunta of an Unione dei Comuni")
        INCONTRO_SINDACO = "incontro_sindaco", _("Meeting with the mayor")
        PREFETTURA = "prefettura", _("Prefettura")
        TAVOLO_REGIONALE = "tavolo_regionale", _("Tavolo regionale")
        ALTRO = "altro", _("Other")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        MIXED = "mixed", _("Mixed")

    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("place"), max_length=250, blank=True)
    asls = models.ManyToManyField(
        "territory.ASL", verbose_name=_("ASL"), blank=True, related_name="meetings"
    )
    zone = models.ManyToManyField(
        "territory.Zona", verbose_name=_("zone distretto"), blank=True, related_name="meetings"
    )
    provinces = models.ManyToManyField(
        "territory.Province", verbose_name=_("provinces"), blank=True, related_name="meetings"
    )
    comuni = models.ManyToManyField(
        "territory.Comune", verbose_name=_("comuni"), blank=True, related_name="meetings"
    )
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="meetings",
    )
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("People present and their roles.")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    pipeline_entries = models.ManyToManyField(
        PipelineEntry, verbose_name=_("pipeline entries"), blank=True, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting-detail", kwargs={"pk": self.pk})


def _attachment_path(instance: "MeetingAttachment", filename: str) -> str:
    return f"governance/meetings/{instance.meeting_id}/{filename}"


class MeetingAttachment(models.Model):
    """A document of the meeting (minutes, slides): served only through a permission check."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class FollowUpActionQuerySet(models.QuerySet):
    def overdue(self, day=None) -> "FollowUpActionQuerySet":
        day = day or timezone.localdate()
        return self.filter(status=FollowUpAction.Status.OPEN, due_date__lt=day)


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up action", "Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_actions",
    )
    owner_name = models.CharField(
        _("owner (name)"),
        max_length=200,
        blank=True,
        help_text=_("For an owner without an account, e.g. a mayor's office."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_name


class CalendarFeedToken(models.Model):
    """The secret in the URL of a person's private meetings feed: calendar programs cannot sign
    in, so the URL itself is the credential. Resetting it cuts off every old subscription."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
