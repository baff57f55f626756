"""Time SAI coverage at national scale (after bench/governance_generate.py): every level as a
function call (`coverage(level)`) and as the API request, and the "what if" answer as the
htmx request of the page (four levels and the region, before and after). Prints p50/p95 and
the ratio to the bare SQL queries coverage reads its data with.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/governance_bench
    export DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=testserver APPRODO_SSL_REDIRECT=0
    .venv/bin/python bench/governance_coverage.py [--runs 30]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from approdo.governance.coverage import LEVELS, coverage  # noqa: E402
from approdo.territory.models import Comune  # noqa: E402

BARE_SQL = [  # the rows coverage reads, without the ORM or any Python work
    "SELECT comune_id, max(year) FROM territory_population WHERE year <= 2026 GROUP BY comune_id",
    "SELECT comune_id, year, total FROM territory_population WHERE year IN (2024)",
    "SELECT comune_id, zona_id FROM territory_comunezona WHERE valid_from <= now() AND "
    "(valid_to IS NULL OR valid_to >= now())",
    "SELECT istat_code, name, province_id FROM territory_comune",
    "SELECT h.project_id, h.comune_id, h.places FROM governance_saihosting h JOIN "
    "governance_saiproject p ON p.id = h.project_id WHERE p.status <> 'planned'",
    "SELECT id, type, holder_id, places FROM governance_saiproject WHERE status <> 'planned'",
]


def timed(function, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def bare_sql() -> None:
    with connection.cursor() as cursor:
        for query in BARE_SQL:
            cursor.execute(query)
            cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{connection.vendor}, {Comune.objects.count()} comuni, {args.runs} runs; ms p50 / p95")
    sql50, sql95 = timed(bare_sql, args.runs)
    print(f"bare SQL (the 6 reads)          {sql50:7.1f} / {sql95:7.1f}")
    client = Client()
    for level in LEVELS:
        p50, p95 = timed(lambda level=level: coverage(level), args.runs)
        print(f"coverage({level!r:12})         {p50:7.1f} / {p95:7.1f}  x{p50 / sql50:.1f} SQL")
    for level in LEVELS:
        url = f"/api/v1/governance/coverage?level={level}"
        assert client.get(url).status_code == 200
        p50, p95 = timed(lambda url=url: client.get(url), args.runs)
        print(f"API level={level:10}           {p50:7.1f} / {p95:7.1f}")
    codes = list(Comune.objects.order_by("istat_code").values_list("istat_code", flat=True)[:3])
    query = "places=40&type=ordinari&" + "&".join(f"comuni={code}" for code in codes)
    url = f"/governance/copertura/simulazione/?{query}"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<table" in response.content, response.status_code
    p50, p95 = timed(lambda: client.get(url, HTTP_HX_REQUEST="true"), args.runs)
    print(f"what if (htmx answer, 3 comuni) {p50:7.1f} / {p95:7.1f}")


if __name__ == "__main__":
    main()
