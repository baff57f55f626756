"""Generate a national-scale SAI network on PostgreSQL, for bench/governance_coverage.py:
20 regions, 107 provinces, 100 ASL-like areas, 600 zone, 7,900 comuni with populations for
2021-2024, and 900 SAI projects hosting places in 1-4 comuni each (a third of the hostings with
their own figure). Use a database of its own: it migrates it and replaces the territory.

    createdb -h 127.0.0.1 -U postgres governance_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/governance_bench
    .venv/bin/python bench/governance_generate.py [--comuni 7900 --projects 900]
"""

import argparse
import datetime
import os
import random
import string
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from approdo.governance.models import SaiHosting, SaiProject  # noqa: E402
from approdo.organizations.models import Organization  # noqa: E402
from approdo.territory.models import (  # noqa: E402
    ASL,
    Comune,
    ComuneZona,
    Population,
    Province,
    Region,
    Zona,
)

REGIONS, PROVINCES, ASLS, ZONE = 20, 107, 100, 600


@transaction.atomic
def generate(comuni: int, projects: int, seed: int) -> None:
    rng = random.Random(seed)
    for model in [SaiHosting, SaiProject, Population, ComuneZona]:
        model.objects.all().delete()
    Organization.objects.filter(sai_projects_held__isnull=False).delete()
    Organization.objects.filter(seat__isnull=False).update(seat=None)
    for model in [Comune, Zona, ASL, Province, Region]:
        model.objects.all().delete()

    regions = Region.objects.bulk_create(
        [Region(code=f"{n:02d}", name=f"Regione {n}") for n in range(1, REGIONS + 1)]
    )
    letters = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase]
    provinces = Province.objects.bulk_create(
        [
            Province(
                istat_code=f"{n:03d}",
                sigla=letters[n],
                name=f"Provincia {n}",
                region=regions[n % REGIONS],
                capoluogo=f"Capoluogo {n}",
                prefettura=f"Prefettura {n}",
                prefettura_seat=f"Capoluogo {n}",
            )
            for n in range(1, PROVINCES + 1)
        ]
    )
    asls = ASL.objects.bulk_create(
        [
            ASL(slug=f"asl-{n:03d}", name=f"ASL {n}", region=regions[n % REGIONS])
            for n in range(ASLS)
        ]
    )
    zone = Zona.objects.bulk_create(
        [Zona(slug=f"zona-{n:03d}", name=f"Zona {n}", asl=asls[n % ASLS]) for n in range(ZONE)]
    )
    rows = []
    for n in range(comuni):
        province = provinces[n % PROVINCES]
        rows.append(
            Comune(
                istat_code=f"{province.istat_code}{n // PROVINCES:03d}",
                name=f"Comune {n}",
                slug=f"comune-{n}",
                province=province,
            )
        )
    comuni_rows = Comune.objects.bulk_create(rows, batch_size=2000)
    start = datetime.date(2000, 1, 1)
    ComuneZona.objects.bulk_create(
        [
            ComuneZona(comune=comune, zona=zone[index % ZONE], valid_from=start)
            for index, comune in enumerate(comuni_rows)
        ],
        batch_size=2000,
    )
    Population.objects.bulk_create(
        [
            Population(comune=comune, year=year, total=rng.randint(200, 60_000))
            for comune in comuni_rows
            for year in range(2021, 2025)
        ],
        batch_size=5000,
    )
    holders = Organization.objects.bulk_create(
        [Organization(name=f"Bench titolare {n}", kind="comune") for n in range(projects // 2)]
    )
    types = ["ordinari"] * 7 + ["msna", "msna", "dm_ds"]
    sai = SaiProject.objects.bulk_create(
        [
            SaiProject(
                code=f"BENCH-{n:04d}",
                holder=holders[n % len(holders)],
                type=rng.choice(types),
                places=rng.randint(10, 150),
                start_date=datetime.date(rng.randint(2020, 2024), 1, 1),
                end_date=datetime.date(2026, 12, 31),
                status="active",
            )
            for n in range(projects)
        ]
    )
    hostings = []
    for project in sai:
        chosen = rng.sample(comuni_rows, rng.randint(1, 4))
        own = project.places // (2 * len(chosen))
        for index, comune in enumerate(chosen):
            places = own if index == 0 and len(chosen) > 1 and rng.random() < 0.33 else None
            hostings.append(SaiHosting(project=project, comune=comune, places=places or None))
    SaiHosting.objects.bulk_create(hostings, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comuni", type=int, default=7900)
    parser.add_argument("--projects", type=int, default=900)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    generate(args.comuni, args.projects, args.seed)
    print(
        f"{Comune.objects.count()} comuni, {Zona.objects.count()} zone, {ASL.objects.count()} ASL, "
        f"{Province.objects.count()} provinces, {SaiProject.objects.count()} projects, "
        f"{SaiHosting.objects.count()} hostings in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
