"""The geography the network works on: Regione, ASL, zona distretto (with its
Società della Salute), provincia with its Prefettura, Unione dei Comuni, Comune."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("ISTAT code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class ASL(models.Model):
    """Azienda USL: the health authority; its area groups several zone distretto."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="asls")
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        verbose_name = _("ASL")
        verbose_name_plural = _("ASL")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=3, primary_key=True)
    sigla = models.CharField(_("abbreviation"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    capoluogo = models.CharField(_("capoluogo"), max_length=100)
    is_metropolitan_city = models.BooleanField(_("città metropolitana"), default=False)
    prefettura = models.CharField(_("Prefettura"), max_length=150)
    prefettura_seat = models.CharField(_("seat of the Prefettura"), max_length=100)
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zona(models.Model):
    """Zona distretto: the area where social and health services are planned together."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    other_names = models.CharField(_("other names"), max_length=300, blank=True)
    asl = models.ForeignKey(ASL, on_delete=models.PROTECT, related_name="zone")
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        verbose_name = _("zona distretto")
        verbose_name_plural = _("zone distretto")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SocietaDellaSalute(models.Model):
    """Società della Salute: the public consortium that runs a zona's social and health services."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    zona = models.ForeignKey(Zona, on_delete=models.PROTECT, related_name="societa_della_salute")

    class Meta:
        verbose_name = _("Società della Salute")
        verbose_name_plural = _("Società della Salute")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComuneQuerySet(models.QuerySet):
    def in_zona(self, zona: Zona, on: datetime.date | None = None) -> "ComuneQuerySet":
        return self.filter(pk__in=ComuneZona.objects.valid_on(on).filter(zona=zona).values("comune"))

    def in_asl(self, asl: ASL, on: datetime.date | None = None) -> "ComuneQuerySet":
        links = ComuneZona.objects.valid_on(on).filter(zona__asl=asl)
        return self.filter(pk__in=links.values("comune"))


class Comune(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="comuni")
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, blank=True)
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    objects = ComuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComuneZonaQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None) -> "ComuneZonaQuerySet":
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class ComuneZona(models.Model):
    """Which zona a comune belongs to, over time: a redrawing closes a link and opens another."""

    comune = models.ForeignKey(Comune, on_delete=models.CASCADE, related_name="zona_links")
    zona = models.ForeignKey(Zona, on_delete=models.PROTECT, related_name="comune_links")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ComuneZonaQuerySet.as_manager()

    class Meta:
        verbose_name = _("comune in zona")
        verbose_name_plural = _("comuni in zone")
        constraints = [
            models.UniqueConstraint(fields=["comune", "valid_from"], name="comunezona_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="comunezona_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} -> {self.zona_id} ({self.valid_from}-{self.valid_to or ''})"


class UnioneComuni(models.Model):
    slug = models.SlugField(_("code"), max_length=150, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    members = models.ManyToManyField(Comune, related_name="unioni", verbose_name=_("comuni"))

    class Meta:
        verbose_name = _("Unione dei Comuni")
        verbose_name_plural = _("Unioni dei Comuni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    """Resident population of a comune at 1 January of `year` (ISTAT)."""

    comune = models.ForeignKey(Comune, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("residents"))

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("population")
        constraints = [
            models.UniqueConstraint(fields=["comune", "year"], name="population_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.year}: {self.total}"
