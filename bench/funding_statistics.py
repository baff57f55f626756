"""Time the call statistics on the call of bench/funding_generate.py (10,000 projects,
1,000,000 indicator values): p50/p95 of GET /api/v1/calls/{slug}/statistics in process
(Django test client, anonymous, public figures with suppression), of the bare SQL aggregation
behind it (the same counts, hand-written, through one cursor) and their ratio; then the call
report as PDF.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/approdo_bench
    export DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=testserver APPRODO_SSL_REDIRECT=0
    .venv/bin/python bench/funding_generate.py
    .venv/bin/python bench/funding_statistics.py [--runs 200 --pdf-runs 5]

Targets: endpoint p95 under 150 ms and at most 2x the bare SQL; PDF under 5 s.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from approdo.funding import report  # noqa: E402
from approdo.funding.models import Call  # noqa: E402

BARE_SQL = [
    """SELECT count(*), count(*) FILTER (WHERE status = 'funded'), sum(requested_amount),
              sum(requested_amount) FILTER (WHERE status = 'funded'),
              sum(granted_amount) FILTER (WHERE status = 'funded'), max(updated_at)
       FROM funding_project WHERE call_id = %(call)s""",
    """SELECT o.kind, count(*) FROM funding_project p
       JOIN organizations_organization o ON o.id = p.lead_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY o.kind""",
    """SELECT l.action_id, o.kind, count(*) FROM funding_project_actions l
       JOIN funding_project p ON p.id = l.project_id
       JOIN organizations_organization o ON o.id = p.lead_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY l.action_id, o.kind""",
    """SELECT l.targetgroup_id, count(*) FROM funding_project_targets l
       JOIN funding_project p ON p.id = l.project_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY l.targetgroup_id""",
    """SELECT coalesce(t.parent_id, t.code), count(DISTINCT l.project_id)
       FROM funding_project_targets l
       JOIN funding_project p ON p.id = l.project_id
       JOIN taxonomy_targetgroup t ON t.code = l.targetgroup_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY 1""",
    """SELECT z.id, z.name, z.slug, z.asl_id, count(*) FROM funding_project_zone l
       JOIN funding_project p ON p.id = l.project_id
       JOIN territory_zona z ON z.id = l.zona_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY z.id""",
    """SELECT z.asl_id, count(DISTINCT l.project_id) FROM funding_project_zone l
       JOIN funding_project p ON p.id = l.project_id
       JOIN territory_zona z ON z.id = l.zona_id
       WHERE p.call_id = %(call)s AND p.status = 'funded' GROUP BY z.asl_id""",
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def time_runs(function, runs: int) -> list[float]:
    for _ in range(min(10, runs)):  # warm up: caches, connection, converter
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pdf-runs", type=int, default=5)
    args = parser.parse_args()
    call = Call.objects.get(slug=f"bench-funding-{args.projects}")
    client = Client()
    url = f"/api/v1/calls/{call.slug}/statistics"

    def endpoint():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def bare_sql():
        with connection.cursor() as cursor:
            for sql in BARE_SQL:
                cursor.execute(sql, {"call": call.pk})
                cursor.fetchall()

    print(f"call {call.slug}: {call.projects.count():,} projects")
    api50, api95 = percentiles(time_runs(endpoint, args.runs))
    sql50, sql95 = percentiles(time_runs(bare_sql, args.runs))
    print(f"statistics endpoint   p50 {api50:7.1f} ms   p95 {api95:7.1f} ms")
    print(f"bare SQL aggregation  p50 {sql50:7.1f} ms   p95 {sql95:7.1f} ms")
    print(f"ratio endpoint / bare SQL: p50 {api50 / sql50:.2f}x   p95 {api95 / sql95:.2f}x")

    def pdf():
        built, _stats = report.build_report(call, public=True)
        report.report_pdf(built, call)

    started = time.perf_counter()
    pdf()  # first in this process: the chart converter starts
    first = time.perf_counter() - started
    samples = time_runs(pdf, args.pdf_runs) if args.pdf_runs else [first]
    print(
        f"call report PDF       first {first:.2f} s   median {statistics.median(samples):.2f} s"
        f"   max {max(samples):.2f} s"
    )


if __name__ == "__main__":
    main()
