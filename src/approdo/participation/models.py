"""Participatory seminars: events with a programme and registrations, working tables with
guiding questions, the contributions people make to them, the synthesis report of each table
that cites those contributions, and the guidelines for the zonal plans built from the reports'
recommendations with their uptake in each zona distretto.

Personal data (registrations) are seen by the organisers only and are anonymised a
configurable time after the event (`approdo purge-registrations`). An event's online link is
private: it is never a field of a public page, feed, export or API answer.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class Event(models.Model):
    """A seminar, workshop or community-of-practice meeting."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        COMMUNITY = "community", _("Community-of-practice meeting")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SEMINAR)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Address, for in-person events.")
    )
    # Private: shown only to registered participants, on their page and in their reminder.
    online_link = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown only to registered participants and in their reminder e-mail."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_deadline = models.DateTimeField(_("registrations close"), null=True, blank=True)
    organizers = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("organisers"),
        blank=True,
        related_name="organized_events",
    )
    calls = models.ManyToManyField(
        "funding.Call", verbose_name=_("calls discussed"), blank=True, related_name="events"
    )
    projects = models.ManyToManyField(
        "funding.Project",
        verbose_name=_("projects discussed"),
        blank=True,
        related_name="events",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:event-detail", kwargs={"slug": self.slug})

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now >= self.starts_at:
            return False
        return self.registration_deadline is None or now < self.registration_deadline


class AgendaItem(models.Model):
    """One timed item of an event's programme."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["event", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class WorkingTable(models.Model):
    """A working table of an event: a group of participants discussing guiding questions."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tables",
        help_text=_("Records the contributions during the event and writes the synthesis."),
    )

    class Meta:
        verbose_name = _("working table")
        verbose_name_plural = _("working tables")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="table_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "participation:table-detail", kwargs={"slug": self.event.slug, "number": self.number}
        )


class GuidingQuestion(models.Model):
    table = models.ForeignKey(WorkingTable, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("question"))

    class Meta:
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")
        ordering = ["table", "order"]
        constraints = [
            models.UniqueConstraint(fields=["table", "order"], name="question_unique_order")
        ]

    def __str__(self) -> str:
        return self.text[:100]


class RegistrationQuerySet(models.QuerySet):
    def holding_a_place(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    """A person's registration to an event, with or without an account.

    A place is given at registration while places last (REGISTERED), else the person joins
    the waiting list (WAITING) and gets the first place that frees up. The address is
    confirmed by a link (double opt-in): an unconfirmed registration gets no meeting link
    and no reminder, and is cancelled when its confirmation expires.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        COORDINATOR = "coordinator", _("Project coordinator")
        OFFICIAL = "official", _("Public official")
        POLICY_MAKER = "policy_maker", _("Elected official")
        RESEARCHER = "researcher", _("Researcher")
        VOLUNTEER = "volunteer", _("Volunteer")
        USER = "user", _("Service user")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("name and surname"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organization_name = models.CharField(
        _("organisation (if not listed)"), max_length=250, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OPERATOR)
    preferred_table = models.ForeignKey(
        WorkingTable,
        verbose_name=_("preferred table"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    table = models.ForeignKey(
        WorkingTable,
        verbose_name=_("table"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participants",
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    listed = models.BooleanField(
        _("appear in the participants list"),
        default=False,
        help_text=_("Your name and organisation in the list of participants others can see."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    attended = models.BooleanField(_("present"), default=False)
    is_demo = models.BooleanField(default=False, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            # One live registration per address and event (a cancelled one may register again).
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="registration_unique_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} - {self.event}"

    @property
    def organization_label(self) -> str:
        return self.organization.name if self.organization_id else self.organization_name


class Contribution(models.Model):
    """What a participant said or wrote about a guiding question.

    Before the event participants write their own; during it the rapporteur records short
    statements. An anonymous contribution never shows its author outside the organisers;
    a hidden one (with its reason) never appears in a report or outside the organisers.
    """

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before the event")
        DURING = "during", _("During the event")

    class Tag(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")
        RECOMMENDATION = "recommendation", _("Recommendation")
        EXAMPLE = "example", _("Example")

    question = models.ForeignKey(
        GuidingQuestion, on_delete=models.PROTECT, related_name="contributions"
    )
    phase = models.CharField(_("when"), max_length=10, choices=Phase.choices)
    text = models.TextField(_("contribution"))
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    speaker_organization = models.CharField(_("speaker's organisation"), max_length=250, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    projects = models.ManyToManyField(
        "funding.Project", verbose_name=_("projects cited"), blank=True, related_name="+"
    )
    practices = models.ManyToManyField(
        "practices.Practice", verbose_name=_("practices cited"), blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["question", "created_at", "pk"]
        indexes = [models.Index(fields=["question", "hidden_at", "created_at"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class SynthesisReport(models.Model):
    """A table's synthesis: findings and recommendations, each citing contributions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    table = models.OneToOneField(WorkingTable, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("synthesis report")
        verbose_name_plural = _("synthesis reports")

    def __str__(self) -> str:
        return str(self.table)


class Statement(models.Model):
    """One finding or recommendation of a report, resting on the contributions it cites."""

    class Kind(models.TextChoices):
        FINDING = "finding", _("Finding")
        RECOMMENDATION = "recommendation", _("Recommendation")

    report = models.ForeignKey(SynthesisReport, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))
    citations = models.ManyToManyField(
        Contribution, verbose_name=_("contributions cited"), blank=True, related_name="cited_by"
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["report", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ReviewComment(models.Model):
    """An organiser's comment on a report in review."""

    report = models.ForeignKey(SynthesisReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Guideline(models.Model):
    """A versioned guideline for the zonal plans (piani integrati zonali), built from the
    recommendations of one or more synthesis reports."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("code"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reports = models.ManyToManyField(
        SynthesisReport, verbose_name=_("source reports"), blank=True, related_name="guidelines"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="guideline_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class GuidelineSection(models.Model):
    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["guideline", "order"]

    def __str__(self) -> str:
        return self.title


class GuidelineItem(models.Model):
    """A recommendation of a guideline, with the report statement (and so the table) it
    comes from."""

    section = models.ForeignKey(GuidelineSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("recommendation"))
    source = models.ForeignKey(
        Statement,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guideline_items",
    )

    class Meta:
        ordering = ["section", "order"]

    def __str__(self) -> str:
        return self.text[:80]


class Uptake(models.Model):
    """Whether a zona distretto takes a recommendation up in its zonal plan."""

    class Status(models.TextChoices):
        NOT_YET = "not_yet", _("Not yet")
        IN_PROGRESS = "in_progress", _("In progress")
        ADOPTED = "adopted", _("Adopted")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    item = models.ForeignKey(GuidelineItem, on_delete=models.CASCADE, related_name="uptakes")
    zona = models.ForeignKey("territory.Zona", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_YET
    )
    note = models.TextField(_("note"), blank=True)
    plan_url = models.URLField(_("link to the zonal plan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("uptake")
        verbose_name_plural = _("uptakes")
        constraints = [models.UniqueConstraint(fields=["item", "zona"], name="uptake_unique")]

    def __str__(self) -> str:
        return f"{self.zona}: {self.get_status_display()}"
