"""Demo data for participation: the "Seminario online di approfondimento su immigrazione e
diritti di cittadinanza sociale" of 17 September 2021 (FAMI TEAMS project, seed 002) with its
four working tables and their guiding questions as published, more than 60 participants of the
demo organisations (invented people, marked is_demo, @example.org addresses) with attendance
taken, contributions before and during the event citing the funded projects of the 2019 call,
a published synthesis report per table, the guideline built from their recommendations with its
uptake in some zone, and an upcoming meeting open for registration with a waiting list.

Runs after the organisations, the practices and the 2019 call (demo_order 80). Idempotent:
every object is found by its natural key first, so running it twice makes nothing twice.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from approdo.funding.models import Call, Project
from approdo.organizations.models import Organization, User
from approdo.participation import contributions, guidelines, synthesis
from approdo.participation.models import (
    AgendaItem,
    Contribution,
    Event,
    Guideline,
    GuidelineItem,
    GuidingQuestion,
    Registration,
    Statement,
    SynthesisReport,
    Uptake,
    WorkingTable,
)
from approdo.practices.models import Practice
from approdo.territory.models import Zona

ROME = zoneinfo.ZoneInfo("Europe/Rome")
SEMINAR = "seminario-immigrazione-cittadinanza-sociale-2021"
UPCOMING = "comunita-di-pratica-piani-integrati-zonali"
GUIDELINE = "linee-guida-piani-integrati-zonali-2021"
CALL = "coesione-sociale-2019"
ORGANISERS = ["Regione Toscana", "ANCI Toscana"]
# The demo's regional administrator (organizations/demo.py) records the statements at the tables.
RECORDER = "admin@regione.example.org"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


DAY = datetime.date(2021, 9, 17)
DESCRIPTION = (
    "Seminario previsto nell'ambito del progetto FAMI TEAMS - Tuscany Empowerment Actions for "
    "Migrants System, di Regione Toscana e ANCI Toscana. Obiettivo del seminario è promuovere "
    "il confronto tra attori attivi nella promozione dell'inclusione sociale e della "
    "cittadinanza attiva delle persone cittadine di paesi terzi, per favorire il "
    "consolidamento di una comunità di pratica in materia, a partire dai progetti finanziati "
    "dall'ultimo bando regionale per la coesione sociale. Dal confronto nascono linee guida "
    "per l'aggiornamento dei piani integrati zonali, affinché gli interventi in tema di "
    "inclusione rispondano a un approccio integrato e intersettoriale, capace di mettere al "
    "centro la persona in situazione di vulnerabilità in quanto tale e di qualificare il "
    "sistema dei servizi in senso sempre più universalista."
)
AGENDA = [
    (
        (9, 30),
        (9, 50),
        "Saluti istituzionali e apertura dei lavori",
        "Regione Toscana, ANCI Toscana",
        "Il progetto FAMI TEAMS e il percorso verso le linee guida per i piani integrati zonali.",
    ),
    (
        (9, 50),
        (10, 20),
        "I progetti del bando regionale per la coesione sociale: cosa ci dicono i dati",
        "ANCI Toscana",
        "Azioni, destinatari e territori dei progetti finanziati.",
    ),
    (
        (10, 20),
        (12, 0),
        "Lavori nei quattro tavoli tematici",
        "Facilitatori dei tavoli",
        "Confronto a partire dalle domande guida e dalle esperienze progettuali.",
    ),
    ((12, 0), (12, 45), "Restituzione in plenaria", "Relatori dei tavoli", ""),
    ((12, 45), (13, 0), "Conclusioni e prossimi passi", "Regione Toscana", ""),
]

# The four tables of the seed, with their guiding questions as published.
TABLES = [
    (
        "Governance multilivello e multistakeholder",
        "Elena Marchetti",
        [
            "In che misura i progetti sviluppati fanno fare passi avanti su una logica di "
            "programmazione integrata per progetti con target anche richiedenti asilo e persone "
            "con background migratorio?",
            "Quali raccomandazioni emergono intorno al tema della governance multilivello e "
            "multi stakeholder per future progettazioni territoriali di servizi e interventi che "
            "intercettino anche richiedenti asilo e persone con background migratorio?",
        ],
    ),
    (
        "Coinvolgimento delle comunità, degli utenti e cittadinanza attiva",
        "Youssef Benali",
        [
            "Che ruolo possono avere i percorsi di cittadinanza attiva nel coinvolgimento della "
            "comunità?",
            "In che misura i progetti sviluppati ci fanno fare passi avanti su percorsi di "
            "partecipazione territoriale che includano anche richiedenti asilo e persone con "
            "background migratorio?",
            "Quali raccomandazioni emergono intorno al tema del coinvolgimento delle comunità e "
            "degli utenti nell'ottica di una progettazione territoriale di servizi e progetti "
            "che intercettino anche richiedenti asilo e persone con background migratorio?",
            "Come agire sui processi di cittadinanza attiva?",
        ],
    ),
    (
        "Metodi e strumenti di monitoraggio, valutazione e reporting",
        "Chiara Lombardi",
        [
            "In che misura i progetti sviluppati possono facilitare il pensiero rispetto allo "
            "sviluppo di strumenti di monitoraggio, valutazione e reporting?",
            "Quali elementi hanno funzionato, quali hanno funzionato poco?",
            "Quali raccomandazioni emergono intorno al tema di questi metodi e strumenti, utili "
            "per future progettazioni territoriali di servizi e interventi che intercettino "
            "anche richiedenti asilo e persone con background migratorio?",
        ],
    ),
    (
        "Accessibilità dei servizi: universalismo e specificità",
        "Francesca Gori",
        [
            "Quali elementi emergono nella vostra esperienza progettuale rispetto alla tensione "
            "tra un approccio specialistico e l'ingresso della popolazione straniera all'interno "
            "dei servizi tradizionali?",
            "Quali elementi hanno funzionato?",
            "Quali punti di debolezza e possibili attenzioni?",
            "Quali raccomandazioni emergono intorno all'apertura dei servizi tradizionali a "
            "popolazioni tipicamente trattate dal sistema dell'accoglienza per future "
            "progettazioni territoriali di servizi e interventi che intercettino anche "
            "richiedenti asilo e persone con background migratorio?",
        ],
    ),
]

# Per table, per question: (phase, tags, anonymous, cites a project, text).
B, D = Contribution.Phase.BEFORE, Contribution.Phase.DURING
S, W, R, E = "strength", "weakness", "recommendation", "example"
CONTRIBUTIONS = [
    [
        [
            (
                B,
                [S],
                False,
                True,
                "Il tavolo di coprogettazione con la Società della Salute ha messo per la prima "
                "volta intorno allo stesso tavolo servizi sociali, centro per l'impiego e gestori "
                "dell'accoglienza: la programmazione ne è uscita più integrata.",
            ),
            (
                D,
                [W],
                True,
                False,
                "Quando il progetto finisce la rete si scioglie: manca un luogo stabile in cui "
                "la zona distretto raccolga quanto costruito.",
            ),
            (
                D,
                [E],
                False,
                True,
                "Nella nostra zona la Prefettura ha partecipato alla cabina di regia: questo ha "
                "sbloccato i casi di persone uscite dai CAS senza alloggio.",
            ),
        ],
        [
            (
                B,
                [R],
                False,
                False,
                "Inserire nei piani integrati zonali una sezione dedicata all'inclusione dei "
                "cittadini di paesi terzi, con risorse e responsabilità chiare.",
            ),
            (
                D,
                [R],
                True,
                False,
                "Prevedere un referente unico per zona che tenga i rapporti tra SAI, CAS, "
                "servizi sociali e terzo settore.",
            ),
        ],
    ],
    [
        [
            (
                B,
                [S],
                False,
                True,
                "I laboratori di quartiere hanno coinvolto anche persone richiedenti asilo come "
                "volontari: da utenti sono diventati risorse per la comunità.",
            ),
            (
                D,
                [E],
                False,
                False,
                "Il corso di educazione civica costruito con le associazioni di migranti ha "
                "avuto più partecipanti di quelli organizzati dai servizi.",
            ),
        ],
        [
            (
                B,
                [W],
                True,
                False,
                "La partecipazione resta spesso simbolica: le persone sono invitate a "
                "raccontarsi ma non a decidere.",
            ),
            (
                D,
                [S],
                False,
                True,
                "Il progetto ha aperto un comitato di utenti che ha ridisegnato gli orari dello "
                "sportello: gli accessi sono aumentati.",
            ),
        ],
        [
            (
                B,
                [R],
                False,
                False,
                "Finanziare figure di mediazione di comunità e non solo di mediazione "
                "linguistico-culturale.",
            ),
            (
                D,
                [R],
                False,
                False,
                "Coinvolgere gli utenti già nella fase di progettazione, con un compenso per il "
                "tempo che dedicano.",
            ),
        ],
        [
            (
                D,
                [R, E],
                True,
                False,
                "Partire da occasioni concrete: orti urbani, sport, feste di quartiere, dove le "
                "persone si incontrano alla pari.",
            ),
            (
                D,
                [W],
                False,
                False,
                "I tempi dei bandi sono troppo brevi per costruire fiducia con le comunità.",
            ),
        ],
    ],
    [
        [
            (
                B,
                [S],
                False,
                True,
                "La scheda comune di rilevazione dei beneficiari ci ha obbligato a guardare i "
                "dati insieme ai partner ogni sei mesi.",
            ),
            (
                D,
                [W],
                False,
                False,
                "Gli indicatori misurano quante persone passano, non cosa cambia nella loro vita.",
            ),
        ],
        [
            (
                B,
                [S, E],
                False,
                True,
                "Ha funzionato la supervisione mensile dell'équipe con un valutatore esterno.",
            ),
            (
                D,
                [W],
                True,
                False,
                "Ha funzionato poco la doppia rendicontazione, regionale e del fondo: gli "
                "operatori compilano gli stessi dati due volte.",
            ),
        ],
        [
            (
                B,
                [R],
                False,
                False,
                "Un solo sistema di rendicontazione regionale, con indicatori di esito comuni a "
                "tutti i progetti.",
            ),
            (
                D,
                [R],
                False,
                False,
                "Restituire i dati del monitoraggio ai territori, così che servano a "
                "programmare e non solo a controllare.",
            ),
        ],
    ],
    [
        [
            (
                B,
                [W],
                False,
                False,
                "Lo sportello dedicato ai migranti rischia di diventare l'unica porta: i "
                "servizi ordinari rimandano lì ogni persona straniera.",
            ),
            (
                D,
                [E],
                True,
                False,
                "Nel nostro consultorio la presenza della mediatrice in orari fissi ha reso "
                "normale l'accesso delle donne richiedenti asilo.",
            ),
        ],
        [
            (
                B,
                [S],
                False,
                True,
                "La formazione congiunta degli assistenti sociali e degli operatori "
                "dell'accoglienza ha fatto conoscere le procedure di entrambi.",
            ),
            (
                D,
                [S],
                False,
                True,
                "L'accompagnamento all'iscrizione anagrafica ha aperto l'accesso al medico di "
                "base e ai servizi sociali del comune.",
            ),
        ],
        [
            (
                B,
                [W],
                False,
                False,
                "Le persone con diniego restano fuori da quasi tutti i servizi: gli operatori "
                "non sanno cosa è possibile fare.",
            ),
            (
                D,
                [W],
                True,
                False,
                "Il turn over degli operatori fa perdere le competenze acquisite.",
            ),
        ],
        [
            (
                B,
                [R],
                False,
                False,
                "Servizi ordinari accessibili a tutti, con competenze specialistiche di "
                "supporto e non in alternativa.",
            ),
            (
                D,
                [R],
                False,
                False,
                "Linee operative regionali sull'accesso ai servizi delle persone senza titolo "
                "di soggiorno o con diniego.",
            ),
        ],
    ],
]

# Per table: (summary, [(kind, text, [(question index, contribution index)])]).
REPORTS = [
    (
        "Il tavolo ha discusso come i progetti abbiano favorito una programmazione integrata "
        "tra enti pubblici, terzo settore e sistema dell'accoglienza.",
        [
            (
                "finding",
                "I tavoli di coprogettazione zonali hanno integrato servizi sociali, lavoro e "
                "accoglienza, ma la rete tende a sciogliersi alla fine del progetto.",
                [(0, 0), (0, 1), (0, 2)],
            ),
            (
                "recommendation",
                "Dedicare nei piani integrati zonali una sezione all'inclusione dei cittadini di "
                "paesi terzi, con risorse e responsabilità definite.",
                [(1, 0)],
            ),
            (
                "recommendation",
                "Individuare in ogni zona distretto un referente che coordini SAI, CAS, servizi "
                "sociali e terzo settore.",
                [(1, 1), (0, 2)],
            ),
        ],
    ),
    (
        "Il tavolo ha raccolto esperienze di cittadinanza attiva che hanno fatto delle persone "
        "accolte una risorsa per la comunità.",
        [
            (
                "finding",
                "Le attività di comunità funzionano quando le persone partecipano alla pari; la "
                "partecipazione resta però spesso simbolica.",
                [(0, 0), (0, 1), (1, 0), (1, 1)],
            ),
            (
                "recommendation",
                "Finanziare la mediazione di comunità e coinvolgere gli utenti già nella "
                "progettazione, riconoscendo il tempo che dedicano.",
                [(2, 0), (2, 1)],
            ),
            (
                "recommendation",
                "Prevedere tempi di progetto adeguati a costruire fiducia con le comunità, a "
                "partire da occasioni concrete di incontro.",
                [(3, 0), (3, 1)],
            ),
        ],
    ),
    (
        "Il tavolo ha confrontato gli strumenti di monitoraggio e rendicontazione usati nei "
        "progetti.",
        [
            (
                "finding",
                "Il monitoraggio condiviso con i partner ha aiutato, ma gli indicatori contano "
                "gli accessi e non gli esiti, e la rendicontazione è duplicata.",
                [(0, 0), (0, 1), (1, 0), (1, 1)],
            ),
            (
                "recommendation",
                "Adottare un solo sistema regionale di rendicontazione con indicatori di esito "
                "comuni.",
                [(2, 0), (1, 1)],
            ),
            (
                "recommendation",
                "Restituire periodicamente i dati del monitoraggio alle zone distretto per la "
                "programmazione.",
                [(2, 1)],
            ),
        ],
    ),
    (
        "Il tavolo ha affrontato la tensione tra servizi specialistici per i migranti e "
        "apertura dei servizi ordinari.",
        [
            (
                "finding",
                "La mediazione nei servizi ordinari e la formazione congiunta aprono l'accesso; "
                "gli sportelli dedicati rischiano invece di diventare l'unica porta.",
                [(0, 0), (0, 1), (1, 0), (1, 1)],
            ),
            (
                "finding",
                "Le persone con diniego restano escluse e il turn over disperde le competenze.",
                [(2, 0), (2, 1)],
            ),
            (
                "recommendation",
                "Rendere i servizi ordinari accessibili a tutti, con le competenze "
                "specialistiche a supporto.",
                [(3, 0)],
            ),
            (
                "recommendation",
                "Adottare linee operative regionali sull'accesso ai servizi delle persone senza "
                "titolo di soggiorno o con diniego.",
                [(3, 1), (2, 0)],
            ),
        ],
    ),
]

FIRST_NAMES = [
    "Giulia", "Marco", "Sara", "Luca", "Francesca", "Andrea", "Chiara", "Matteo", "Elena",
    "Davide", "Silvia", "Alessandro", "Valentina", "Stefano", "Martina", "Paolo", "Laura",
    "Simone", "Federica", "Roberto", "Amina", "Karim", "Fatou", "Ibrahim", "Ioana", "Mehdi",
]  # fmt: skip
LAST_NAMES = [
    "Bianchi", "Rossi", "Conti", "Ferri", "Martini", "Ricci", "Galli", "Bruni", "Fabbri",
    "Moretti", "Barbieri", "Lombardi", "Mancini", "Giorgi", "Pieri", "Neri", "Sarr", "Diallo",
    "Popescu", "Haddad",
]  # fmt: skip
PARTICIPANTS = 64
ABSENT = 3  # registered with a place, not present on the day
ROLES = [
    Registration.Role.OPERATOR,
    Registration.Role.COORDINATOR,
    Registration.Role.OFFICIAL,
    Registration.Role.OPERATOR,
    Registration.Role.VOLUNTEER,
    Registration.Role.RESEARCHER,
    Registration.Role.POLICY_MAKER,
]
UPTAKES = {
    # zona slug -> statuses of the guideline's items in turn
    "pratese": ["adopted", "adopted", "in_progress", "adopted", "not_yet"],
    "pisana": ["in_progress", "not_yet", "adopted"],
    "senese": ["not_applicable", "in_progress", "in_progress", "not_yet"],
    "livornese": ["adopted", "not_yet"],
    "pistoiese": ["in_progress"],
}
UPCOMING_CAPACITY = 20
UPCOMING_WAITING = 3


def people(count: int, offset: int = 0) -> list[tuple[str, str]]:
    """Invented names and their @example.org addresses, each pair different."""
    result = []
    for n in range(offset, offset + count):
        first = FIRST_NAMES[n % len(FIRST_NAMES)]
        last = LAST_NAMES[(n // len(FIRST_NAMES) + n) % len(LAST_NAMES)]
        email = f"{first}.{last}.{n}@example.org".lower()
        result.append((f"{first} {last}", email))
    return result


@transaction.atomic
def create_demo_data() -> str:
    organisations = list(Organization.objects.order_by("name"))
    seminar, tables = _seminar(organisations)
    by_position = _contributions(seminar, tables)
    reports = _reports(tables, by_position)
    guideline = _guideline(reports)
    upcoming = _upcoming(organisations)
    registered = seminar.registrations.holding_a_place()
    waiting = upcoming.registrations.waiting().count()
    return (
        f"participation: seminar {seminar.slug} ({registered.count()} registered, "
        f"{registered.filter(attended=True).count()} present, {len(tables)} tables, "
        f"{Contribution.objects.filter(question__table__event=seminar).count()} contributions, "
        f"{len(reports)} published reports), guideline {guideline.slug} v{guideline.version} "
        f"({Uptake.objects.filter(item__section__guideline=guideline).count()} uptakes), "
        f"upcoming {upcoming.slug} ({upcoming.registrations.holding_a_place().count()}/"
        f"{upcoming.capacity} places, {waiting} waiting)"
    )


def _seminar(organisations: list[Organization]) -> tuple[Event, list[WorkingTable]]:
    seminar, created = Event.objects.get_or_create(
        slug=SEMINAR,
        defaults={
            "title": "Seminario online di approfondimento su immigrazione e diritti di "
            "cittadinanza sociale",
            "description": DESCRIPTION,
            "kind": Event.Kind.SEMINAR,
            "status": Event.Status.PUBLISHED,
            "mode": Event.Mode.ONLINE,
            "starts_at": _at(DAY, 9, 30),
            "ends_at": _at(DAY, 13, 0),
            "online_link": "https://meet.example.org/fami-teams-seminario-17-settembre",
            "capacity": 80,
            "registration_deadline": _at(DAY - datetime.timedelta(days=2), 23, 59),
        },
    )
    if created:
        seminar.organizers.set(Organization.objects.filter(name__in=ORGANISERS))
        call = Call.objects.filter(slug=CALL).first()
        if call is not None:
            seminar.calls.add(call)
            seminar.projects.set(call.projects.funded().order_by("code")[:8])
        for start, end, title, speakers, description in AGENDA:
            AgendaItem.objects.create(
                event=seminar,
                starts_at=_at(DAY, *start),
                ends_at=_at(DAY, *end),
                title=title,
                speakers=speakers,
                description=description,
            )
    tables = []
    for number, (title, facilitator, questions) in enumerate(TABLES, start=1):
        table, _ = WorkingTable.objects.get_or_create(
            event=seminar, number=number, defaults={"title": title, "facilitator": facilitator}
        )
        for order, text in enumerate(questions, start=1):
            GuidingQuestion.objects.get_or_create(table=table, order=order, defaults={"text": text})
        tables.append(table)
    if not seminar.registrations.exists():
        _register_participants(seminar, tables, organisations)
    return seminar, tables


def _register_participants(seminar, tables, organisations) -> None:
    confirmed = _at(DAY - datetime.timedelta(days=10), 12)
    rows = []
    for n, (name, email) in enumerate(people(PARTICIPANTS)):
        organisation = organisations[n % len(organisations)] if organisations else None
        table = tables[n % len(tables)]
        rows.append(
            Registration(
                event=seminar,
                name=name,
                email=email,
                organization=organisation,
                organization_name="" if organisation else "Organizzazione dimostrativa",
                role=ROLES[n % len(ROLES)],
                preferred_table=table,
                table=table,
                listed=n % 3 != 0,
                confirmed_at=confirmed,
                attended=n >= ABSENT,
                is_demo=True,
            )
        )
    Registration.objects.bulk_create(rows)


def _contributions(seminar, tables) -> dict[tuple[int, int, int], Contribution]:
    """Every contribution by (table index, question index, position)."""
    projects = list(
        Project.objects.filter(call__slug=CALL, status=Project.Status.FUNDED).order_by("code")
    )
    practices = list(Practice.objects.published().order_by("code")[:4])
    recorder = User.objects.filter(email=RECORDER).first()
    found = {}
    cited = 0
    for t, (table, per_question) in enumerate(zip(tables, CONTRIBUTIONS, strict=True)):
        participants = list(
            seminar.registrations.filter(table=table).select_related("organization")
        )
        questions = list(table.questions.order_by("order"))
        for q, (question, rows) in enumerate(zip(questions, per_question, strict=True)):
            existing = {c.text: c for c in Contribution.objects.filter(question=question)}
            for i, (phase, tags, anonymous, cites, text) in enumerate(rows):
                contribution = existing.get(text)
                if contribution is None:
                    author = participants[(q * 3 + i) % len(participants)] if participants else None
                    cited_projects = [projects[cited % len(projects)]] if cites and projects else []
                    cited += bool(cited_projects)
                    cited_practices = [practices[(t + q) % len(practices)]] if E in tags else []
                    contribution = _contribute(
                        table, question, author, phase, text, tags, anonymous,
                        cited_projects, cited_practices, recorder,
                    )  # fmt: skip
                found[(t, q, i)] = contribution
    return found


def _contribute(table, question, author, phase, text, tags, anonymous, projects, practices, by):
    """Through the participation actions (a participant before the event, the organiser who
    records during it), at the times they happened; with the models where the actions cannot
    apply (the demo accounts or the participants are missing)."""
    values = {"text": text, "tags": tags, "anonymous": anonymous}
    values.update(projects=projects, practices=practices)
    if phase == Contribution.Phase.BEFORE and author is not None:
        return contributions.contribute_before(
            registration=author, question=question, now=_at(DAY - datetime.timedelta(days=5), 18),
            **values,
        )  # fmt: skip
    if phase == Contribution.Phase.DURING and by is not None:
        return contributions.record(
            table=table, question=question, by=by, now=_at(DAY, 11),
            speaker=author.name if author else "",
            speaker_organization=author.organization_label if author else "",
            **values,
        )  # fmt: skip
    contribution = Contribution.objects.create(
        question=question,
        phase=phase,
        text=text,
        tags=tags,
        anonymous=anonymous,
        speaker=author.name if author else "",
        speaker_organization=author.organization_label if author else "",
        registration=author if phase == Contribution.Phase.BEFORE else None,
    )
    contribution.projects.set(projects)
    contribution.practices.set(practices)
    return contribution


def _reports(tables, by_position) -> list[SynthesisReport]:
    """A published report per table: written, sent for review and published through the
    synthesis actions by the demo's organiser (with the models when that account is missing),
    dated as the seminar's reports were."""
    by = User.objects.filter(email=RECORDER).first()
    published_at = _at(datetime.date(2021, 10, 15), 10)
    reports = []
    for t, (table, (summary, statements)) in enumerate(zip(tables, REPORTS, strict=True)):
        report = SynthesisReport.objects.filter(table=table).first()
        if report is None and by is not None:
            report = synthesis.report_for(table, by=by)
            synthesis.update_summary(report, by=by, summary=summary)
            for kind, text, cites in statements:
                cited = [by_position[(t, q, i)] for q, i in cites]
                synthesis.save_statement(report, by=by, kind=kind, text=text, citations=cited)
            synthesis.submit_for_review(report, by=by)
            synthesis.publish(report, by=by)
            SynthesisReport.objects.filter(pk=report.pk).update(published_at=published_at)
        elif report is None:
            report = SynthesisReport.objects.create(
                table=table,
                summary=summary,
                status=SynthesisReport.Status.PUBLISHED,
                published_at=published_at,
            )
            orders = {"finding": 0, "recommendation": 0}
            for kind, text, cites in statements:
                orders[kind] += 1
                statement = Statement.objects.create(
                    report=report, kind=kind, order=orders[kind], text=text
                )
                statement.citations.set([by_position[(t, q, i)] for q, i in cites])
        reports.append(report)
    return reports


