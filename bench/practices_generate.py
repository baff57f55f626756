"""Generate realistic Italian good practices for the catalogue benchmarks (idempotent per size).

    .venv/bin/python bench/practices_generate.py --size 10000

On the database of DATABASE_URL: migrates, loads territory and taxonomies, creates a few
hundred organisations and `size` published practices (every facet filled: zone, comuni,
actions, targets, sector, status, years, funding sources), then builds the search index.
Practices already there (code prefix BENCH-) are kept: run it again with a larger size to
add the missing ones. Seeded: the same size gives the same data.
"""

import argparse
import datetime
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

PREFIX = "BENCH-"

INTERVENTI = [
    "Sportello",
    "Laboratorio",
    "Percorso",
    "Rete",
    "Progetto",
    "Servizio",
    "Centro",
    "Corso",
    "Programma",
    "Tavolo",
    "Presidio",
    "Cantiere",
    "Osservatorio",
    "Accademia",
    "Punto",
]
OGGETTI = [
    "di orientamento ai servizi",
    "di mediazione linguistico-culturale",
    "per l'abitare",
    "di accoglienza diffusa",
    "di inserimento lavorativo",
    "di lingua italiana",
    "di consulenza legale",
    "di cittadinanza attiva",
    "di supporto psicologico",
    "per l'autonomia abitativa",
    "di tutela della salute",
    "di formazione professionale",
    "di pronto intervento sociale",
    "di educazione finanziaria",
    "di sport e inclusione",
    "di accompagnamento scolastico",
    "per il riconoscimento dei titoli di studio",
    "di coabitazione solidale",
    "di agricoltura sociale",
    "di teatro partecipato",
]
DESTINATARI = [
    "per richiedenti asilo",
    "per titolari di protezione internazionale",
    "per donne sole con figli",
    "per minori stranieri non accompagnati",
    "per persone senza dimora",
    "per giovani neomaggiorenni",
    "per famiglie straniere",
    "per lavoratori stagionali",
    "per vittime di sfruttamento",
    "per donne vittime di violenza",
    "per persone con disagio psichico",
    "per disoccupati",
]
FRASI = [
    "Il {int} nasce dalla collaborazione tra {ente} e le associazioni del territorio.",
    "Le attività si svolgono presso {luogo} con operatori formati e mediatori culturali.",
    "Ogni anno il servizio accompagna circa {n} persone nella ricerca di una soluzione {agg}.",
    "Sono stati attivati tirocini in aziende {agg2} e borse lavoro nel settore {settore}.",
    "La rete coinvolge {ente}, i servizi sociali comunali, la Prefettura e le scuole.",
    "Il percorso prevede colloqui individuali, laboratori di gruppo e visite sul territorio.",
    "Una parte importante riguarda l'apprendimento della lingua italiana e l'educazione civica.",
    "Grazie alla mediazione culturale sono migliorati l'accesso ai servizi sanitari e la {valore}.",
    "I volontari sostengono le famiglie nelle pratiche per la residenza e il permesso "
    "di soggiorno.",
    "L'esperienza è stata valutata con questionari e incontri di restituzione con i beneficiari.",
    "La sostenibilità è garantita da una convenzione pluriennale e dal cofinanziamento {fin}.",
    "Tra le difficoltà incontrate: la scarsità di alloggi, i tempi lunghi e la {problema}.",
    "Il modello è trasferibile ad altre zone distretto con costi contenuti e {valore}.",
    "Le persone accolte partecipano alla gestione degli spazi comuni e degli orti urbani.",
    "Il servizio di consulenza legale segue ricorsi, ricongiungimenti familiari e cittadinanza.",
    "Sono nate collaborazioni con {settore} locale e con le cooperative di tipo B.",
    "Gli sportelli di prossimità sono aperti anche il sabato e nelle frazioni montane.",
    "L'intervento ha ridotto la dispersione scolastica e rafforzato la {valore}.",
]
FILL = {
    "int": ["progetto", "servizio", "percorso", "laboratorio"],
    "ente": [
        "il Comune",
        "la Società della Salute",
        "una cooperativa sociale",
        "la Caritas",
        "un'associazione di volontariato",
        "l'Unione dei Comuni",
        "la Misericordia",
    ],
    "luogo": [
        "la biblioteca comunale",
        "un centro civico",
        "la casa del popolo",
        "i locali della parrocchia",
        "il centro per l'impiego",
        "la sede della cooperativa",
        "un ex convento ristrutturato",
    ],
    "agg": ["abitativa", "lavorativa", "stabile", "dignitosa", "condivisa", "temporanea"],
    "agg2": [
        "agricole",
        "artigiane",
        "della ristorazione",
        "della logistica",
        "tessili",
        "turistiche",
    ],
    "settore": [
        "turistico",
        "manifatturiero",
        "dell'agricoltura",
        "della cura",
        "edile",
        "del commercio",
    ],
    "valore": [
        "fiducia reciproca",
        "partecipazione delle famiglie",
        "coesione sociale",
        "autonomia personale",
        "conoscenza dei diritti",
        "rete tra enti",
    ],
    "fin": ["della Fondazione Cassa di Risparmio", "regionale", "dei Comuni associati", "europeo"],
    "problema": [
        "burocrazia dei permessi",
        "discontinuità dei finanziamenti",
        "barriera linguistica",
        "carenza di trasporti",
        "diffidenza iniziale dei proprietari",
    ],
    "n": [str(n) for n in range(20, 400, 15)],
}
FUNDING = [
    "FAMI",
    "FSE+",
    "PNRR",
    "Fondi regionali",
    "Fondi comunali",
    "Fondazione bancaria",
    "8xmille",
    "Fondo povertà",
    "Risorse proprie",
    "SAI",
]
KINDS = [
    "comune",
    "sds",
    "unione_comuni",
    "cooperativa_sociale",
    "aps",
    "odv",
    "associazione",
    "fondazione",
    "impresa_sociale",
]


