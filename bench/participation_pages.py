"""Time the pages of a large seminar and check that its last places go to exactly as many people.

    .venv/bin/python bench/participation_generate.py
    .venv/bin/python bench/participation_pages.py [--requests 100 --pdf-runs 3 --clients 50]

On the event of participation_generate.py (2,000 registrations, 4 tables, 20,000
contributions, a published report per table): p50/p95 in ms of a table's page and of its
synthesis report's page (in process, Django test client, anonymous, the four tables in turn),
the time of the report as PDF (first, then median and max of --pdf-runs), then the concurrency
check: `--clients` threads, each with its own database connection, register at once through
participation.registration.register for the last 10 places; it prints how many got a place
and how many wait, and exits with 1 unless exactly 10 got one and the others wait. The
concurrency check needs PostgreSQL (SQLite serialises writers by refusing them). Its
registrations (addresses race-*@example.org) are deleted at the start of every run, so it can
run again.

The pages are the participation app's: if one of them is not there yet (its URL does not
resolve), the script says which and stops before timing anything.
"""

import argparse
import logging
import os
import statistics
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("APPRODO_API_RATE_LIMIT", str(10**9))  # one client, many requests

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

SLUG = "bench-seminario"
LAST_PLACES = 10
PAGES = {
    "table page": "participation:table-detail",
    "report page": "participation:report-detail",
    "report PDF": "participation:report-pdf",
}


def urls(event) -> dict[str, list[str]]:
    """Every page's URL for each table; stops with a clear message on a missing one."""
    found = {}
    for label, name in PAGES.items():
        try:
            found[label] = [
                reverse(name, kwargs={"slug": event.slug, "number": table.number})
                for table in event.tables.order_by("number")
            ]
        except NoReverseMatch:
            sys.exit(f"{label}: the URL {name} does not resolve yet; nothing was timed.")
    return found


def get(client: Client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}, not 200.")
    return response.content


def timed(run, count: int) -> list[float]:
    timings = []
    for n in range(count):
        start = time.perf_counter()
        run(n)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentiles(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def race(event, clients: int) -> tuple[int, int, list[str]]:
    """`clients` threads register at once for the last places; (registered, waiting, errors)."""
    from approdo.participation import registration
    from approdo.participation.models import Registration

    Registration.objects.filter(event=event, email__startswith="race-").delete()
    taken = Registration.objects.filter(event=event).holding_a_place().count()
    left = event.capacity - taken
    if left != LAST_PLACES:
        sys.exit(f"{left} places left, not {LAST_PLACES}: generate the event again.")
    barrier = threading.Barrier(clients)
    errors: list[str] = []

    def one(n: int) -> None:
        from django.db import connection as own  # this thread's own connection

        try:
            barrier.wait()
            registration.register(
                event, name=f"Concorrente {n}", email=f"race-{n}@example.org", confirmed=True
            )
        except Exception as error:  # noqa: BLE001  (reported below, the run goes on)
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            own.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raced = Registration.objects.filter(event=event, email__startswith="race-")
    return raced.holding_a_place().count(), raced.waiting().count(), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--no-race", action="store_true", help="skip the concurrency check")
    args = parser.parse_args()
    from approdo.participation.models import Contribution, Event

    event = Event.objects.filter(slug=SLUG).first()
    if event is None:
        sys.exit(f"No event {SLUG}: run bench/participation_generate.py first.")
    pages = urls(event)
    # The registrations of a former concurrency check would count in the figures below.
    event.registrations.filter(email__startswith="race-").delete()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress, page by page
    contributions = Contribution.objects.filter(question__table__event=event).count()
    print(
        f"database: {connection.vendor}, event {SLUG}: "
        f"{event.registrations.count():,} registrations, {event.tables.count()} tables, "
        f"{contributions:,} contributions"
    )
    client = Client()
    for label in ("table page", "report page"):
        tables = pages[label]
        timed(lambda n, tables=tables: get(client, tables[n % len(tables)]), 8)  # warm up
        p50, p95 = percentiles(
            timed(lambda n, tables=tables: get(client, tables[n % len(tables)]), args.requests)
        )
        print(f"{label:12} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({args.requests} requests)")
    pdfs = pages["report PDF"]
    started = time.perf_counter()
    get(client, pdfs[0])  # first in this process: fonts and the PDF engine load
    first = time.perf_counter() - started
    samples = [s / 1000 for s in timed(lambda n: get(client, pdfs[n % len(pdfs)]), args.pdf_runs)]
    samples = samples or [first]
    print(
        f"report PDF   first {first:.2f} s   median {statistics.median(samples):.2f} s   "
        f"max {max(samples):.2f} s"
    )
    if args.no_race:
        return
    if connection.vendor != "postgresql":
        sys.exit("The concurrency check needs PostgreSQL (DATABASE_URL); --no-race skips it.")
    registered, waiting, errors = race(event, args.clients)
    print(
        f"{args.clients} concurrent registrations for the last {LAST_PLACES} places: "
        f"{registered} got a place, {waiting} waiting, {len(errors)} errors"
    )
    for error in sorted(set(errors))[:5]:
        print("  ", error)
    expected = (LAST_PLACES, args.clients - LAST_PLACES)
    if (registered, waiting) != expected or errors:
        print(f"FAILED: expected {expected[0]} with a place and {expected[1]} waiting")
        sys.exit(1)


if __name__ == "__main__":
    main()
