"""Time the pipeline and meetings pages at national scale, in process (Django test client).

Run on the database made by bench/governance_generate.py (7,900 comuni, 600 zone); this script
adds, once, a pipeline entry for every comune (random statuses), 3,000 meetings with 2 follow-up
actions each, a coordinator and a territory officer scoped to one zona. Prints p50/p95 per page.

    createdb -h 127.0.0.1 -U postgres governance_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/governance_bench
    .venv/bin/python bench/governance_generate.py
    DEBUG=1 .venv/bin/python bench/governance_pipeline.py [--runs 20]
"""

import argparse
import datetime
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from approdo.governance.calendar import token_for  # noqa: E402
from approdo.governance.models import FollowUpAction, Meeting, PipelineEntry  # noqa: E402
from approdo.organizations.models import Membership, Organization, User  # noqa: E402
from approdo.territory.models import ComuneZona, Zona  # noqa: E402

MEETINGS = 3000


@transaction.atomic
def populate(seed: int) -> None:
    rng = random.Random(seed)
    statuses = PipelineEntry.Status.values
    have = set(PipelineEntry.objects.values_list("comune_id", flat=True))
    codes = [c for c in ComuneZona.objects.values_list("comune_id", flat=True) if c not in have]
    PipelineEntry.objects.bulk_create(
        [PipelineEntry(comune_id=code, status=rng.choice(statuses)) for code in codes],
        batch_size=2000,
    )
    if Meeting.objects.count() < MEETINGS:
        zone = list(Zona.objects.values_list("pk", flat=True))
        now = timezone.now()
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    type=rng.choice(Meeting.Type.values),
                    title=f"Incontro {i}",
                    starts_at=now + datetime.timedelta(days=rng.randint(-700, 60)),
                    agenda="Ordine del giorno",
                    minutes="Verbale",
                )
                for i in range(MEETINGS)
            ]
        )
        through = Meeting.zone.through
        through.objects.bulk_create(
            [through(meeting_id=m.pk, zona_id=rng.choice(zone)) for m in meetings]
        )
        FollowUpAction.objects.bulk_create(
            [
                FollowUpAction(
                    meeting=m,
                    description=f"Azione {k}",
                    due_date=(m.starts_at + datetime.timedelta(days=30)).date(),
                )
                for m in meetings
                for k in range(2)
            ]
        )


def users() -> tuple[User, User]:
    org, _ = Organization.objects.get_or_create(name="Bench ANCI", kind="associazione")
    coordinator, _ = User.objects.get_or_create(email="bench-coordinator@example.org")
    Membership.objects.get_or_create(user=coordinator, organization=org, role="analyst")
    officer, _ = User.objects.get_or_create(email="bench-officer@example.org")
    zona = Zona.objects.order_by("pk").first()
    Membership.objects.get_or_create(
        user=officer, organization=org, role="territory_viewer", zona=zona
    )
    return coordinator, officer


def timed(client: Client, path: str, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    setup_test_environment()
    populate(args.seed)
    staff, officer = users()
    zona = Zona.objects.order_by("pk").first()
    asl = zona.asl
    print(
        f"{PipelineEntry.objects.count()} pipeline entries, {Meeting.objects.count()} meetings, "
        f"{FollowUpAction.objects.count()} actions"
    )
    pages = [
        ("board, analyst (all entries)", staff, "/governance/ricognizione/"),
        ("board, analyst, one zona", staff, f"/governance/ricognizione/?zona={zona.slug}"),
        ("list, analyst, page 1", staff, "/governance/ricognizione/elenco/"),
        ("meetings list, analyst", staff, "/governance/incontri/"),
        ("meetings list, zona officer", officer, "/governance/incontri/"),
        ("board, zona officer", officer, "/governance/ricognizione/"),
        (
            "iCalendar feed, zona officer",
            None,
            f"/governance/incontri/feed/{token_for(officer).token}.ics",
        ),
        ("ASL dashboard, analyst", staff, f"/governance/asl/{asl.slug}/"),
    ]
    for label, user, path in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        p50, p95 = timed(client, path, args.runs)
        print(f"{label:36s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


if __name__ == "__main__":
    main()
