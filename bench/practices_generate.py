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
# Each practice is about one to three themes; most of its sentences come from them, the rest
# are generic. A theme's words then appear in a few practices out of ten, the generic ones
# in most, as in a real catalogue (a word in every practice is rare; a word in half is not).
THEMES = {
    "abitare": (
        ["per l'abitare", "di accoglienza diffusa", "per l'autonomia abitativa"],
        [
            "Il progetto cerca alloggi in affitto presso piccoli proprietari e offre garanzie.",
            "Gli appartamenti in coabitazione accolgono {n} persone per diciotto mesi al massimo.",
            "Un'agenzia sociale per la casa media tra inquilini stranieri e proprietari.",
            "Il fondo di garanzia copre le prime mensilità e il deposito cauzionale.",
            "La ricerca della casa parte da un colloquio sul reddito e sui bisogni della famiglia.",
            "Sono state sperimentate forme di housing first per chi esce dall'accoglienza.",
        ],
    ),
    "lavoro": (
        ["di inserimento lavorativo", "di formazione professionale"],
        [
            "Sono stati attivati tirocini in aziende {agg2} e borse lavoro nel settore {settore}.",
            "Il centro per l'impiego segue ogni persona con un bilancio delle competenze.",
            "I partecipanti preparano il curriculum e simulano i colloqui di lavoro.",
            "Il corso per saldatori e carrellisti rilascia una qualifica riconosciuta.",
            "Molti tirocini si sono trasformati in contratti a tempo determinato.",
            "Le imprese del distretto {settore} partecipano alla selezione dei candidati.",
        ],
    ),
    "lingua": (
        ["di lingua italiana", "di alfabetizzazione"],
        [
            "I corsi di italiano si tengono la sera con il CPIA e i volontari della biblioteca.",
            "Il livello A2 è richiesto per il permesso di lungo periodo: il corso prepara l'esame.",
            "Le classi di alfabetizzazione hanno un servizio di custodia dei bambini.",
            "Gruppi di conversazione uniscono studenti stranieri e pensionati del quartiere.",
            "Le lezioni usano materiali su lavoro, salute e scuola scritti con i partecipanti.",
        ],
    ),
    "legale": (
        ["di consulenza legale", "di tutela dei diritti"],
        [
            "Lo sportello legale segue i ricorsi contro i dinieghi della commissione territoriale.",
            "Avvocati volontari preparano le audizioni e accompagnano in questura.",
            "Il servizio cura il rinnovo dei permessi di soggiorno e i ricongiungimenti familiari.",
            "Una guida in sei lingue spiega i diritti e le scadenze della procedura d'asilo.",
            "Le domande di cittadinanza vengono preparate con i documenti richiesti dal Comune.",
        ],
    ),
    "salute": (
        ["di tutela della salute", "di supporto psicologico"],
        [
            "L'ambulatorio di medicina delle migrazioni lavora con il consultorio dell'ASL.",
            "Ogni persona accolta viene iscritta al servizio sanitario e sceglie il medico.",
            "Un'équipe di psicologi ed etnopsichiatri segue chi porta traumi del viaggio.",
            "Le campagne di vaccinazione raggiungono le persone nei centri di accoglienza.",
            "La salute mentale è affrontata con gruppi di parola e visite domiciliari.",
        ],
    ),
    "scuola": (
        ["di accompagnamento scolastico", "contro la dispersione scolastica"],
        [
            "Il doposcuola aiuta i ragazzi nei compiti tre pomeriggi a settimana.",
            "Gli insegnanti ricevono formazione sull'accoglienza degli alunni neoarrivati.",
            "Le famiglie vengono accompagnate all'iscrizione e ai colloqui con la scuola.",
            "L'intervento ha ridotto la dispersione scolastica e rafforzato la {valore}.",
            "Un patto educativo lega scuole, parrocchie e associazioni sportive del quartiere.",
        ],
    ),
    "donne": (
        ["per donne sole con figli", "per donne vittime di violenza"],
        [
            "Il centro antiviolenza accoglie donne straniere con mediatrici formate.",
            "Un gruppo di madri si incontra ogni settimana per parlare di maternità e servizi.",
            "Le donne in uscita dalla tratta trovano ospitalità protetta e un percorso di lavoro.",
            "Il laboratorio di sartoria è diventato una piccola impresa gestita da donne.",
        ],
    ),
    "minori": (
        ["per minori stranieri non accompagnati", "per giovani neomaggiorenni"],
        [
            "I tutori volontari affiancano i minori stranieri soli fino ai diciotto anni.",
            "Per i neomaggiorenni il progetto offre un alloggio ponte e un tutor per il lavoro.",
            "La comunità per minori collabora con il tribunale e con i servizi sociali.",
            "Gli educatori accompagnano i ragazzi nella scelta della scuola professionale.",
        ],
    ),
    "sport": (
        ["di sport e inclusione"],
        [
            "La squadra di calcio mista partecipa al campionato amatoriale della provincia.",
            "La palestra popolare apre gratuitamente due sere a settimana.",
            "I tornei di quartiere sono organizzati insieme ai ragazzi accolti.",
            "Lo sport diventa occasione di incontro tra famiglie italiane e straniere.",
        ],
    ),
    "agricoltura": (
        ["di agricoltura sociale"],
        [
            "Le persone accolte coltivano orti urbani e vendono i prodotti al mercato contadino.",
            "Le aziende agricole della collina ospitano tirocini nella raccolta e nella potatura.",
            "La filiera etica del pomodoro contrasta il caporalato con contratti regolari.",
            "Un terreno confiscato è stato affidato alla cooperativa per l'agricoltura sociale.",
        ],
    ),
    "cultura": (
        ["di teatro partecipato", "di narrazione e memoria"],
        [
            "Il laboratorio di teatro mette in scena storie di viaggio scritte dai partecipanti.",
            "La biblioteca ha uno scaffale multilingue e letture per bambini in più lingue.",
            "I concerti di musica dal mondo coinvolgono le comunità straniere della città.",
            "Un archivio di racconti orali raccoglie le memorie dell'immigrazione in Toscana.",
        ],
    ),
    "mediazione": (
        ["di mediazione linguistico-culturale", "di orientamento ai servizi"],
        [
            "Grazie alla mediazione culturale sono migliorati l'accesso ai servizi e la {valore}.",
            "I mediatori sono presenti negli ospedali, nei consultori e agli sportelli comunali.",
            "Il servizio di interpretariato telefonico copre venti lingue.",
            "Gli sportelli di prossimità sono aperti anche il sabato e nelle frazioni montane.",
            "Lo sportello orienta ai servizi sociali, sanitari e per la residenza anagrafica.",
        ],
    ),
    "marginalita": (
        ["di pronto intervento sociale", "per persone senza dimora"],
        [
            "L'unità di strada incontra ogni notte le persone senza dimora della stazione.",
            "Il dormitorio d'emergenza apre nei mesi freddi con trenta posti letto.",
            "La mensa solidale è gestita da volontari e da ex beneficiari.",
            "Il pronto intervento sociale risponde alle emergenze notturne e nei festivi.",
            "I volontari sostengono le persone nelle pratiche per la residenza fittizia.",
        ],
    ),
    "partecipazione": (
        ["di cittadinanza attiva", "di coesione sociale"],
        [
            "Le feste di quartiere sono organizzate da un comitato di residenti e nuovi cittadini.",
            "I giovani stranieri fanno volontariato nelle associazioni di protezione civile.",
            "Un consiglio dei cittadini stranieri discute con la giunta le scelte del Comune.",
            "Le persone accolte partecipano alla gestione degli spazi comuni e degli orti urbani.",
        ],
    ),
}
GENERIC = [
    "Il {int} nasce dalla collaborazione tra {ente} e le associazioni del territorio.",
    "Le attività si svolgono presso {luogo} con operatori formati.",
    "Ogni anno il servizio accompagna circa {n} persone.",
    "La rete coinvolge {ente}, i servizi sociali comunali e la Prefettura.",
    "Il percorso prevede colloqui individuali, attività di gruppo e visite sul territorio.",
    "L'esperienza è stata valutata con questionari e incontri con i beneficiari.",
    "La sostenibilità è garantita da una convenzione pluriennale e dal cofinanziamento {fin}.",
    "Tra le difficoltà incontrate: i tempi lunghi e la {problema}.",
    "Il modello è trasferibile ad altre zone distretto con costi contenuti.",
    "Sono nate collaborazioni con {settore2} locale e con le cooperative di tipo B.",
]
DESTINATARI = [
    "per richiedenti asilo",
    "per titolari di protezione internazionale",
    "per famiglie straniere",
    "per lavoratori stagionali",
    "per vittime di sfruttamento",
    "per persone con disagio psichico",
    "per disoccupati",
    "nei piccoli comuni",
    "in zona distretto",
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
        "la sede della cooperativa",
        "un ex convento ristrutturato",
    ],
    "agg2": ["agricole", "artigiane", "della ristorazione", "della logistica", "tessili"],
    "settore": ["turistico", "manifatturiero", "della cura", "edile", "del commercio"],
    "settore2": ["il volontariato", "l'associazionismo", "l'imprenditoria", "il mondo sportivo"],
    "valore": [
        "fiducia reciproca",
        "partecipazione delle famiglie",
        "autonomia personale",
        "conoscenza dei diritti",
    ],
    "fin": ["della Fondazione Cassa di Risparmio", "regionale", "dei Comuni associati", "europeo"],
    "problema": [
        "burocrazia dei permessi",
        "discontinuità dei finanziamenti",
        "barriera linguistica",
        "carenza di trasporti",
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


def fill(rng: random.Random, text: str) -> str:
    for key, values in FILL.items():
        text = text.replace("{" + key + "}", rng.choice(values))
    return text


def texts(rng: random.Random) -> dict[str, str]:
    """Title and texts of one practice about one to three themes."""
    themes = rng.sample(sorted(THEMES), rng.choice([1, 1, 2, 2, 3]))
    pool = [sentence for theme in themes for sentence in THEMES[theme][1]]

    def sentences(count: int) -> str:
        return " ".join(
            fill(rng, rng.choice(pool if rng.random() < 0.7 else GENERIC)) for _ in range(count)
        )

    subject = rng.choice(THEMES[themes[0]][0])
    return {
        "title": " ".join([rng.choice(INTERVENTI), subject, rng.choice(DESTINATARI)])[:250],
        "summary": sentences(2),
        "description": sentences(rng.randint(3, 7)),
        "results": sentences(1),
        "transferability": fill(rng, rng.choice(GENERIC)),
    }


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
            text = texts(rng)
            batch.append(
                Practice(
                    code=f"{PREFIX}{number:06d}",
                    **text,
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
