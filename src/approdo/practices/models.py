"""Good practices: the editorial record, its translations, attachments, assessment and the
messages readers send about it."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.core.text import single_line

CONFIRMATION_MONTHS = 12


class PracticeQuerySet(models.QuerySet):
    def published(self) -> "PracticeQuerySet":
        """What the public may see: every public path (pages, API, feed, exports) uses it."""
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def drafts(self) -> "PracticeQuerySet":
        return self.filter(published_at__isnull=True)

    def to_reconfirm(self, today: datetime.date | None = None) -> "PracticeQuerySet":
        """Practices not confirmed for more than CONFIRMATION_MONTHS (or never confirmed)."""
        limit = confirmation_limit(today)
        return self.filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=limit))


def territory_prefetches() -> list[models.Prefetch]:
    """Prefetches of a practice's comuni (with their province) and zone (with their ASL)
    leaving the boundaries in the database: each is kilobytes of GeoJSON that no list, page or
    index of practices needs (the maps read them on their own)."""
    from approdo.territory.models import Comune, Zona

    return [
        models.Prefetch(
            "comuni",
            Comune.objects.select_related("province").defer("geometry", "province__geometry"),
        ),
        models.Prefetch(
            "zone", Zona.objects.select_related("asl").defer("geometry", "asl__geometry")
        ),
    ]


def confirmation_limit(today: datetime.date | None = None) -> datetime.date:
    """The oldest confirmation date that still counts as fresh."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - CONFIRMATION_MONTHS // 12)
    except ValueError:  # 29 February
        return today.replace(year=today.year - CONFIRMATION_MONTHS // 12, day=28)


class Practice(models.Model):
    """A good practice of the network: Italian is the original language of its text."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        ENDED = "ended", _("Ended")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Stable identifier; generated when left empty."),
    )
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ONGOING
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_practices",
    )
    partners = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("partners"),
        blank=True,
        related_name="partner_practices",
    )
    comuni = models.ManyToManyField(
        "territory.Comune", verbose_name=_("comuni"), blank=True, related_name="practices"
    )
    # Every zona the practice touches, those of its comuni included (the facets read it).
    zone = models.ManyToManyField(
        "territory.Zona", verbose_name=_("zone distretto"), blank=True, related_name="practices"
    )
    actions = models.ManyToManyField(
        "taxonomy.Action", verbose_name=_("actions"), blank=True, related_name="practices"
    )
    targets = models.ManyToManyField(
        "taxonomy.TargetGroup",
        verbose_name=_("target groups"),
        blank=True,
        related_name="practices",
    )
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True)
    results = models.TextField(_("results"), blank=True)
    evidence = models.TextField(_("evidence and evaluation"), blank=True)
    innovation = models.TextField(_("innovation"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    image = models.ImageField(_("image"), upload_to="practices/images/%Y/", blank=True)
    image_alt = models.CharField(_("text alternative of the image"), max_length=250, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    confirmed_at = models.DateField(_("last confirmed"), null=True, blank=True)
    source_response = models.ForeignKey(
        "surveys.SurveyResponse",
        verbose_name=_("source response"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="practice_end_after_start",
            ),
            # One practice per source response: creating it twice never duplicates.
            models.UniqueConstraint(
                fields=["source_response"],
                condition=Q(source_response__isnull=False),
                name="practice_unique_source_response",
            ),
        ]
        indexes = [
            # What the public may see (published_at set and past) read from the index alone,
            # with the ids: the catalogue's search keeps its practices without reading the
            # rows; and the newest first.
            models.Index(fields=["published_at", "id"], name="practice_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A title is one line wherever it comes from (forms, imports, the API, the admin):
        # it becomes e-mail subjects, file names and headings.
        self.title = single_line(self.title)
        if not self.code:
            self.code = next_code()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "code"}
        super().save(*args, **kwargs)

    @property
    def published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    @property
    def contact_address(self) -> str:
        """Where messages from readers go: the practice's contact, else its lead
        organisation's address; "" when there is none (then nobody can be contacted)."""
        return self.contact_email or self.lead_organization.email

    @property
    def needs_reconfirmation(self) -> bool:
        return self.confirmed_at is None or self.confirmed_at < confirmation_limit()

    def fill_zone_from_comuni(self) -> None:
        """Add the current zona of every comune of the practice to `zone`."""
        from approdo.territory.models import zona_ids_of

        self.zone.add(*zona_ids_of(self.comuni.values_list("pk", flat=True)))


class Facet(models.Model):
    """One value a published practice is filed under ("zone" = "pratese", "year" = "2024"...):
    the rows the catalogue filters and counts on, written by search.reindex (see facets.py)."""

    # The unique constraint's index (practice, facet, value) serves the lookups by practice.
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "facet", "value"], name="practices_facet_unique"
            )
        ]
        indexes = [
            models.Index(fields=["facet", "value", "practice"], name="practices_facet_value")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


def next_code(year: int | None = None) -> str:
    """`BP-<year>-<number>`, the next free number of the year."""
    year = year or timezone.localdate().year
    prefix = f"BP-{year}-"
    numbers = [
        int(code[len(prefix) :])
        for code in Practice.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


class PracticeTranslation(models.Model):
    """A translation of the title and summary; shown with a visible "translation" mark."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=250, blank=True)
    summary = models.TextField(_("summary"), max_length=1000)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"], name="practicetranslation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} ({self.language})"

    def save(self, *args, **kwargs):
        self.title = single_line(self.title)
        super().save(*args, **kwargs)


class PracticeAttachment(models.Model):
    """A document of the practice, served by a permission-checked view only."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="practices/attachments/%Y/")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class BeneficiaryCount(models.Model):
    """How many people the practice reached, by category: aggregate counts only."""

    class Category(models.TextChoices):
        TOTAL = "total", _("Total beneficiaries")
        WOMEN = "women", _("of whom women")
        MINORS = "minors", _("of whom minors")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="beneficiary_counts"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("beneficiary count")
        verbose_name_plural = _("beneficiary counts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "category"], name="beneficiarycount_unique_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.count}"


SCORE_CHOICES = [
    (0, _("0 - not met")),
    (1, _("1 - partly met")),
    (2, _("2 - met")),
    (3, _("3 - fully met")),
]


class PracticeAssessment(models.Model):
    """The criteria checklist scored before publication (0-3 per criterion, with notes).

    Publication needs a complete checklist: every criterion scored and none scored 0."""

    CRITERIA = (
        ("relevance", _("Relevance")),
        ("results", _("Evidence of results")),
        ("involvement", _("Involvement of stakeholders and beneficiaries")),
        ("transferability", _("Transferability")),
        ("sustainability", _("Sustainability")),
    )

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="assessment")
    relevance = models.PositiveSmallIntegerField(
        _("relevance"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MaxValueValidator(3)],
    )
    relevance_note = models.TextField(_("note on relevance"), blank=True)
    results = models.PositiveSmallIntegerField(
        _("evidence of results"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MaxValueValidator(3)],
    )
    results_note = models.TextField(_("note on the evidence of results"), blank=True)
    involvement = models.PositiveSmallIntegerField(
        _("involvement of stakeholders and beneficiaries"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MaxValueValidator(3)],
    )
    involvement_note = models.TextField(_("note on involvement"), blank=True)
    transferability = models.PositiveSmallIntegerField(
        _("transferability"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MaxValueValidator(3)],
    )
    transferability_note = models.TextField(_("note on transferability"), blank=True)
    sustainability = models.PositiveSmallIntegerField(
        _("sustainability"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MaxValueValidator(3)],
    )
    sustainability_note = models.TextField(_("note on sustainability"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    class Meta:
        verbose_name = _("criteria checklist")
        verbose_name_plural = _("criteria checklists")

    def __str__(self) -> str:
        return str(self.practice)

    def scores(self) -> list[int | None]:
        return [getattr(self, name) for name, _label in self.CRITERIA]

    @property
    def complete(self) -> bool:
        return all(score is not None for score in self.scores())

    @property
    def passed(self) -> bool:
        """Complete, and no criterion scored 0: the condition for publishing."""
        return self.complete and all(score > 0 for score in self.scores())

    @property
    def total(self) -> int:
        return sum(score or 0 for score in self.scores())


class FieldMapping(models.Model):
    """How the answers to one questionnaire become a draft practice.

    `rules` is a list of {"question", "field", "requires", "values"}: the answer to
    `question` fills practice `field` when the consent answer allows it. The consent
    question (select_one yes/no or select_multiple of publishable parts) must be answered
    with consent; a rule with `requires` is taken only when that part was selected."""

    questionnaire = models.OneToOneField(
        "surveys.Questionnaire",
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="practice_mapping",
    )
    consent_question = models.CharField(
        _("consent question"),
        max_length=100,
        help_text=_("The question where the organisation agreed to publish."),
    )
    rules = models.JSONField(_("rules"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("field mapping")
        verbose_name_plural = _("field mappings")

    def __str__(self) -> str:
        return str(self.questionnaire)

    def questions(self) -> list[str]:
        """The questions the mapping reads: the consent question, then each rule's."""
        names = [self.consent_question, *(rule.get("question") for rule in self.rules)]
        return list(dict.fromkeys(name for name in names if name))

    def unmatched_in(self, schema: dict) -> list[str]:
        """The questions the mapping reads that the form `schema` (a questionnaire
        version's) does not have, by name."""
        names = question_names(schema)
        return [name for name in self.questions() if name not in names]


def question_names(schema: dict) -> set[str]:
    """The names of every question, group and repeat of a questionnaire version's schema."""
    from approdo.surveys.xlsform import walk

    return {element["name"] for element in walk(schema.get("children", [])) if element.get("name")}


class ContactMessage(models.Model):
    """A message sent to a practice's contact through the site (the log of the relay)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="contact_messages"
    )
    sender_name = models.CharField(_("name"), max_length=200)
    sender_email = models.EmailField(_("e-mail"))
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    relayed = models.BooleanField(_("relayed"), default=False)
    ip_hash = models.CharField(_("sender address (hashed)"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["practice", "created_at"])]

    def __str__(self) -> str:
        return f"{self.practice} ({self.created_at:%Y-%m-%d})"


class UpdateReport(models.Model):
    """A reader's report that something about a practice has changed."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="update_reports")
    body = models.TextField(_("what has changed"), max_length=4000)
    email = models.EmailField(_("e-mail (optional)"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    ip_hash = models.CharField(_("sender address (hashed)"), max_length=64, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("update report")
        verbose_name_plural = _("update reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.practice} ({self.created_at:%Y-%m-%d})"


class ReconfirmationRequest(models.Model):
    """A request sent to the lead organisation to confirm a practice, through a campaign."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="reconfirmation_requests"
    )
    campaign = models.ForeignKey(
        "surveys.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-confirmation request")
        verbose_name_plural = _("re-confirmation requests")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.practice} ({self.sent_at:%Y-%m-%d})"
