"""The geography the network works on: Regione, ASL, zona distretto (with its
Società della Salute), provincia with its Prefettura, Unione dei Comuni, Comune."""

import datetime

from django.db import models
from django.db.models import Count, ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POPULATION_YEAR = 2021  # the reference year of the built-in population figures


def has_boundary() -> ExpressionWrapper:
    """True where a row has a stored geometry (without loading it)."""
    return ExpressionWrapper(Q(geometry__isnull=False), output_field=models.BooleanField())


def _count_of(queryset: models.QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


def _sum_of(queryset: models.QuerySet, group: str, field: str) -> Coalesce:
    summed = queryset.order_by().values(group).annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(summed, output_field=models.IntegerField()), Value(0))


def _links_on(day: datetime.date | None, prefix: str = "") -> Q:
    """Q for comune-zona links valid on `day`, reached through `prefix` ("comune__zona_links__")."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class RegionQuerySet(models.QuerySet):
    def with_figures(self, year: int = POPULATION_YEAR) -> "RegionQuerySet":
        """Annotate comuni, zone, Società della Salute and population of `year`."""
        comuni = Comune.objects.filter(province__region=OuterRef("pk"))
        return self.defer("geometry").annotate(
            comuni_count=_count_of(comuni, "province__region"),
            zone_count=_count_of(Zona.objects.filter(asl__region=OuterRef("pk")), "asl__region"),
            sds_count=_count_of(
                SocietaDellaSalute.objects.filter(zona__asl__region=OuterRef("pk")),
                "zona__asl__region",
            ),
            population=_sum_of(
                Population.objects.filter(comune__province__region=OuterRef("pk"), year=year),
                "comune__province__region",
                "total",
            ),
        )


class Region(models.Model):
    code = models.CharField(_("ISTAT code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class ASLQuerySet(models.QuerySet):
    def with_figures(
        self, day: datetime.date | None = None, year: int = POPULATION_YEAR
    ) -> "ASLQuerySet":
        """Annotate zone, comuni (members on `day`) and population of `year`; no geometry loaded."""
        links = ComuneZona.objects.filter(_links_on(day), zona__asl=OuterRef("pk"))
        population = Population.objects.filter(
            _links_on(day, "comune__zona_links__"),
            comune__zona_links__zona__asl=OuterRef("pk"),
            year=year,
        )
        return self.defer("geometry").annotate(
            zone_count=_count_of(Zona.objects.filter(asl=OuterRef("pk")), "asl"),
            comuni_count=_count_of(links, "zona__asl"),
            population=_sum_of(population, "comune__zona_links__zona__asl", "total"),
            has_boundary=has_boundary(),
        )


class ASL(models.Model):
    """Azienda USL: the health authority; its area groups several zone distretto."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="asls")
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    objects = ASLQuerySet.as_manager()

    class Meta:
        verbose_name = _("ASL")
        verbose_name_plural = _("ASL")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProvinceQuerySet(models.QuerySet):
    def with_figures(self, year: int = POPULATION_YEAR) -> "ProvinceQuerySet":
        """Annotate comuni and population of `year`; no geometry loaded."""
        return self.defer("geometry").annotate(
            comuni_count=_count_of(Comune.objects.filter(province=OuterRef("pk")), "province"),
            population=_sum_of(
                Population.objects.filter(comune__province=OuterRef("pk"), year=year),
                "comune__province",
                "total",
            ),
            has_boundary=has_boundary(),
        )

    def touching_zona(self, zona: "Zona", on: datetime.date | None = None) -> "ProvinceQuerySet":
        """Provinces with at least one comune in `zona` on day `on`."""
        links = ComuneZona.objects.filter(_links_on(on), zona=zona)
        return self.filter(comuni__in=links.values("comune")).distinct()


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

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ZonaQuerySet(models.QuerySet):
    def with_figures(
        self, day: datetime.date | None = None, year: int = POPULATION_YEAR
    ) -> "ZonaQuerySet":
        """Annotate comuni (members on `day`) and population of `year`; no geometry loaded."""
        links = ComuneZona.objects.filter(_links_on(day), zona=OuterRef("pk"))
        population = Population.objects.filter(
            _links_on(day, "comune__zona_links__"),
            comune__zona_links__zona=OuterRef("pk"),
            year=year,
        )
        return self.defer("geometry").annotate(
            comuni_count=_count_of(links, "zona"),
            population=_sum_of(population, "comune__zona_links__zona", "total"),
            has_boundary=has_boundary(),
        )