def _guideline(reports) -> Guideline:
    """The guideline from the reports' recommendations, published, and its uptake recorded in
    some zone through the guidelines actions by the demo's regional administrator."""
    by = User.objects.filter(email=RECORDER).first()
    guideline = guidelines.latest_published(GUIDELINE)
    if guideline is None:
        draft = guidelines.latest_version(GUIDELINE) or guidelines.create_guideline(
            slug=GUIDELINE,
            title="Linee guida per l'aggiornamento dei piani integrati zonali: inclusione di "
            "richiedenti asilo e persone con background migratorio",
            introduction="Raccomandazioni emerse dai tavoli del seminario del 17 settembre 2021 "
            "(progetto FAMI TEAMS), per un sistema dei servizi integrato, intersettoriale e "
            "universalista.",
            reports=reports,
            by=by,
        )
        guideline = guidelines.publish(draft, by=by)
    items = list(
        GuidelineItem.objects.filter(section__guideline=guideline)
        .select_related("section__guideline")
        .order_by("section__order", "order")
    )
    recorded = set(Uptake.objects.filter(item__in=items).values_list("item_id", "zona_id"))
    for zona in Zona.objects.filter(slug__in=UPTAKES).only("pk", "slug"):
        for item, status in zip(items, UPTAKES[zona.slug], strict=False):
            if (item.pk, zona.pk) in recorded:
                continue
            note = "Recepita nel piano integrato zonale 2022." if status == "adopted" else ""
            if by is not None:
                guidelines.record_uptake(item=item, zona=zona, status=status, note=note, by=by)
            else:
                Uptake.objects.create(item=item, zona=zona, status=status, note=note)
    return guideline


