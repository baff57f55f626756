"""Load the built-in Tuscan reference data (data/*.csv) into the territory models.

Loading is idempotent: every row is matched on its stable code (ISTAT code, slug) and
updated in place, so running it again creates nothing new. A comune whose zona changes in
the data keeps its history: the old link is closed the day before the change, a new one opens.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from approdo.territory.models import (
    ASL,
    Comune,
    ComuneZona,
    Population,
    Province,
    Region,
    SocietaDellaSalute,
    Zona,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
REGION_CODE = "09"
REGION_NAME = "Toscana"
POPULATION_YEAR = 2021
MEMBERSHIP_VALID_FROM = datetime.date(2021, 1, 1)
ASL_NAMES = {
    "nord-ovest": "Azienda USL Toscana nord ovest",
    "centro": "Azienda USL Toscana centro",
    "sud-est": "Azienda USL Toscana sud est",
}


@dataclass(frozen=True)
class ComuneRow:
    istat_code: str
    name: str
    sigla: str
    zona: str
    asl: str
    population: int


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def short_prefettura_name(name: str) -> str:
    """'Prefettura - Ufficio territoriale del Governo di X' -> 'Prefettura - UTG di X'."""
    return name.replace("Ufficio territoriale del Governo", "UTG")


@transaction.atomic
def load_territory(data_dir: Path = DATA_DIR, *, changed_on: datetime.date | None = None) -> dict:
    """Create or update Tuscany, its ASL, provinces, zone, SdS, comuni, memberships and population.

    Anyone with shell access may run it (``approdo load-territory``); the test suite runs it once
    per session. ``changed_on`` is the day a zona change found in the data takes effect (default
    today). Returns the number of rows per model, plus the memberships opened and closed.
    """
    region = _load_region()
    asls = _load_asls(region)
    provinces = _load_provinces(read_csv(data_dir / "toscana_province.csv"), region)
    zone = _load_zone(read_csv(data_dir / "toscana_zone.csv"), asls)
    rows = [
        ComuneRow(
            istat_code=row["istat_code"].zfill(6),
            name=row["comune"],
            sigla=row["provincia"],
            zona=row["zona_distretto"],
            asl=row["asl"],
            population=int(row["popolazione_2021"]),
        )
        for row in read_csv(data_dir / "toscana_zone_distretto.csv")
    ]
    _load_comuni(rows, provinces)
    opened, closed = _load_memberships(rows, zone, changed_on or timezone.localdate())
    _load_population(rows)
    return {
        "regions": Region.objects.count(),
        "asl": ASL.objects.count(),
        "provinces": Province.objects.count(),
        "zone": Zona.objects.count(),
        "societa_della_salute": SocietaDellaSalute.objects.count(),
        "comuni": Comune.objects.count(),
        "zona_links": ComuneZona.objects.count(),
        "population": Population.objects.count(),
        "links_opened": opened,
        "links_closed": closed,
    }


def _load_region() -> Region:
    region, _ = Region.objects.update_or_create(code=REGION_CODE, defaults={"name": REGION_NAME})
    return region


def _load_asls(region: Region) -> dict[str, ASL]:
    ASL.objects.bulk_create(
        [ASL(slug=slug, name=name, region=region) for slug, name in ASL_NAMES.items()],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name", "region"],
    )
    return {asl.slug: asl for asl in ASL.objects.filter(slug__in=ASL_NAMES).defer("geometry")}


def _load_provinces(rows: list[dict[str, str]], region: Region) -> dict[str, Province]:
    provinces = [
        Province(
            istat_code=row["provincia_istat"].zfill(3),
            sigla=row["provincia"],
            name=row["provincia_nome"],
            region=region,
            capoluogo=row["capoluogo"],
            is_metropolitan_city=row["citta_metropolitana"].lower() in {"si", "sì", "yes", "true"},
            prefettura=short_prefettura_name(row["prefettura"]),
            prefettura_seat=row["prefettura_sede"],
        )
        for row in rows
    ]
    Province.objects.bulk_create(
        provinces,
        update_conflicts=True,
        unique_fields=["istat_code"],
        update_fields=[
            "sigla",
            "name",
            "region",
            "capoluogo",
            "is_metropolitan_city",
            "prefettura",
            "prefettura_seat",
        ],
    )
    return {province.sigla: province for province in provinces}


def _load_zone(rows: list[dict[str, str]], asls: dict[str, ASL]) -> dict[str, Zona]:
    Zona.objects.bulk_create(
        [
            Zona(
                slug=slugify(row["zona_distretto"]),
                name=row["zona_distretto"],
                other_names=row["altri_nomi"],
                asl=asls[row["asl"]],
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name", "other_names", "asl"],
    )
    zone = {zona.name: zona for zona in Zona.objects.defer("geometry")}
    SocietaDellaSalute.objects.bulk_create(
        [
            SocietaDellaSalute(
                slug=slugify(row["sds"]), name=row["sds"], zona=zone[row["zona_distretto"]]
            )
            for row in rows
            if row["sds"]
        ],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name", "zona"],
    )
    return zone


def _load_comuni(rows: list[ComuneRow], provinces: dict[str, Province]) -> None:
    Comune.objects.bulk_create(
        [
            Comune(
                istat_code=row.istat_code,
                name=row.name,
                slug=slugify(row.name),
                province=provinces[row.sigla],
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["istat_code"],
        update_fields=["name", "slug", "province"],
    )


def _load_memberships(
    rows: list[ComuneRow], zone: dict[str, Zona], changed_on: datetime.date
) -> tuple[int, int]:
    """Open a link for each comune without one; move comuni whose zona changed. Returns counts."""
    current = {link.comune_id: link for link in ComuneZona.objects.filter(valid_to__isnull=True)}
    to_open: list[ComuneZona] = []
    to_close: list[ComuneZona] = []
    to_correct: list[ComuneZona] = []
    for row in rows:
        zona = zone[row.zona]
        link = current.get(row.istat_code)
        if link is None:
            start = MEMBERSHIP_VALID_FROM if not current else changed_on
            to_open.append(ComuneZona(comune_id=row.istat_code, zona=zona, valid_from=start))
        elif link.zona_id != zona.pk:
            if link.valid_from >= changed_on:
                # The link opened on or after the change day: a correction, not a redrawing.
                link.zona = zona
                to_correct.append(link)
            else:
                link.valid_to = changed_on - datetime.timedelta(days=1)
                to_close.append(link)
                to_open.append(
                    ComuneZona(comune_id=row.istat_code, zona=zona, valid_from=changed_on)
                )
    ComuneZona.objects.bulk_update(to_close, ["valid_to"])
    ComuneZona.objects.bulk_update(to_correct, ["zona"])
    ComuneZona.objects.bulk_create(to_open)
    return len(to_open), len(to_close)


def _load_population(rows: list[ComuneRow]) -> None:
    Population.objects.bulk_create(
        [
            Population(comune_id=row.istat_code, year=POPULATION_YEAR, total=row.population)
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["comune", "year"],
        update_fields=["total"],
    )
