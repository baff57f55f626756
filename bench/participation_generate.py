"""Generate a large participatory seminar for the participation benchmarks (once per database).

    .venv/bin/python bench/participation_generate.py [--registrations 2000 --contributions 20000]

On the database of DATABASE_URL: migrates, loads the territory, creates 200 organisations
seated in random comuni, a call with 40 funded projects, and one published event (slug
bench-seminario, in 60 days, capacity = registrations + 10, so the last 10 places are left for
the concurrency check of participation_pages.py) with `registrations` registrations spread on
4 working tables of 3 guiding questions each, `contributions` contributions (bulk_create; before
and during, 10% anonymous, 2% hidden, 5% citing a funded project) and a published synthesis
report per table with 8 findings and 8 recommendations citing 12 contributions each. An event
already there is kept (delete it to generate again). Seeded: the same sizes give the same data.
"""

import argparse
import datetime
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

SLUG = "bench-seminario"
ROLES = ["operator", "coordinator", "official", "volunteer", "researcher", "user"]
TAGS = ["strength", "weakness", "recommendation", "example"]
TABLES = [
    "Governance multilivello e multistakeholder",
    "Coinvolgimento delle comunità, degli utenti e cittadinanza attiva",
    "Metodi e strumenti di monitoraggio, valutazione e reporting",
    "Accessibilità dei servizi: universalismo e specificità",
]
QUESTIONS = [
    "Quali elementi hanno funzionato nei progetti della vostra zona?",
    "Quali punti di debolezza e possibili attenzioni?",
    "Quali raccomandazioni per i prossimi piani integrati zonali?",
]
SENTENCES = [
    "Il tavolo di coprogettazione ha coinvolto servizi sociali, centro per l'impiego e gestori.",
    "La mediazione linguistico-culturale nei consultori ha facilitato l'accesso delle donne.",
    "Le persone con diniego restano escluse dalla maggior parte dei servizi ordinari.",
    "Gli indicatori misurano gli accessi e non gli esiti dei percorsi di autonomia.",
    "La rendicontazione doppia toglie tempo agli operatori e non aiuta la programmazione.",
    "I laboratori di quartiere hanno trasformato gli utenti in volontari della comunità.",
    "Serve un referente zonale che tenga i rapporti tra SAI, CAS e terzo settore.",
    "L'iscrizione anagrafica apre l'accesso al medico di base e ai servizi del comune.",
    "Il turn over degli operatori disperde le competenze acquisite nei progetti.",
    "La formazione congiunta ha fatto conoscere le procedure dei servizi e dell'accoglienza.",
    "I tempi dei bandi sono troppo brevi per costruire fiducia con le comunità.",
    "Lo sportello dedicato rischia di diventare l'unica porta per le persone straniere.",
]
FIRST = ["Giulia", "Marco", "Sara", "Luca", "Amina", "Karim", "Ioana", "Paolo", "Elena", "Mehdi"]
LAST = ["Bianchi", "Rossi", "Conti", "Diallo", "Popescu", "Haddad", "Neri", "Galli", "Sarr"]


def text(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))


