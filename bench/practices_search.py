"""Time a catalogue search with two facets selected: the full page and the API (in process,
Django test client) against the bare SQL search query on the same data.

    .venv/bin/python bench/practices_generate.py --size 10000
    .venv/bin/python bench/practices_search.py [--requests 200] [--cold] [--server-cpu]

Each request searches one word of a pool and selects two facets (an action and a zona, or a
target group and a sector...), varying across requests. "bare SQL" runs, through the cursor,
the very statement the search (facets.find) sends for the page (the total, the facet counts
and the ranked first page), captured once and replayed, without Django around it. Prints the
share of the practices each word matches, then p50/p95 in ms and the ratio to the bare SQL.
The facet labels are in Django's cache (a minute) as on a running server.

On a machine shared with other work, wall times follow its load. `--server-cpu` (PostgreSQL
on this machine) also prints the CPU time the database server spends on the bare SQL, read
from /proc for its backend: hardly moved by the load. For that run only, its session plans
without parallel workers, so that the backend does all the work it is measured for.
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("APPRODO_API_RATE_LIMIT", str(10**9))  # one client, many requests

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402

WORDS = [
    "abitare",
    "lavoro",
    "mediazione",
    "lingua",
    "legale",
    "scuola",
    "donne",
    "sport",
    "agricoltura",
    "salute",
    "tirocini",
    "famiglie",
    "teatro",
    "residenza",
    "orti",
]


def cases(rng: random.Random, count: int) -> list[str]:
    from approdo.taxonomy.models import Action, TargetGroup
    from approdo.territory.models import Zona

    actions = list(Action.objects.values_list("code", flat=True))
    targets = list(TargetGroup.objects.values_list("code", flat=True))
    zone = list(Zona.objects.values_list("slug", flat=True))
    pairs = [
        lambda: {"action": rng.choice(actions), "zone": rng.choice(zone)},
        lambda: {"target": rng.choice(targets), "sector": rng.choice(["public", "third_sector"])},
        lambda: {"action": rng.choice(actions), "status": rng.choice(["ongoing", "ended"])},
        lambda: {"zone": rng.choice(zone), "target": rng.choice(targets)},
    ]
    result = []
    for _ in range(count):
        params = {"q": rng.choice(WORDS), **rng.choice(pairs)()}
        result.append("&".join(f"{k}={v}" for k, v in params.items()))
    return result


def bare_sql(query: str) -> list[tuple[str, tuple]]:
    """The statements the catalogue's search runs for the first page of `query`."""
    from django.test.utils import CaptureQueriesContext

    from approdo.practices import facets

    selection = facets.Selection.from_query(QueryDict(query))
    with CaptureQueriesContext(connection) as captured:
        facets.find(selection, limit=20)
    return [(item["sql"], None) for item in captured.captured_queries]


def timed(run, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def summary(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--cold", action="store_true", help="empty Django's cache before each request"
    )
    parser.add_argument(
        "--server-cpu", action="store_true", help="also the database backend's CPU time"
    )
    args = parser.parse_args()
    from approdo.practices import facets
    from approdo.practices.models import Practice

    rng = random.Random(7)
    queries = cases(rng, args.requests)
    client = Client()

    def forget():
        if args.cold:
            cache.clear()

    def page(query):
        forget()
        response = client.get("/buone-pratiche/?" + query)
        assert response.status_code == 200, response.status_code

    def api(query):
        forget()
        response = client.get("/api/v1/practices?limit=20&" + query)
        assert response.status_code == 200, response.content[:300]

    compiled = {query: bare_sql(query) for query in queries}

    def bare(query):
        with connection.cursor() as cursor:
            for sql, params in compiled[query]:
                cursor.execute(sql, params)
                cursor.fetchall()

    for run in (page, api, bare):  # warm caches and connections
        timed(run, queries[:20])
    total = Practice.objects.published().count()
    state = "cold: emptied at every request" if args.cold else "warm"
    print(f"database: {connection.vendor}, published practices: {total}, requests: {len(queries)}")
    print(f"Django's cache: {state}")
    shares = []
    for word in WORDS:
        found = facets.matching(facets.Selection(q=word)).count()
        shares.append(f"{word} {100 * found / max(total, 1):.0f}%")
    print("practices matching each word:", ", ".join(shares))
    results = {
        name: summary(timed(run, queries))
        for name, run in (("full page", page), ("API", api), ("bare SQL", bare))
    }
    bare_p50, bare_p95 = results["bare SQL"]
    print(f"{'':10} {'p50 ms':>8} {'p95 ms':>8} {'x bare p50':>11} {'x bare p95':>11}")
    for name, (p50, p95) in results.items():
        print(f"{name:10} {p50:8.1f} {p95:8.1f} {p50 / bare_p50:11.1f} {p95 / bare_p95:11.1f}")
    if args.server_cpu:
        used = server_cpu(bare, queries)
        p50, p95 = summary(used)
        tick = 1000 / os.sysconf("SC_CLK_TCK")
        print(
            f"bare SQL, server CPU: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
            f"mean {statistics.mean(used):.1f} ms (clock tick {tick:.0f} ms)"
        )


def server_cpu(run, queries: list[str]) -> list[float]:
    """CPU ms of the database backend for each query run by `run`, parallel workers off."""
    assert connection.vendor == "postgresql", "--server-cpu needs PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")  # this session only
        cursor.execute("SELECT pg_backend_pid()")
        stat = f"/proc/{cursor.fetchone()[0]}/stat"

    def cpu() -> float:  # utime + stime of the backend, in ms
        fields = open(stat).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    timed(run, queries[:20])
    used = []
    for query in queries:
        before = cpu()
        run(query)
        used.append(cpu() - before)
    return used


if __name__ == "__main__":
    main()
