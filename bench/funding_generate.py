"""Generate a call with 10,000 projects and 1,000,000 indicator values on PostgreSQL, for
bench/funding_statistics.py. Rows go in with COPY; the call (`bench-funding-<N>`) is reused by
later runs unless --fresh.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/approdo_bench
    .venv/bin/python bench/funding_generate.py [--projects 10000 --indicators 10 --periods 10]

Projects: 80% funded; a lead among 600 organisations of every kind; 1-8 actions, 1-5 target
groups (children of `marginalita` included) and 1-3 zone each; indicator values for every
project x indicator x period.
"""

import argparse
import datetime
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from approdo.funding.models import Call, Indicator, Project  # noqa: E402
from approdo.organizations.models import Organization  # noqa: E402
from approdo.taxonomy.loading import load_taxonomies  # noqa: E402
from approdo.taxonomy.models import Action, TargetGroup  # noqa: E402
from approdo.territory.loading import load_territory  # noqa: E402
from approdo.territory.models import Zona  # noqa: E402

STATUSES = ["funded"] * 8 + ["not_funded", "withdrawn"]


def copy_rows(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def generate(slug: str, projects: int, indicators: int, periods: int, seed: int) -> Call:
    rng = random.Random(seed)
    kinds = [kind.value for kind in Organization.Kind]
    Organization.objects.bulk_create(
        [Organization(name=f"Bench ente {n}", kind=kinds[n % len(kinds)]) for n in range(600)],
        ignore_conflicts=True,
    )
    lead_ids = list(
        Organization.objects.filter(name__startswith="Bench ente ").values_list("pk", flat=True)
    )
    actions = list(Action.objects.values_list("code", flat=True))
    targets = list(TargetGroup.objects.values_list("code", flat=True))
    zone = list(Zona.objects.values_list("pk", flat=True))
    call = Call.objects.create(slug=slug, title=f"Bench {projects}", statistics_public=True)
    now = datetime.datetime.now(datetime.UTC)
    copy_rows(
        Project._meta.db_table,
        [
            "call_id",
            "code",
            "title",
            "summary",
            "status",
            "progress",
            "lead_id",
            "requested_amount",
            "granted_amount",
            "created_at",
            "updated_at",
        ],
        (
            (
                call.pk,
                f"B{n:06d}",
                f"Progetto bench {n}",
                "",
                rng.choice(STATUSES),
                "ongoing",
                rng.choice(lead_ids),
                rng.randint(20, 200) * 1000,
                rng.randint(10, 150) * 1000,
                now,
                now,
            )
            for n in range(projects)
        ),
    )
    project_ids = list(Project.objects.filter(call=call).values_list("pk", flat=True))
    links = [
        (Project.actions.through, "action_id", actions, 8),
        (Project.targets.through, "targetgroup_id", targets, 5),
        (Project.zone.through, "zona_id", zone, 3),
    ]
    for through, column, values, most in links:
        copy_rows(
            through._meta.db_table,
            ["project_id", column],
            (
                (pk, value)
                for pk in project_ids
                for value in rng.sample(values, rng.randint(1, most))
            ),
        )
    indicator_ids = [
        Indicator.objects.create(call=call, code=f"ind-{n}", name=f"Indicatore {n}").pk
        for n in range(indicators)
    ]
    days = [datetime.date(2020, 1, 1) + datetime.timedelta(days=182 * n) for n in range(periods)]
    values = copy_rows(
        "funding_indicatorvalue",
        ["project_id", "indicator_id", "period", "planned", "achieved"],
        (
            (pk, indicator, day, rng.randint(10, 100), rng.randint(0, 100))
            for pk in project_ids
            for indicator in indicator_ids
            for day in days
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"indicator values: {values:,}")
    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="delete and regenerate the call")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (COPY is used).")
    call_command("migrate", verbosity=0)
    load_territory()
    load_taxonomies()
    slug = f"bench-funding-{args.projects}"
    existing = Call.objects.filter(slug=slug).first()
    if existing and not args.fresh:
        print(f"{slug}: already generated ({existing.projects.count():,} projects)")
        return
    started = time.perf_counter()
    with transaction.atomic():
        if existing:
            Project.objects.filter(call=existing).delete()
            existing.delete()
        generate(slug, args.projects, args.indicators, args.periods, args.seed)
    print(f"{slug}: generated in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