def generate(registrations: int, contributions: int) -> str:
    from approdo.funding.models import Call, Project
    from approdo.organizations.models import Organization
    from approdo.participation.models import (
        Contribution,
        Event,
        GuidingQuestion,
        Registration,
        Statement,
        SynthesisReport,
        WorkingTable,
    )
    from approdo.territory.models import Comune

    if Event.objects.filter(slug=SLUG).exists():
        return f"event {SLUG} already there: kept"
    rng = random.Random(2021)
    comuni = list(Comune.objects.values_list("pk", flat=True))
    Organization.objects.bulk_create(
        [
            Organization(
                name=f"Bench organizzazione {n}",
                kind=rng.choice(["comune", "cooperativa_sociale", "aps", "odv", "sds"]),
                seat_id=rng.choice(comuni),
            )
            for n in range(200)
        ],
        ignore_conflicts=True,
    )
    organisations = list(
        Organization.objects.filter(name__startswith="Bench organizzazione ").values_list(
            "pk", flat=True
        )
    )
    call, _ = Call.objects.get_or_create(slug="bench-partecipazione", defaults={"title": "Bench"})
    Project.objects.bulk_create(
        [
            Project(
                call=call,
                code=f"BP{n:04d}",
                title=f"Progetto di comunità {n}",
                lead_id=rng.choice(organisations),
                status=Project.Status.FUNDED,
            )
            for n in range(40)
        ],
        ignore_conflicts=True,
    )
    projects = list(call.projects.values_list("pk", flat=True))
    now = timezone.now()
    starts = now + datetime.timedelta(days=60)
    event = Event.objects.create(
        slug=SLUG,
        title="Seminario di benchmark su immigrazione e cittadinanza sociale",
        status=Event.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        mode=Event.Mode.ONLINE,
        online_link="https://meet.example.org/bench",
        capacity=registrations + 10,
    )
    event.projects.set(projects[:10])
    tables = [
        WorkingTable.objects.create(event=event, number=n, title=title)
        for n, title in enumerate(TABLES, start=1)
    ]
    questions = {
        table.pk: [
            GuidingQuestion.objects.create(table=table, order=order, text=q)
            for order, q in enumerate(QUESTIONS, start=1)
        ]
        for table in tables
    }
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email=f"bench{n}@example.org",
                organization_id=rng.choice(organisations),
                role=rng.choice(ROLES),
                table=tables[n % len(tables)],
                listed=n % 2 == 0,
                confirmed_at=now,
            )
            for n in range(registrations)
        ],
        batch_size=1000,
    )
    rows = []
    for n in range(contributions):
        table = tables[n % len(tables)]
        hidden = rng.random() < 0.02
        rows.append(
            Contribution(
                question=rng.choice(questions[table.pk]),
                phase=rng.choice(["before", "during"]),
                text=text(rng),
                speaker=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                speaker_organization=f"Bench organizzazione {rng.randrange(200)}",
                anonymous=rng.random() < 0.10,
                tags=rng.sample(TAGS, rng.randint(1, 2)),
                hidden_at=now if hidden else None,
                hidden_reason="Fuori tema" if hidden else "",
            )
        )
    Contribution.objects.bulk_create(rows, batch_size=2000)
    by_table: dict[int, list[int]] = {}
    for pk, table_id in Contribution.objects.filter(question__table__event=event).values_list(
        "pk", "question__table_id"
    ):
        by_table.setdefault(table_id, []).append(pk)
    cites = Contribution.projects.through
    cites.objects.bulk_create(
        [
            cites(contribution_id=pk, project_id=rng.choice(projects))
            for ids in by_table.values()
            for pk in ids
            if rng.random() < 0.05
        ],
        batch_size=2000,
    )
    citations = Statement.citations.through
    for table in tables:
        report = SynthesisReport.objects.create(
            table=table,
            summary="Sintesi del tavolo: " + text(rng),
            status=SynthesisReport.Status.PUBLISHED,
            published_at=now,
        )
        statements = Statement.objects.bulk_create(
            [
                Statement(report=report, kind=kind, order=order, text=text(rng))
                for kind in ("finding", "recommendation")
                for order in range(1, 9)
            ]
        )
        citations.objects.bulk_create(
            [
                citations(statement_id=statement.pk, contribution_id=pk)
                for statement in statements
                for pk in rng.sample(by_table[table.pk], 12)
            ]
        )
    return (
        f"event {SLUG}: {registrations} registrations (capacity {event.capacity}), "
        f"{len(tables)} tables, {contributions} contributions, {len(tables)} published reports"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=2000)
    parser.add_argument("--contributions", type=int, default=20000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from approdo.territory.loading import load_territory

    load_territory()
    started = time.perf_counter()
    with transaction.atomic():
        said = generate(args.registrations, args.contributions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {said} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
