"""Demo of the work with institutions: the activation pipeline across the three ASL areas and
meetings of every type in 2025-2026, with decisions and follow-up actions.

The holders of the demo SAI projects (demo_sai) are `active`; the other entries, the meetings
and their outcomes are invented but plausible. Unioni dei Comuni are not part of the built-in
territory data, so the Unioni the demo needs are created here with their member Comuni.
Running it twice changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from approdo.core.history import record_history
from approdo.governance.models import FollowUpAction, Meeting, PipelineEntry, SaiProject
from approdo.governance.pipeline import CHAIN
from approdo.organizations.models import Organization, User
from approdo.territory.models import ASL, Comune, Province, SocietaDellaSalute, UnioneComuni, Zona

S = PipelineEntry.Status

# Real Unioni dei Comuni of Tuscany with their member Comuni (by name).
UNIONI = {
    "Unione dei Comuni Montani del Casentino": [
        "Castel Focognano",
        "Castel San Niccolò",
        "Chitignano",
        "Chiusi della Verna",
        "Montemignaio",
        "Ortignano Raggiolo",
        "Poppi",
        "Pratovecchio Stia",
        "Talla",
    ],
    "Unione dei Comuni Circondario dell'Empolese Valdelsa": [
        "Capraia e Limite",
        "Castelfiorentino",
        "Cerreto Guidi",
        "Certaldo",
        "Empoli",
        "Fucecchio",
        "Gambassi Terme",
        "Montaione",
        "Montelupo Fiorentino",
        "Montespertoli",
        "Vinci",
    ],
    "Unione Montana dei Comuni del Mugello": [
        "Barberino di Mugello",
        "Borgo San Lorenzo",
        "Dicomano",
        "Firenzuola",
        "Marradi",
        "Palazzuolo sul Senio",
        "Scarperia e San Piero",
        "Vicchio",
    ],
    "Unione dei Comuni della Val di Bisenzio": ["Cantagallo", "Vaiano", "Vernio"],
    "Unione dei Comuni Valdarno e Valdisieve": [
        "Londa",
        "Pelago",
        "Pontassieve",
        "Rufina",
        "San Godenzo",
    ],
    "Unione Comuni Garfagnana": [
        "Camporgiano",
        "Careggine",
        "Castiglione di Garfagnana",
        "Fosciandora",
        "Minucciano",
        "Molazzana",
        "Piazza al Serchio",
        "Pieve Fosciana",
        "San Romano in Garfagnana",
        "Vagli Sotto",
        "Villa Collemandina",
    ],
    "Unione di Comuni Montana Lunigiana": [
        "Bagnone",
        "Casola in Lunigiana",
        "Comano",
        "Filattiera",
        "Fivizzano",
        "Licciana Nardi",
        "Podenzana",
        "Tresana",
        "Villafranca in Lunigiana",
        "Zeri",
    ],
    "Unione dei Comuni Amiata Val d'Orcia": [
        "Abbadia San Salvatore",
        "Castiglione d'Orcia",
        "Piancastagnaio",
        "Radicofani",
        "San Quirico d'Orcia",
    ],
    "Unione dei Comuni Montani Amiata Grossetana": [
        "Arcidosso",
        "Castel del Piano",
        "Castell'Azzara",
        "Roccalbegna",
        "Santa Fiora",
        "Seggiano",
        "Semproniano",
    ],
    "Unione dei Comuni della Valdichiana Senese": [
        "Cetona",
        "Chianciano Terme",
        "Chiusi",
        "Montepulciano",
        "San Casciano dei Bagni",
        "Sarteano",
        "Sinalunga",
        "Torrita di Siena",
        "Trequanda",
    ],
}

# (kind, name or ISTAT code, status, started on, next step, due, notes)
ENTRIES = [
    # ASL Toscana centro
    (
        "comune",
        "048043",
        S.APPLICATION_SUBMITTED,
        "2025-02-10",
        "Attendere l'esito della domanda di accesso al FNPSA",
        "2026-12-15",
        "Domanda per 20 posti ordinari presentata a settembre 2026.",
    ),
    (
        "comune",
        "048006",
        S.DESIGNING,
        "2025-03-04",
        "Tavolo tecnico con i servizi sociali sul piano dei posti",
        "2026-10-30",
        "Il Comune valuta un progetto in rete con Signa e Lastra a Signa.",
    ),
    (
        "comune",
        "047017",
        S.INTERESTED,
        "2025-04-29",
        "Inviare lo schema di progetto e i costi standard",
        "2026-12-10",
        "",
    ),
    (
        "comune",
        "047010",
        S.CONTACTED,
        "2025-09-12",
        "Presentare il SAI in Giunta",
        "2027-01-20",
        "",
    ),
    ("comune", "100002", S.NOT_CONTACTED, "2025-03-18", "", None, ""),
    (
        "comune",
        "100006",
        S.CONTACTED,
        "2025-03-18",
        "Verificare la disponibilità di alloggi",
        "2026-09-30",
        "Il Comune aderirebbe tramite l'Unione della Val di Bisenzio.",
    ),
    (
        "comune",
        "048052",
        S.NOT_INTERESTED,
        "2025-04-29",
        "Ricontattare dopo il bilancio",
        "2027-03-01",
        "La Giunta ritiene prioritario il potenziamento dei servizi esistenti.",
    ),
    (
        "sds",
        "Società della Salute Pistoiese",
        S.INTERESTED,
        "2025-05-20",
        "Condividere con la Conferenza zonale la proposta di titolarità della SdS",
        "2026-11-30",
        "",
    ),
    (
        "sds",
        "Società della Salute Fiorentina Sud-Est",
        S.DESIGNING,
        "2025-05-20",
        "Definire l'ente attuatore con procedura di co-progettazione",
        "2027-02-15",
        "",
    ),
    (
        "sds",
        "Società della Salute Area Pratese",
        S.CONTACTED,
        "2025-03-18",
        "Proporre un progetto MSNA di zona",
        "2027-01-31",
        "",
    ),
    (
        "unione",
        "Unione dei Comuni della Val di Bisenzio",
        S.INTERESTED,
        "2025-03-18",
        "Delibera di Giunta dell'Unione",
        "2026-10-15",
        "",
    ),
    (
        "unione",
        "Unione dei Comuni Valdarno e Valdisieve",
        S.APPLICATION_SUBMITTED,
        "2025-04-29",
        "Attendere il decreto di ammissione",
        "2027-01-31",
        "",
    ),
    # ASL Toscana nord ovest
    (
        "comune",
        "045010",
        S.INTERESTED,
        "2025-04-15",
        "Incontro tecnico con l'ufficio casa",
        "2026-12-05",
        "",
    ),
    (
        "comune",
        "046024",
        S.CONTACTED,
        "2025-06-05",
        "Presentazione al Consiglio comunale",
        "2027-02-10",
        "",
    ),
    (
        "comune",
        "046009",
        S.CONTACTED,
        "2025-10-07",
        "",
        None,
        "Aderisce alla riflessione dell'Unione Garfagnana.",
    ),
    (
        "comune",
        "049012",
        S.NOT_INTERESTED,
        "2025-04-15",
        "",
        None,
        "Il Comune segnala la carenza di alloggi disponibili sul territorio.",
    ),
    ("comune", "049014", S.NOT_CONTACTED, "2025-04-15", "", None, ""),
    (
        "comune",
        "050039",
        S.CONTACTED,
        "2025-06-05",
        "Telefonata con l'assessore al sociale",
        "2026-11-10",
        "",
    ),
    (
        "comune",
        "050026",
        S.INTERESTED,
        "2025-04-15",
        "Valutare l'ampliamento del progetto della SdS Pisana",
        "2027-01-15",
        "",
    ),
    ("comune", "045007", S.NOT_CONTACTED, "2025-04-15", "", None, ""),
    (
        "sds",
        "Società della Salute della Versilia",
        S.DESIGNING,
        "2025-06-05",
        "Bozza di progetto da condividere con i Comuni della Versilia",
        "2026-12-20",
        "",
    ),
    (
        "unione",
        "Unione Comuni Garfagnana",
        S.DESIGNING,
        "2025-10-07",
        "Individuare gli alloggi diffusi nei Comuni aderenti",
        "2026-08-31",
        "",
    ),
    (
        "unione",
        "Unione di Comuni Montana Lunigiana",
        S.NOT_INTERESTED,
        "2025-04-15",
        "",
        None,
        "La titolarità resta alla SdS della Lunigiana, già attiva.",
    ),
    # ASL Toscana sud est
    (
        "comune",
        "051002",
        S.APPLICATION_SUBMITTED,
        "2025-04-08",
        "Attendere l'esito della domanda",
        "2027-01-31",
        "Domanda per 30 posti, di cui 10 MSNA.",
    ),
    (
        "comune",
        "052032",
        S.INTERESTED,
        "2025-04-08",
        "Verificare con la SdS Senese un ampliamento del progetto esistente",
        "2026-12-12",
        "",
    ),
    (
        "comune",
        "051017",
        S.CONTACTED,
        "2025-04-08",
        "Inviare la documentazione sul SAI",
        "2026-10-01",
        "",
    ),
    (
        "comune",
        "051026",
        S.DESIGNING,
        "2025-04-08",
        "Co-progettazione con il terzo settore",
        "2027-01-10",
        "",
    ),
    ("comune", "051034", S.NOT_CONTACTED, "2025-04-08", "", None, ""),
    (
        "comune",
        "052015",
        S.NOT_INTERESTED,
        "2025-04-08",
        "",
        None,
        "Già coperto dal progetto della SdS Amiata Senese e Val d'Orcia - Valdichiana Senese.",
    ),
    ("comune", "053018", S.NOT_CONTACTED, "2025-04-08", "", None, ""),
    ("comune", "052011", S.NOT_CONTACTED, "2025-04-08", "", None, ""),
    (
        "unione",
        "Unione dei Comuni Amiata Val d'Orcia",
        S.CONTACTED,
        "2025-04-08",
        "Presentazione alla Giunta dell'Unione",
        "2027-02-20",
        "",
    ),
    (
        "unione",
        "Unione dei Comuni Montani Amiata Grossetana",
        S.NOT_CONTACTED,
        "2025-04-08",
        "",
        None,
        "",
    ),
    (
        "unione",
        "Unione dei Comuni della Valdichiana Senese",
        S.CONTACTED,
        "2025-04-08",
        "Verificare l'interesse dei Comuni non coperti",
        "2026-11-05",
        "",
    ),
]

COORDINATOR = "coordinatore@anci.example.org"
ANALYST = "analista@anci.example.org"


def _when(day: str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


# Meetings: type, title, start, hours, mode, place, territories, organisations, pipeline
# entries (body keys), participants, agenda, minutes, decisions,
# actions (description, owner e-mail or name, due, status).
MEETINGS = [
    {
        "type": "conferenza_zonale",
        "title": "Conferenza zonale dei sindaci – Zona Pratese",
        "starts_at": ("2025-03-18", 10),
        "place": "Prato, Palazzo Comunale",
        "zone": ["pratese"],
        "asls": ["centro"],
        "organizations": ["Comune di Prato", "Società della Salute Area Pratese"],
        "entries": [
            ("comune", "100006"),
            ("comune", "100002"),
            ("unione", "Unione dei Comuni della Val di Bisenzio"),
        ],
        "participants": "Presidente della Conferenza zonale; sindaci e assessori al sociale dei "
        "Comuni della zona; direttrice della SdS Area Pratese; ANCI Toscana; Regione Toscana.",
        "agenda": "1. Il Libro Bianco sulle politiche di accoglienza e la governance pubblica.\n"
        "2. Il sistema SAI: titolarità, finanziamento, ruolo dei Comuni.\n"
        "3. Avvio della ricognizione nei Comuni della zona.",
        "minutes": "Presenti 6 Comuni su 7. Il Comune di Prato illustra il progetto SAI in corso. "
        "Vaiano e Vernio chiedono chiarimenti sui costi a carico dei Comuni.",
        "decisions": "Avviare la ricognizione comune per comune; valutare un progetto di "
        "zona per minori stranieri non accompagnati.",
        "actions": [
            (
                "Inviare ai Comuni della zona la scheda di ricognizione",
                COORDINATOR,
                "2025-04-15",
                "done",
            ),
            (
                "Raccogliere le manifestazioni di interesse dei Comuni",
                "Ufficio di piano SdS Area Pratese",
                "2025-06-30",
                "open",
            ),
        ],
    },
    {
        "type": "conferenza_zonale",
        "title": "Presidenti delle Conferenze zonali – ASL Toscana sud est",
        "starts_at": ("2025-04-08", 15),
        "place": "Siena, sede ASL Toscana sud est",
        "asls": ["sud-est"],
        "zone": ["senese", "aretina", "valdarno"],
        "entries": [("comune", "051002"), ("comune", "052032"), ("comune", "051026")],
        "participants": "Presidenti delle Conferenze zonali dei sindaci dell'area sud est; "
        "ANCI Toscana; Regione Toscana, Settore politiche per l'integrazione.",
        "agenda": "1. Mappa dei progetti SAI nell'area sud est.\n2. Zone senza progetti attivi.\n"
        "3. Calendario degli incontri con le Giunte.",
        "minutes": "Emergono difficoltà nelle zone con molti piccoli Comuni.",
        "decisions": "Calendarizzare incontri con i sindaci di Arezzo, Siena e Montevarchi.",
        "actions": [
            ("Proporre le date degli incontri con i sindaci", COORDINATOR, "2025-05-10", "done"),
            (
                "Elaborare la mappa dei posti per 1.000 residenti per zona",
                ANALYST,
                "2025-05-31",
                "done",
            ),
        ],
    },
    {
        "type": "conferenza_zonale",
        "title": "Presidenti delle Conferenze zonali – ASL Toscana nord ovest",
        "starts_at": ("2025-04-15", 10),
        "place": "Pisa, Palazzo Gambacorti",
        "asls": ["nord-ovest"],
        "zone": ["pisana", "apuane", "lunigiana", "valli-etrusche", "elba"],
        "entries": [("comune", "045010"), ("comune", "049012"), ("comune", "050026")],
        "participants": "Presidenti delle Conferenze zonali dell'area nord ovest; ANCI Toscana.",
        "agenda": "1. Stato della rete SAI nell'area nord ovest.\n2. Elba e Lunigiana: "
        "accoglienza nelle aree interne.",
        "minutes": "Piombino conferma il disinteresse per mancanza di alloggi.",
        "decisions": "Approfondire con la Prefettura di Livorno la situazione dell'Elba.",
        "actions": [
            (
                "Nota sulla disponibilità di alloggi all'Elba",
                "Prefettura di Livorno",
                "2025-07-31",
                "open",
            ),
            ("Invio del materiale informativo ai Comuni apuani", COORDINATOR, "2025-05-15", "done"),
        ],
    },
    {
        "type": "conferenza_zonale",
        "title": "Presidenti delle Conferenze zonali – ASL Toscana centro",
        "starts_at": ("2025-04-29", 10),
        "place": "Firenze, sede ANCI Toscana",
        "mode": "mixed",
        "asls": ["centro"],
        "zone": ["firenze", "fiorentina-sud-est", "pistoiese", "mugello"],
        "entries": [
            ("comune", "047017"),
            ("comune", "048052"),
            ("unione", "Unione dei Comuni Valdarno e Valdisieve"),
        ],
        "participants": "Presidenti delle Conferenze zonali dell'area centro; ANCI Toscana; "
        "Regione Toscana.",
        "agenda": "1. Ricognizione: primi risultati.\n2. Progetti di zona e titolarità delle SdS.",
        "minutes": "Discussione sulla titolarità delle SdS rispetto ai singoli Comuni.",
        "decisions": "Proporre ai Direttori delle SdS un incontro dedicato.",
        "actions": [
            ("Convocare i Direttori delle SdS dell'area centro", COORDINATOR, "2025-05-15", "done"),
        ],
    },
    {
        "type": "direttori_sds",
        "title": "Direttori delle Società della Salute – ASL Toscana centro",
        "starts_at": ("2025-05-20", 11),
        "mode": "online",
        "place": "Videoconferenza",
        "asls": ["centro"],
        "entries": [
            ("sds", "Società della Salute Pistoiese"),
            ("sds", "Società della Salute Fiorentina Sud-Est"),
        ],
        "participants": "Direttori delle SdS dell'area centro; ANCI Toscana.",
        "agenda": "1. La SdS come ente titolare di un progetto SAI.\n"
        "2. Co-progettazione con il terzo settore.",
        "minutes": "Pistoiese e Fiorentina Sud-Est disponibili a valutare la titolarità.",
        "decisions": "Predisporre uno schema di convenzione tipo tra SdS e Comuni.",
        "actions": [
            ("Schema di convenzione tipo SdS-Comuni", COORDINATOR, "2025-09-30", "open"),
            (
                "Raccolta dei regolamenti di co-progettazione delle SdS",
                ANALYST,
                "2025-07-15",
                "done",
            ),
        ],
    },
    {
        "type": "direttori_sds",
        "title": "Direttori delle Società della Salute – ASL Toscana nord ovest",
        "starts_at": ("2025-06-05", 15),
        "mode": "online",
        "place": "Videoconferenza",
        "asls": ["nord-ovest"],
        "entries": [
            ("sds", "Società della Salute della Versilia"),
            ("comune", "046024"),
            ("comune", "050039"),
        ],
        "participants": "Direttori delle SdS dell'area nord ovest; ANCI Toscana.",
        "agenda": "1. Progetti SAI delle SdS attive.\n2. Nuove adesioni.",
        "minutes": "La SdS della Versilia avvia la progettazione.",
        "decisions": "Accompagnare la SdS della Versilia nella stesura del progetto.",
        "actions": [
            ("Affiancamento tecnico alla SdS della Versilia", COORDINATOR, "2026-12-20", "open"),
        ],
    },
    {
        "type": "conferenza_regionale",
        "title": "Conferenza regionale dei sindaci: la governance pubblica dell'accoglienza",
        "starts_at": ("2025-07-10", 10),
        "place": "Firenze, Palazzo Strozzi Sacrati",
        "participants": "Sindaci e delegati della Conferenza regionale; Assessore regionale "
        "all'immigrazione; Presidente di ANCI Toscana.",
        "agenda": "1. Follow up del Libro Bianco sulle politiche di accoglienza.\n"
        "2. Rete SAI in Toscana: 42 progetti, 1.887 posti.\n3. Obiettivi 2026.",
        "minutes": "Ampio consenso sull'obiettivo di aumentare i posti SAI nelle zone scoperte.",
        "decisions": "Obiettivo: almeno un progetto SAI in ogni zona distretto entro il 2027.",
        "actions": [
            (
                "Rapporto annuale sulla ricognizione per la Conferenza regionale",
                ANALYST,
                "2026-01-31",
                "done",
            ),
            (
                "Proposta di criteri regionali di premialità per i nuovi progetti",
                "Regione Toscana",
                "2025-12-31",
                "open",
            ),
        ],
    },
    {
        "type": "giunta_unione",
        "title": "Giunta dell'Unione dei Comuni della Val di Bisenzio",
        "starts_at": ("2025-09-16", 17),
        "place": "Vernio, sede dell'Unione",
        "zone": ["pratese"],
        "entries": [("unione", "Unione dei Comuni della Val di Bisenzio"), ("comune", "100006")],
        "participants": "Presidente e Giunta dell'Unione; ANCI Toscana.",
        "agenda": "1. Presentazione del sistema SAI.\n2. Accoglienza diffusa nei Comuni montani.",
        "minutes": "La Giunta chiede di approfondire i costi del personale.",
        "decisions": "L'Unione esprime interesse e chiede una simulazione dei costi.",
        "actions": [
            ("Simulazione dei costi di un progetto da 15 posti", ANALYST, "2025-10-15", "done"),
            ("Delibera di indirizzo della Giunta", "Segreteria dell'Unione", "2026-10-15", "open"),
        ],
    },
    {
        "type": "giunta_unione",
        "title": "Giunta dell'Unione Comuni Garfagnana",
        "starts_at": ("2025-10-07", 16),
        "place": "Castelnuovo di Garfagnana",
        "zone": ["valle-del-serchio"],
        "entries": [("unione", "Unione Comuni Garfagnana"), ("comune", "046009")],
        "participants": "Giunta dell'Unione; ANCI Toscana; SdS della Valle del Serchio.",
        "agenda": "1. Progetti SAI nella Valle del Serchio.\n2. Ipotesi di progetto dell'Unione.",
        "minutes": "Richiamati i progetti attivi di Bagni di Lucca, Borgo a Mozzano e Gallicano.",
        "decisions": "Avviare la progettazione di un progetto ordinario di 20 posti.",
        "actions": [
            (
                "Censimento degli alloggi disponibili nei Comuni",
                "Uffici tecnici dei Comuni",
                "2026-08-31",
                "open",
            ),
        ],
    },
    {
        "type": "incontro_sindaco",
        "title": "Incontro con il Sindaco di Arezzo",
        "starts_at": ("2025-11-04", 12),
        "place": "Arezzo, Palazzo Cavallo",
        "comuni": ["051002"],
        "entries": [("comune", "051002")],
        "participants": "Sindaco; Assessora al welfare; dirigente dei servizi sociali; "
        "ANCI Toscana.",
        "agenda": "1. Adesione del Comune alla rete SAI.",
        "minutes": "Il Comune intende presentare domanda per 30 posti.",
        "decisions": "Predisporre la domanda al prossimo avviso del Ministero.",
        "actions": [
            ("Supporto alla compilazione della domanda", COORDINATOR, "2026-03-31", "done"),
        ],
    },
    {
        "type": "incontro_sindaco",
        "title": "Incontro con la Sindaca di Sesto Fiorentino",
        "starts_at": ("2026-01-20", 11),
        "place": "Sesto Fiorentino, Municipio",
        "comuni": ["048043"],
        "entries": [("comune", "048043")],
        "participants": "Sindaca; Assessore alle politiche sociali; ANCI Toscana.",
        "agenda": "1. Esiti della progettazione.\n2. Tempi della domanda.",
        "minutes": "Il progetto è pronto; manca l'individuazione dell'ente attuatore.",
        "decisions": "Avviso di co-progettazione entro marzo.",
        "actions": [
            (
                "Pubblicare l'avviso di co-progettazione",
                "Comune di Sesto Fiorentino",
                "2026-03-31",
                "done",
            ),
            (
                "Trasmettere la domanda di finanziamento",
                "Comune di Sesto Fiorentino",
                "2026-09-30",
                "done",
            ),
        ],
    },
    {
        "type": "prefettura",
        "title": "Prefettura di Prato: strumenti condivisi per il potenziamento dell'accoglienza",
        "starts_at": ("2026-02-10", 10),
        "place": "Prato, Prefettura - UTG",
        "provinces": ["PO"],
        "organizations": ["Prefettura - UTG di Prato", "Comune di Prato"],
        "participants": "Viceprefetto vicario; Comune di Prato; SdS Area Pratese; ANCI Toscana.",
        "agenda": "1. Presenze nei CAS della provincia.\n2. Transizione verso il SAI.",
        "minutes": "Dati sulle presenze nei CAS condivisi in forma aggregata.",
        "decisions": "Scambio trimestrale dei dati aggregati CAS-SAI.",
        "actions": [
            (
                "Primo invio dei dati aggregati trimestrali",
                "Prefettura di Prato",
                "2026-04-30",
                "open",
            ),
        ],
    },
    {
        "type": "prefettura",
        "title": "Prefettura di Pisa: tavolo provinciale sull'accoglienza",
        "starts_at": ("2026-03-17", 15),
        "place": "Pisa, Prefettura - UTG",
        "provinces": ["PI"],
        "organizations": ["Prefettura - UTG di Pisa"],
        "entries": [("comune", "050026"), ("comune", "050039")],
        "participants": "Prefetto; SdS Pisana; SdS Alta Val di Cecina - Valdera; ANCI Toscana.",
        "agenda": "1. Rete SAI provinciale.\n2. Zone con posti sotto la media regionale.",
        "minutes": "Condivisa la mappa dei divari per zona.",
        "decisions": "Proporre al Comune di Volterra un incontro dedicato.",
        "actions": [
            ("Contattare il Comune di Volterra", COORDINATOR, "2026-05-15", "cancelled"),
        ],
    },
    {
        "type": "tavolo_regionale",
        "title": "Tavolo regionale accoglienza e integrazione",
        "starts_at": ("2026-05-12", 10),
        "mode": "mixed",
        "place": "Firenze, Palazzo Sacrati Strozzi e videoconferenza",
        "asls": ["centro", "nord-ovest", "sud-est"],
        "organizations": ["Regione Toscana", "ANCI Toscana"],
        "participants": "Regione Toscana; ANCI Toscana; Prefetture; rappresentanti del terzo "
        "settore.",
        "agenda": "1. Stato della ricognizione per ASL.\n2. Nuove domande al FNPSA.",
        "minutes": "Tre domande presentate, due progetti in progettazione.",
        "decisions": "Aggiornare la ricognizione prima del prossimo avviso ministeriale.",
        "actions": [
            ("Aggiornare la ricognizione in tutte le zone", COORDINATOR, "2026-10-31", "open"),
            ("Nota di sintesi per la Giunta regionale", ANALYST, "2026-06-30", "done"),
        ],
    },
    {
        "type": "altro",
        "title": "Seminario per gli uffici di piano sull'avviso SAI",
        "starts_at": ("2026-06-23", 9),
        "mode": "online",
        "place": "Videoconferenza",
        "participants": "Referenti degli uffici di piano delle zone distretto.",
        "agenda": "1. L'avviso del Ministero dell'Interno.\n2. Il piano finanziario.\n"
        "3. Domande e risposte.",
        "minutes": "Partecipano 24 zone distretto su 28.",
        "decisions": "Pubblicare le domande frequenti sul portale.",
        "actions": [
            ("Pubblicare le domande frequenti", COORDINATOR, "2026-07-15", "done"),
        ],
    },
    {
        "type": "conferenza_zonale",
        "title": "Conferenza zonale dei sindaci – Zona Pratese: esiti della ricognizione",
        "starts_at": ("2026-12-02", 10),
        "place": "Prato, Palazzo Comunale",
        "zone": ["pratese"],
        "asls": ["centro"],
        "entries": [("sds", "Società della Salute Area Pratese"), ("comune", "100002")],
        "participants": "Sindaci della zona; SdS Area Pratese; ANCI Toscana.",
        "agenda": "1. Esiti della ricognizione.\n2. Proposta di progetto MSNA di zona.",
        "actions": [],
    },
    {
        "type": "tavolo_regionale",
        "title": "Tavolo regionale: programmazione 2027",
        "starts_at": ("2026-12-15", 10),
        "mode": "online",
        "place": "Videoconferenza",
        "participants": "Regione Toscana; ANCI Toscana; Prefetture.",
        "agenda": "1. Obiettivi 2027 per zona distretto.",
        "actions": [],
    },
]


def _status_dates(status: str, started: datetime.date) -> dict[str, str]:
    """Plausible dates of the statuses reached: a step every six weeks from the start."""
    step = datetime.timedelta(days=42)
    if status == S.NOT_INTERESTED:
        return {
            S.NOT_CONTACTED: started.isoformat(),
            S.CONTACTED: started.isoformat(),
            S.NOT_INTERESTED: (started + step).isoformat(),
        }
    reached = CHAIN[: CHAIN.index(status) + 1]
    return {s: (started + step * max(i - 1, 0)).isoformat() for i, s in enumerate(reached)}


def _ensure_unioni() -> dict[str, UnioneComuni]:
    comuni = {c.name: c.pk for c in Comune.objects.defer("geometry")}
    unioni = {}
    for name, members in UNIONI.items():
        codes = [comuni[m] for m in members if m in comuni]
        if not codes:
            continue
        unione, created = UnioneComuni.objects.get_or_create(
            slug=slugify(name)[:150], defaults={"name": name}
        )
        if created:
            unione.members.set(codes)
        unioni[name] = unione
    return unioni


def _body(kind: str, key: str, unioni: dict) -> dict | None:
    if kind == "comune":
        return {"comune_id": key} if Comune.objects.filter(pk=key).exists() else None
    if kind == "unione":
        return {"unione": unioni[key]} if key in unioni else None
    sds = SocietaDellaSalute.objects.filter(name__iexact=key).first()
    return {"sds": sds} if sds else None


def _holder_bodies(unioni: dict) -> list[dict]:
    """The bodies holding the SAI projects recorded so far (the SAI demo's, or real ones)."""
    bodies = []
    holders = Organization.objects.filter(pk__in=SaiProject.objects.values("holder")).values_list(
        "kind", "name", "seat_id"
    )
    for kind, name, seat in holders:
        if kind == "comune" and seat:
            bodies.append({"comune_id": seat})
        elif kind == "unione_comuni" and name in unioni:
            bodies.append({"unione": unioni[name]})
        elif kind == "sds":
            sds = SocietaDellaSalute.objects.filter(name__iexact=name).first()
            if sds is None and seat:  # the SdS of the seat's zona
                sds = SocietaDellaSalute.objects.filter(zona__comune_links__comune=seat).first()
            if sds:
                bodies.append({"sds": sds})
    return bodies


def _entry(body: dict, status: str, started: str, owner, next_step="", due=None, notes=""):
    entry, created = PipelineEntry.objects.get_or_create(
        **body,
        defaults={
            "status": status,
            "status_dates": _status_dates(status, datetime.date.fromisoformat(started)),
            "status_changed_at": _when(started) + datetime.timedelta(days=42),
            "owner": owner,
            "next_step": next_step,
            "next_step_due": datetime.date.fromisoformat(due) if due else None,
            "notes": notes,
        },
    )
    if created:
        record_history(entry, action="created", changes={"status": [None, status]}, note="demo")
    return entry, created


@transaction.atomic
def create_institutions_demo() -> str:
    if not Comune.objects.filter(pk="048017").exists():
        return ""  # no Tuscan territory loaded
    users = {u.email: u for u in User.objects.filter(email__in=[COORDINATOR, ANALYST])}
    coordinator = users.get(COORDINATOR)
    unioni = _ensure_unioni()
    created = 0
    for body in _holder_bodies(unioni):
        created += _entry(
            body, S.ACTIVE, "2023-01-01", coordinator, notes="Titolare di un progetto SAI attivo."
        )[1]
    entries = {}
    for kind, key, status, started, next_step, due, notes in ENTRIES:
        body = _body(kind, key, unioni)
        if body is None:
            continue
        entry, is_new = _entry(body, status, started, coordinator, next_step, due, notes)
        entries[(kind, key)] = entry
        created += is_new
    meetings_created = sum(_meeting(spec, entries, unioni, users) for spec in MEETINGS)
    total = PipelineEntry.objects.count()
    return (
        f"Pipeline: {total} entries ({created} created); "
        f"meetings: {Meeting.objects.count()} ({meetings_created} created)."
    )


def _meeting(spec: dict, entries: dict, unioni: dict, users: dict) -> bool:
    day, hour = spec["starts_at"]
    starts_at = _when(day, hour)
    meeting, created = Meeting.objects.get_or_create(
        title=spec["title"],
        starts_at=starts_at,
        defaults={
            "type": spec["type"],
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "mode": spec.get("mode", Meeting.Mode.IN_PERSON),
            "place": spec.get("place", ""),
            "participants": spec.get("participants", ""),
            "agenda": spec.get("agenda", ""),
            "minutes": spec.get("minutes", ""),
            "decisions": spec.get("decisions", ""),
            "created_by": users.get(COORDINATOR),
        },
    )
    if not created:
        return False
    meeting.asls.set(ASL.objects.filter(slug__in=spec.get("asls", [])))
    meeting.zone.set(Zona.objects.filter(slug__in=spec.get("zone", [])))
    meeting.provinces.set(Province.objects.filter(sigla__in=spec.get("provinces", [])))
    meeting.comuni.set(Comune.objects.filter(pk__in=spec.get("comuni", [])))
    meeting.organizations.set(Organization.objects.filter(name__in=spec.get("organizations", [])))
    linked = [entries[key] for key in spec.get("entries", []) if key in entries]
    meeting.pipeline_entries.set(linked)
    for description, owner, due, status in spec.get("actions", []):
        user = users.get(owner)
        due_date = datetime.date.fromisoformat(due)
        FollowUpAction.objects.create(
            meeting=meeting,
            description=description,
            owner=user,
            owner_name="" if user or "@" in owner else owner,
            due_date=due_date,
            status=status,
            completed_at=_when(due, 9) - datetime.timedelta(days=3) if status == "done" else None,
        )
    record_history(meeting, action="created", note="demo")
    return True