def sentence(rng: random.Random) -> str:
    text = rng.choice(FRASI)
    for key, values in FILL.items():
        text = text.replace("{" + key + "}", rng.choice(values))
    return text


def organisations(rng: random.Random, comuni: list) -> list:
    from approdo.organizations.models import Organization

    existing = list(Organization.objects.filter(name__startswith="Bench "))
    if len(existing) >= 300:
        return existing
    rows = [
        Organization(
            name=f"Bench {kind.replace('_', ' ')} {number:03d}",
            kind=kind,
            seat_id=rng.choice(comuni),
        )
        for number in range(300)
        for kind in [KINDS[number % len(KINDS)]]
    ]
    Organization.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Organization.objects.filter(name__startswith="Bench "))


def generate(size: int, seed: int = 4) -> int:
    from approdo.practices import search
    from approdo.practices.models import Practice
    from approdo.taxonomy.models import Action, TargetGroup
    from approdo.territory.models import ComuneZona

    have = Practice.objects.filter(code__startswith=PREFIX).count()
    if have >= size:
        return 0
    rng = random.Random(seed + have)
    links = list(ComuneZona.objects.valid_on().values_list("comune_id", "zona_id"))
    comuni = [comune for comune, _zona in links]
    zona_of = dict(links)
    orgs = organisations(rng, comuni)
    actions = list(Action.objects.values_list("code", flat=True))
    targets = list(TargetGroup.objects.values_list("code", flat=True))
    now = timezone.now()
    Through = Practice  # noqa: N806 - the through models below
    for start in range(have, size, 2000):
        stop = min(size, start + 2000)
        batch = []
        for number in range(start, stop):
            begin = datetime.date(rng.randint(2012, 2025), rng.randint(1, 12), 1)
            ended = rng.random() < 0.35
            end = begin + datetime.timedelta(days=rng.randint(180, 1500)) if ended else None
            title = " ".join([rng.choice(INTERVENTI), rng.choice(OGGETTI), rng.choice(DESTINATARI)])
            batch.append(
                Practice(
                    code=f"{PREFIX}{number:06d}",
                    title=title[:250],
                    summary=" ".join(sentence(rng) for _ in range(2)),
                    description=" ".join(sentence(rng) for _ in range(rng.randint(4, 9))),
                    results=sentence(rng),
                    transferability=sentence(rng),
                    status="ended" if ended else "ongoing",
                    start_date=begin,
                    end_date=end,
                    lead_organization=rng.choice(orgs),
                    funding_sources=rng.sample(FUNDING, rng.randint(1, 3)),
                    confirmed_at=begin,
                    published_at=now - datetime.timedelta(minutes=number),
                    contact_email=f"bench{number}@example.org",
                )
            )
        with transaction.atomic():
            created = Practice.objects.bulk_create(batch)
            comune_rows, zona_rows, action_rows, target_rows, partner_rows = [], [], [], [], []
            for practice in created:
                places = rng.sample(comuni, rng.choice([0, 1, 1, 2, 3]))
                zone = {zona_of[c] for c in places} or {zona_of[rng.choice(comuni)]}
                comune_rows += [
                    Through.comuni.through(practice_id=practice.pk, comune_id=c) for c in places
                ]
                zona_rows += [
                    Through.zone.through(practice_id=practice.pk, zona_id=z) for z in zone
                ]
                action_rows += [
                    Through.actions.through(practice_id=practice.pk, action_id=a)
                    for a in rng.sample(actions, rng.randint(1, 3))
                ]
                target_rows += [
                    Through.targets.through(practice_id=practice.pk, targetgroup_id=t)
                    for t in rng.sample(targets, rng.randint(1, 3))
                ]
                partner_rows += [
                    Through.partners.through(practice_id=practice.pk, organization_id=o.pk)
                    for o in {o.pk: o for o in rng.sample(orgs, rng.randint(0, 3))}.values()
                    if o.pk != practice.lead_organization_id
                ]
            for rows in (comune_rows, zona_rows, action_rows, target_rows, partner_rows):
                type(rows[0]).objects.bulk_create(rows) if rows else None
        search.reindex([practice.pk for practice in created])
        print(f"  {stop} practices", file=sys.stderr)
    return size - have


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from approdo.taxonomy.loading import load_taxonomies
    from approdo.territory.loading import load_territory

    load_territory()
    load_taxonomies()
    started = time.perf_counter()
    added = generate(args.size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # index-only scans need the visibility map
    print(f"{connection.vendor}: {added} practices added in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