def _upcoming(organisations) -> Event:
    """A community-of-practice meeting in Florence, a month after the demo is first loaded,
    full with a waiting list (registrations still open: newcomers wait)."""
    starts = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    starts += datetime.timedelta(days=30)
    event, created = Event.objects.get_or_create(
        slug=UPCOMING,
        defaults={
            "title": "Comunità di pratica: verso i nuovi piani integrati zonali",
            "description": "Incontro della comunità di pratica nata dal seminario del 17 "
            "settembre 2021: come le zone distretto stanno recependo le linee guida, "
            "esperienze a confronto e prossimi passi.",
            "kind": Event.Kind.COMMUNITY,
            "status": Event.Status.PUBLISHED,
            "mode": Event.Mode.HYBRID,
            "place": "Sala riunioni ANCI Toscana, Viale Giovine Italia 17, Firenze",
            "online_link": "https://meet.example.org/comunita-di-pratica-piani-zonali",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=3, minutes=30),
            "capacity": UPCOMING_CAPACITY,
            "registration_deadline": starts - datetime.timedelta(days=2),
        },
    )
    if created:
        event.organizers.set(Organization.objects.filter(name__in=ORGANISERS))
        AgendaItem.objects.create(
            event=event,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=30),
            title="Il recepimento delle linee guida nelle zone distretto",
            speakers="ANCI Toscana",
        )
        for number, title in enumerate(
            ["Piani integrati zonali e accoglienza", "Servizi ordinari e persone con diniego"],
            start=1,
        ):
            table = WorkingTable.objects.create(event=event, number=number, title=title)
            GuidingQuestion.objects.create(
                table=table, order=1, text="Quali raccomandazioni avete già recepito, e come?"
            )
    if not event.registrations.exists():
        now = timezone.now()
        rows = []
        total = UPCOMING_CAPACITY + UPCOMING_WAITING
        for n, (name, email) in enumerate(people(total, offset=PARTICIPANTS)):
            rows.append(
                Registration(
                    event=event,
                    name=name,
                    email=email,
                    organization=organisations[n % len(organisations)] if organisations else None,
                    role=ROLES[n % len(ROLES)],
                    status=Registration.Status.REGISTERED
                    if n < UPCOMING_CAPACITY
                    else Registration.Status.WAITING,
                    confirmed_at=now,
                    is_demo=True,
                )
            )
        Registration.objects.bulk_create(rows)
    return event
