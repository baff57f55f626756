"""Time the territory pages and API in process and compare them with their bare SQL query."""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CASES = [
    (
        "/api/v1/territory/zones",
        "SELECT z.id, z.name, COUNT(cz.id), SUM(p.total) FROM territory_zona z "
        "JOIN territory_comunezona cz ON cz.zona_id = z.id AND cz.valid_to IS NULL "
        "JOIN territory_population p ON p.comune_id = cz.comune_id AND p.year = 2021 "
        "GROUP BY z.id, z.name",
    ),
    (
        "/territorio/zone/pratese/",
        "SELECT c.istat_code, c.name, p.total FROM territory_comune c "
        "JOIN territory_comunezona cz ON cz.comune_id = c.istat_code AND cz.valid_to IS NULL "
        "JOIN territory_zona z ON z.id = cz.zona_id AND z.slug = 'pratese' "
        "JOIN territory_population p ON p.comune_id = c.istat_code AND p.year = 2021",
    ),
    (
        "/territorio/",
        "SELECT a.slug, COUNT(*) FROM territory_zona z JOIN territory_asl a "
        "ON a.id = z.asl_id GROUP BY a.slug",
    ),
    ("/territorio/comuni/100005/", "SELECT * FROM territory_comune WHERE istat_code = '100005'"),
]


def per_second(run, seconds: float = 2.0) -> tuple[float, float]:
    """Calls per second and p95 latency in ms of `run`, over about `seconds`."""
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000
    return len(timings) / sum(timings), p95


def main() -> None:
    client = Client()
    print(f"database: {connection.vendor}")
    print(f"{'path':32} {'req/s':>8} {'p95 ms':>8} {'SQL q/s':>9} {'ratio':>6}")
    for path, sql in CASES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

        def query(sql=sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        pages, p95 = per_second(lambda path=path: client.get(path))
        queries, _ = per_second(query)
        print(f"{path:32} {pages:8.0f} {p95:8.1f} {queries:9.0f} {queries / pages:6.1f}")


if __name__ == "__main__":
    main()
