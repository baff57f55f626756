"""The SAI network (Sistema di Accoglienza e Integrazione, ex SPRAR / SIPROIMI): projects, the
comuni hosting their places, and optional CAS figures from the Prefetture."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

HOLDER_KINDS = ("comune", "unione_comuni", "sds")

__all__ = ["HOLDER_KINDS", "CasFigure", "SaiHosting", "SaiProject", "split_places"]


def split_places(total: int, given: dict[str, int | None]) -> dict[str, int]:
    """Places per hosting comune (ISTAT code -> places).

    Comuni with their own figure keep it; the rest of the project's places is split evenly
    among the others, and what does not divide goes one place each to the first comuni in
    ISTAT code order. The shares always add up to `total` when the given figures allow it.
    """
    explicit = {code: places for code, places in given.items() if places is not None}
    open_codes = sorted(code for code, places in given.items() if places is None)
    shares = dict(explicit)
    if open_codes:
        rest = max(total - sum(explicit.values()), 0)
        base, remainder = divmod(rest, len(open_codes))
        for index, code in enumerate(open_codes):
            shares[code] = base + (1 if index < remainder else 0)
    return shares


class SaiProjectQuerySet(models.QuerySet):
    def in_force_during(self, first: datetime.date, last: datetime.date) -> "SaiProjectQuerySet":
        """Projects running on at least one day between `first` and `last` (planned ones never)."""
        return self.exclude(status=SaiProject.Status.PLANNED).filter(
            Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))
        )

    def with_details(self) -> "SaiProjectQuerySet":
        return self.select_related("holder", "manager").prefetch_related(
            models.Prefetch(
                "hostings",
                queryset=SaiHosting.objects.select_related("comune")
                .defer("comune__geometry")
                .order_by("comune_id"),
            )
        )


class SaiProject(models.Model):
    """One SAI project: a local authority (the holder) runs it with a third-sector manager."""

    class Type(models.TextChoices):
        ORDINARI = "ordinari", _("Ordinary")
        DM_DS = "dm_ds", _("Mental distress or disability (DM/DS)")
        MSNA = "msna", _("Unaccompanied minors (MSNA)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", pgettext_lazy("SAI project", "Closed")

    code = models.CharField(_("code"), max_length=40, unique=True)
    holder = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("holder (ente titolare)"),
        on_delete=models.PROTECT,
        related_name="sai_projects_held",
        limit_choices_to={"kind__in": HOLDER_KINDS},
    )
    manager = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("manager (ente attuatore)"),
        on_delete=models.PROTECT,
        related_name="sai_projects_managed",
        null=True,
        blank=True,
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    places = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    comuni = models.ManyToManyField(
        "territory.Comune",
        through="SaiHosting",
        verbose_name=_("hosting comuni"),
        related_name="sai_projects",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SaiProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("SAI project")
        verbose_name_plural = _("SAI projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="saiproject_places_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="saiproject_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("governance:sai-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.holder_id and self.holder.kind not in HOLDER_KINDS:
            errors["holder"] = _("The holder must be a Comune, an Unione dei Comuni or a SdS.")
        if self.manager_id and self.manager.sector != "third_sector":
            errors["manager"] = _("The manager must be a third-sector organisation.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)

    def places_by_comune(self) -> dict[str, int]:
        """Places hosted in each comune (ISTAT code), split as `split_places` documents."""
        return split_places(self.places, {h.comune_id: h.places for h in self.hostings.all()})


class SaiHosting(models.Model):
    """A comune hosting places of a project; `places` empty means "share of the rest"."""

    project = models.ForeignKey(SaiProject, on_delete=models.CASCADE, related_name="hostings")
    comune = models.ForeignKey(
        "territory.Comune", on_delete=models.PROTECT, related_name="sai_hostings"
    )
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)

    class Meta:
        verbose_name = _("hosting comune")
        verbose_name_plural = _("hosting comuni")
        constraints = [
            models.UniqueConstraint(fields=["project", "comune"], name="saihosting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.comune_id}"


class CasFigure(models.Model):
    """Aggregate CAS figures (extraordinary reception run by the Prefetture) on one date, for
    a comune or a whole province."""

    date = models.DateField(_("date"))
    comune = models.ForeignKey(
        "territory.Comune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        "territory.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    presences = models.PositiveIntegerField(_("presences"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CAS figure")
        verbose_name_plural = _("CAS figures")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(comune__isnull=False) & Q(province__isnull=True))
                | (Q(comune__isnull=True) & Q(province__isnull=False)),
                name="casfigure_one_territory",
            ),
            models.UniqueConstraint(
                fields=["date", "comune"], condition=Q(comune__isnull=False), name="cas_comune"
            ),
            models.UniqueConstraint(
                fields=["date", "province"],
                condition=Q(province__isnull=False),
                name="cas_province",
            ),
        ]

    def __str__(self) -> str:
        return f"CAS {self.date} {self.comune_id or self.province_id}"