class Zona(models.Model):
    """Zona distretto: the area where social and health services are planned together."""

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    other_names = models.CharField(_("other names"), max_length=300, blank=True)
    asl = models.ForeignKey(ASL, on_delete=models.PROTECT, related_name="zone")
    geometry = models.JSONField(_("boundary"), null=True, blank=True)

    objects = ZonaQuerySet.as_manager()

    class Meta:
        verbose_name = _("zona distretto")
        verbose_name_plural = _("zone distretto")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sds(self) -> "SocietaDellaSalute | None":
        """The zona's Società della Salute, if any (uses prefetched rows when present)."""
        return next(iter(self.societa_della_salute.all()), None)


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
    def with_population(self, year: int = POPULATION_YEAR) -> "ComuneQuerySet":
        """Annotate `population` of `year` (None when unknown)."""
        totals = Population.objects.filter(comune=OuterRef("pk"), year=year).values("total")[:1]
        return self.annotate(population=Subquery(totals, output_field=models.IntegerField()))

    def with_current_zona(self, day: datetime.date | None = None) -> "ComuneQuerySet":
        """Annotate `zona_slug` and `zona_name` of the zona the comune belongs to on `day`."""
        links = ComuneZona.objects.filter(_links_on(day), comune=OuterRef("pk")).order_by(
            "-valid_from"
        )
        return self.annotate(
            zona_slug=Subquery(links.values("zona__slug")[:1]),
            zona_name=Subquery(links.values("zona__name")[:1]),
        )

    def with_zona_history(self) -> "ComuneQuerySet":
        """Prefetch every zona link (oldest first) with its zona, ASL and Società della Salute."""
        links = (
            ComuneZona.objects.select_related("zona__asl")
            .defer("zona__geometry", "zona__asl__geometry")
            .prefetch_related("zona__societa_della_salute")
            .order_by("valid_from")
        )
        return self.prefetch_related(models.Prefetch("zona_links", queryset=links))

    def with_details(self) -> "ComuneQuerySet":
        """Province (with region), zona history, Unioni and population by year, no geometry."""
        return (
            self.select_related("province__region")
            .defer("geometry", "province__geometry", "province__region__geometry")
            .annotate(has_boundary=has_boundary())
            .with_zona_history()
            .prefetch_related(
                "unioni",
                models.Prefetch("populations", queryset=Population.objects.order_by("year")),
            )
        )

    def in_zona(self, zona: Zona, on: datetime.date | None = None) -> "ComuneQuerySet":
        return self.filter(
            pk__in=ComuneZona.objects.valid_on(on).filter(zona=zona).values("comune")
        )

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

    def zona_link_on(self, day: datetime.date | None = None) -> "ComuneZona | None":
        """The zona link valid on `day` (default today); uses prefetched links when present."""
        day = day or timezone.localdate()
        valid = [link for link in self.zona_links.all() if link.is_valid_on(day)]
        return max(valid, key=lambda link: link.valid_from, default=None)


class ComuneZonaQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None) -> "ComuneZonaQuerySet":
        return self.filter(_links_on(day))


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
            models.UniqueConstraint(
                fields=["comune", "valid_from"], name="comunezona_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="comunezona_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} -> {self.zona_id} ({self.valid_from}-{self.valid_to or ''})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


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


def zona_ids_of(comune_ids, day: datetime.date | None = None) -> set[int]:
    """The zone the comuni belong to on `day`; a comune with no zona recorded on that day
    (older than the reference data) counts in today's zona."""
    comune_ids = set(comune_ids)
    links = dict(
        ComuneZona.objects.valid_on(day)
        .filter(comune_id__in=comune_ids)
        .values_list("comune_id", "zona_id")
    )
    missing = comune_ids - set(links)
    if missing and day is not None:
        links |= dict(
            ComuneZona.objects.valid_on()
            .filter(comune_id__in=missing)
            .values_list("comune_id", "zona_id")
        )
    return set(links.values())
