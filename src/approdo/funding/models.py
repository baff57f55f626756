"""Calls (bandi), the projects submitted to them, their review and their monitoring.

One `Project` row is both the application and, once funded, the funded project: the
applications of a call are all its projects, the funded ones those with status `funded`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from approdo.funding import permissions


class InvalidTransition(ValueError):
    """A status change the application workflow does not allow."""


class CallQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CallQuerySet":
        """Staff see every call, drafts included; everyone else the calls already opened."""
        if permissions.is_call_manager(user) or permissions.can_read_all(user):
            return self.all()
        return self.filter(opens_at__lte=timezone.now())

    def open_at(self, now: datetime.datetime | None = None) -> "CallQuerySet":
        now = now or timezone.now()
        return self.filter(Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Call(models.Model):
    """A call for proposals (bando)."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    funding_source = models.CharField(
        _("funding source"),
        max_length=200,
        blank=True,
        help_text=_("For example FAMI or regional funds."),
    )
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    eligibility = models.TextField(_("who may apply"), blank=True)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    campaign = models.ForeignKey(
        "surveys.Campaign",
        verbose_name=_("application questionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_calls",
        help_text=_("The survey campaign organisations answer to apply."),
    )
    statistics_public = models.BooleanField(
        _("public statistics and report"),
        default=False,
        help_text=_("Anyone, without an account, may see the statistics and the call report."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:call-detail", kwargs={"slug": self.slug})

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


class EvaluationCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The criterion's score is multiplied by this weight in the total."),
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class CallDocument(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="funding/calls/%Y/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["call", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:call-document", kwargs={"slug": self.call.slug, "pk": self.pk})


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        """Staff see every project; reviewers those assigned to them; organisation members the
        projects their organisation leads."""
        if permissions.can_read_all(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(lead_id__in=permissions.applicant_organization_ids(user))
            | Q(review_assignments__reviewer=user)
        ).distinct()

    def funded(self) -> "ProjectQuerySet":
        return self.filter(status=Project.Status.FUNDED)


class Project(models.Model):
    """An application to a call and, once funded, the funded project."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ADMISSIBLE = "admissible", _("Admissible")
        INADMISSIBLE = "inadmissible", _("Inadmissible")
        EVALUATED = "evaluated", _("Evaluated")
        FUNDED = "funded", _("Funded")
        NOT_FUNDED = "not_funded", _("Not funded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # What the applicant organisation reads: no internal step of the evaluation.
    APPLICANT_LABELS = {
        Status.SUBMITTED: pgettext_lazy("application status", "Application received"),
        Status.ADMISSIBLE: pgettext_lazy("application status", "Under evaluation"),
        Status.INADMISSIBLE: pgettext_lazy("application status", "Not admissible"),
        Status.EVALUATED: pgettext_lazy("application status", "Under evaluation"),
        Status.FUNDED: pgettext_lazy("application status", "Funded"),
        Status.NOT_FUNDED: pgettext_lazy("application status", "Not funded"),
        Status.WITHDRAWN: pgettext_lazy("application status", "Withdrawn"),
    }

    TRANSITIONS = {
        Status.SUBMITTED: {Status.ADMISSIBLE, Status.INADMISSIBLE, Status.WITHDRAWN},
        Status.ADMISSIBLE: {Status.EVALUATED, Status.WITHDRAWN},
        Status.EVALUATED: {Status.FUNDED, Status.NOT_FUNDED, Status.WITHDRAWN},
        Status.INADMISSIBLE: set(),
        Status.FUNDED: set(),
        Status.NOT_FUNDED: set(),
        Status.WITHDRAWN: set(),
    }

    # Reviewers declare and score only while the evaluation is open: once the coordinator
    # closes it (evaluated, funded, not funded) or the application leaves it, nobody re-scores.
    EVALUATION_OPEN = frozenset({Status.SUBMITTED, Status.ADMISSIBLE})

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="projects"
    )
    code = models.CharField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    progress = models.CharField(
        _("progress"), max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    lead = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_funding_projects",
    )
    partners = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("partners"),
        blank=True,
        related_name="partner_funding_projects",
    )
    comuni = models.ManyToManyField(
        "territory.Comune", verbose_name=_("comuni"), blank=True, related_name="funding_projects"
    )
    # Every zona the project touches, those of its comuni included: statistics count this.
    zone = models.ManyToManyField(
        "territory.Zona",
        verbose_name=_("zone distretto"),
        blank=True,
        related_name="funding_projects",
    )
    actions = models.ManyToManyField(
        "taxonomy.Action", verbose_name=_("actions"), blank=True, related_name="funding_projects"
    )
    targets = models.ManyToManyField(
        "taxonomy.TargetGroup",
        verbose_name=_("target groups"),
        blank=True,
        related_name="funding_projects",
    )
    requested_amount = models.DecimalField(
        _("requested amount (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    granted_amount = models.DecimalField(
        _("granted amount (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    source_response = models.OneToOneField(
        "surveys.SurveyResponse",
        verbose_name=_("application form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_project",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["call", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="project_unique_code_per_call"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("funding:project-detail", kwargs={"slug": self.call.slug, "pk": self.pk})

    @property
    def is_funded(self) -> bool:
        return self.status == self.Status.FUNDED

    @property
    def evaluation_is_open(self) -> bool:
        return self.status in self.EVALUATION_OPEN

    def progress_on(self, day: datetime.date | None = None) -> "Project.Progress":
        """The progress to show on `day` (today): the stored one, except that a project still
        marked not started or ongoing after its end date shows as completed, unless its
        monitoring reports achieved values for a period after that date (it went on).
        Derived when read, never stored by a read."""
        day = day or timezone.localdate()
        stored = self.Progress(self.progress)
        if stored == self.Progress.COMPLETED or self.end_date is None or day <= self.end_date:
            return stored
        went_on = self.indicator_values.filter(
            period__gt=self.end_date, achieved__isnull=False
        ).exists()
        return self.Progress.ONGOING if went_on else self.Progress.COMPLETED

    @property
    def applicant_status_label(self) -> str:
        return str(self.APPLICANT_LABELS[self.Status(self.status)])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def move_to(self, status: str) -> None:
        """Change the status in memory; raises InvalidTransition if the workflow forbids it."""
        if not self.can_move_to(status):
            raise InvalidTransition(
                gettext("An application cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.Status(self.status).label, "new": self.Status(status).label}
            )
        self.status = status


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=250)
    due_date = models.DateField(_("due date"))
    done_at = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ReviewAssignment(models.Model):
    """A reviewer asked to score one application."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="funding_reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    no_conflict_declared_at = models.DateTimeField(
        _("no conflict of interest declared"), null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("scores sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["project", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer"], name="reviewassignment_unique_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} – {self.reviewer}"


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    # A criterion already scored cannot be removed: the ranking would change silently.
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReportingDeadline(models.Model):
    """One due date of a call's reporting schedule (e.g. each semester, and the final report)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reporting_deadlines")
    title = models.CharField(_("title"), max_length=250)
    due_date = models.DateField(_("due date"))
    is_final = models.BooleanField(_("final report"), default=False)
    campaign = models.ForeignKey(
        "surveys.Campaign",
        verbose_name=_("report questionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_deadlines",
    )

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        ordering = ["call", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class MonitoringReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MonitoringReportQuerySet":
        if permissions.can_read_all(user):
            return self.all()
        return self.filter(project__lead_id__in=permissions.applicant_organization_ids(user))


class MonitoringReport(models.Model):
    """A funded project's report for one deadline; its content is a survey response."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="monitoring_reports"
    )
    deadline = models.ForeignKey(
        ReportingDeadline, on_delete=models.CASCADE, related_name="reports"
    )
    response = models.OneToOneField(
        "surveys.SurveyResponse",
        verbose_name=_("report form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_report",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["deadline__due_date", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "deadline"], name="monitoringreport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} – {self.deadline}"

    def is_late(self, today: datetime.date | None = None) -> bool:
        due = self.deadline.due_date
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > due
        return (today or timezone.localdate()) > due

    @property
    def late(self) -> bool:
        """Sent after the due date, or not sent and the due date has passed."""
        return self.is_late()


class ReportReminderSent(models.Model):
    """A reminder about one report, so the reminder task never sends it twice."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "days_before"], name="reportreminder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} -{self.days_before}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OUTPUT)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target = models.DecimalField(
        _("target for the call"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["call", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """Planned and achieved value of an indicator for one project and period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.DateField(_("period"), help_text=_("The last day of the reporting period."))
    planned = models.DecimalField(
        _("planned"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    achieved = models.DecimalField(
        _("achieved"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["project", "indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator", "period"], name="indicatorvalue_unique"
            )
        ]
        # Call-wide sums group by indicator (and period): this index serves them.
        indexes = [models.Index(fields=["indicator", "period"], name="indicatorvalue_by_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"


class BeneficiaryCount(models.Model):
    """How many people a project reached in a period, by category: aggregate counts only."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="beneficiary_counts"
    )
    period = models.DateField(_("period"), help_text=_("The last day of the reporting period."))
    category = models.ForeignKey(
        "taxonomy.TargetGroup",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("beneficiary count")
        verbose_name_plural = _("beneficiary counts")
        ordering = ["project", "period", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period", "category"], name="beneficiarycount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.period}: {self.count}"
