# ruff: noqa: E501  (the demo texts read better on one line each)
"""Demo good practices for `approdo demo`: thirty Tuscan practices (most published, a few
drafts, some not confirmed for more than a year), the field mapping of the "buone pratiche"
questionnaire and one practice made from the validated demo response. Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from approdo.organizations.models import Organization, User
from approdo.practices import actions, search
from approdo.practices.models import FieldMapping, Practice
from approdo.surveys.models import Questionnaire, SurveyResponse

REVIEWER = "coordinatore@anci.example.org"
GOOD_PRACTICE_FORM = "buone_pratiche"

# The mapping of the demo questionnaire: publishable parts come from `parti_pubblicabili`.
MAPPING_RULES = [
    {"question": "titolo", "field": "title"},
    {"question": "stato", "field": "status"},
    {"question": "data_inizio", "field": "start_date"},
    {"question": "data_fine", "field": "end_date"},
    {"question": "zona", "field": "zone"},
    {"question": "comuni", "field": "comuni"},
    {"question": "destinatari", "field": "targets"},
    {"question": "azioni", "field": "actions"},
    {"question": "fonti", "field": "funding_sources"},
    {"question": "obiettivi", "field": "summary", "requires": "descrizione"},
    {"question": "descrizione", "field": "description", "requires": "descrizione"},
    {"question": "innovazione", "field": "innovation", "requires": "descrizione"},
    {"question": "trasferibilita", "field": "transferability", "requires": "descrizione"},
    {"question": "sostenibilita", "field": "sustainability", "requires": "descrizione"},
    {"question": "difficolta", "field": "difficulties", "requires": "descrizione"},
    {"question": "partner", "field": "partners", "requires": "partenariato"},
    {"question": "risultati", "field": "results", "requires": "risultati"},
    {"question": "metodo_descrizione", "field": "evidence", "requires": "risultati"},
    {"question": "beneficiari_totale", "field": "beneficiaries_total", "requires": "risultati"},
    {"question": "beneficiari_donne", "field": "beneficiaries_women", "requires": "risultati"},
    {"question": "beneficiari_minori", "field": "beneficiaries_minors", "requires": "risultati"},
    {"question": "referente_nome", "field": "contact_name", "requires": "contatti"},
    {"question": "referente_email", "field": "contact_email", "requires": "contatti"},
]

COOP = "Cooperativa Sociale Il Ponte"
APPRODI = "Cooperativa Sociale Approdi Solidali"
MONDO = "Associazione Mondo Aperto APS"
VOLONTARI = "Volontari per l'Accoglienza ODV"
CASA = "Fondazione Casa Comune"
LAVORO = "Impresa Sociale Lavoro e Dignità"
FAMI = "FAMI (Fondo Asilo, Migrazione e Integrazione)"
REGIONALI = "Fondi regionali"
COMUNALI = "Fondi comunali o di zona"
FSE = "FSE+"
FONDAZIONI = "Fondazioni bancarie o private"

# title, summary, lead, partners, comuni (ISTAT), actions, targets, status, start, end,
# funding, published, days since the last confirmation, beneficiaries (total, women, minors)
PRACTICES = [
    (
        "Sportello unico per l'orientamento ai servizi",
        "Uno sportello comunale con mediatori in otto lingue orienta ai servizi sociali, sanitari e anagrafici.",
        "Comune di Firenze",
        [COOP, MONDO],
        ["048017"],
        ["orientamento_servizi", "mediazione_culturale"],
        ["richiedenti_asilo", "titolari_protezione", "cittadini_paesi_terzi"],
        "ongoing",
        "2021-02-01",
        None,
        [FAMI, COMUNALI],
        True,
        40,
        (2350, 980, 160),
    ),
    (
        "Abitare in autonomia: appartamenti di transizione",
        "Percorsi abitativi di sei mesi in appartamenti condivisi, con accompagnamento alla ricerca di una casa in affitto.",
        "Comune di Prato",
        [APPRODI, CASA],
        ["100005", "100004"],
        ["supporto_abitare", "accompagnamento_autonomia"],
        ["titolari_protezione", "diniego_protezione"],
        "ongoing",
        "2022-05-01",
        None,
        [FAMI, FONDAZIONI],
        True,
        90,
        (84, 30, 22),
    ),
    (
        "Casa ponte per donne sole con figli",
        "Accoglienza temporanea e sostegno all'abitare per donne sole con minori in uscita dai progetti di accoglienza.",
        CASA,
        [VOLONTARI],
        ["048017", "048043"],
        ["supporto_abitare", "accesso_prestazioni"],
        ["donne_sole_minori", "titolari_protezione"],
        "ongoing",
        "2020-09-01",
        None,
        [FONDAZIONI],
        True,
        500,
        (46, 46, 61),
    ),
    (
        "Italiano per il lavoro nei cantieri",
        "Corsi di lingua italiana con il lessico della sicurezza in cantiere, in collaborazione con le scuole edili.",
        LAVORO,
        ["Comune di Pisa"],
        ["050026", "050029"],
        ["lingua_italiana", "formazione_lavoro"],
        ["richiedenti_asilo", "disoccupati"],
        "ended",
        "2019-10-01",
        "2023-06-30",
        [FSE],
        True,
        200,
        (210, 12, 0),
    ),
    (
        "Tirocini in agricoltura sociale in Maremma",
        "Tirocini retribuiti in aziende agricole della Maremma con tutoraggio e formazione sulla sicurezza.",
        "Comune di Grosseto",
        [LAVORO],
        ["053011", "053018"],
        ["formazione_lavoro", "accompagnamento_autonomia"],
        ["titolari_protezione", "vittime_sfruttamento"],
        "ongoing",
        "2022-03-01",
        None,
        [FAMI, REGIONALI],
        True,
        120,
        (58, 9, 0),
    ),
    (
        "Contro il caporalato: unità di strada nelle campagne",
        "Operatori e mediatori raggiungono i lavoratori agricoli nei luoghi di lavoro per informarli sui diritti e sui servizi.",
        MONDO,
        ["Prefettura - UTG di Pisa"],
        ["050032", "050029"],
        ["pronto_intervento", "consulenza_legale", "mediazione_culturale"],
        ["vittime_sfruttamento"],
        "ongoing",
        "2021-06-01",
        None,
        [FAMI],
        True,
        420,
        (640, 85, 0),
    ),
    (
        "Consulenza legale gratuita sul permesso di soggiorno",
        "Avvocati volontari e operatori legali accompagnano le persone nelle procedure di rinnovo e conversione del permesso.",
        VOLONTARI,
        [MONDO],
        ["048017", "048041"],
        ["consulenza_legale", "orientamento_servizi"],
        ["cittadini_paesi_terzi", "diniego_protezione"],
        "ongoing",
        "2018-01-15",
        None,
        [FONDAZIONI],
        True,
        700,
        (1120, 430, 0),
    ),
    (
        "Mediazione culturale nei consultori",
        "Mediatrici culturali presenti nei consultori familiari per accompagnare le donne nell'accesso ai servizi sanitari.",
        "Azienda USL Toscana centro",
        [COOP],
        ["048017", "100005", "047014"],
        ["mediazione_culturale", "accesso_prestazioni"],
        ["cittadini_paesi_terzi", "donne_vittime_violenza"],
        "ongoing",
        "2020-01-01",
        None,
        [REGIONALI],
        True,
        60,
        (1900, 1900, 0),
    ),
    (
        "Tutori volontari per minori non accompagnati",
        "Formazione e supporto ai tutori volontari di minori stranieri non accompagnati, in rete con il Tribunale per i minorenni.",
        "Società della Salute di Firenze",
        [VOLONTARI],
        ["048017"],
        ["accompagnamento_autonomia", "partecipazione"],
        ["msna"],
        "ongoing",
        "2019-04-01",
        None,
        [FAMI, COMUNALI],
        True,
        30,
        (75, 18, 75),
    ),
    (
        "Semi-autonomia per neomaggiorenni",
        "Appartamenti in semi-autonomia per ragazzi usciti dalle comunità per minori, con educatori e borse lavoro.",
        APPRODI,
        ["Comune di Livorno"],
        ["049009"],
        ["supporto_abitare", "formazione_lavoro", "accompagnamento_autonomia"],
        ["msna", "titolari_protezione"],
        "ongoing",
        "2021-09-01",
        None,
        [FAMI],
        True,
        150,
        (32, 4, 0),
    ),
    (
        "Orti condivisi di quartiere",
        "Orti urbani curati insieme da residenti e persone accolte, con feste di quartiere e laboratori per le scuole.",
        "Comune di Siena",
        [MONDO],
        ["052032"],
        ["coesione_sociale", "partecipazione"],
        ["richiedenti_asilo", "cittadini_paesi_terzi"],
        "ongoing",
        "2022-04-01",
        None,
        [COMUNALI],
        True,
        45,
        (130, 60, 25),
    ),
    (
        "Pronto intervento sociale notturno",
        "Un servizio notturno di pronto intervento per persone senza dimora, con posti letto di emergenza e mediazione.",
        "Comune di Livorno",
        [VOLONTARI],
        ["049009", "049017"],
        ["pronto_intervento", "accesso_prestazioni"],
        ["senza_dimora", "diniego_protezione"],
        "ongoing",
        "2017-11-01",
        None,
        [COMUNALI, REGIONALI],
        True,
        480,
        (390, 40, 0),
    ),
    (
        "Salute mentale e migrazione: équipe transculturale",
        "Un'équipe di psicologi, psichiatri e mediatori per la presa in carico del disagio psichico delle persone migranti.",
        "Azienda USL Toscana centro",
        ["Società della Salute della Zona Pisana"],
        ["050026", "048017"],
        ["accesso_prestazioni", "mediazione_culturale"],
        ["disagio_psichico_dipendenze", "richiedenti_asilo"],
        "ongoing",
        "2020-06-01",
        None,
        [FAMI, REGIONALI],
        True,
        75,
        (260, 90, 14),
    ),
    (
        "Scuola di italiano per mamme",
        "Corsi di lingua italiana con servizio di custodia dei bambini, nei locali delle scuole primarie.",
        "Comune di Arezzo",
        [MONDO],
        ["051002"],
        ["lingua_italiana", "coesione_sociale"],
        ["donne_sole_minori", "cittadini_paesi_terzi"],
        "ongoing",
        "2021-10-01",
        None,
        [FAMI],
        True,
        20,
        (95, 95, 70),
    ),
    (
        "Borse lavoro nella logistica",
        "Formazione per carrellisti e magazzinieri con tirocini nelle aziende della logistica della piana.",
        LAVORO,
        ["Comune di Prato", APPRODI],
        ["100005", "048006"],
        ["formazione_lavoro"],
        ["disoccupati", "titolari_protezione"],
        "ended",
        "2020-02-01",
        "2022-12-31",
        [FSE, REGIONALI],
        True,
        600,
        (140, 20, 0),
    ),
    (
        "Rete antiviolenza e donne migranti",
        "Protocollo tra centri antiviolenza, consultori e Prefettura per l'emersione e la protezione delle donne migranti vittime di violenza.",
        "Società della Salute Senese",
        ["Comune di Siena", CASA],
        ["052032", "052022", "052012"],
        ["pronto_intervento", "consulenza_legale", "accesso_prestazioni"],
        ["donne_vittime_violenza"],
        "ongoing",
        "2019-03-08",
        None,
        [REGIONALI, FONDAZIONI],
        True,
        100,
        (88, 88, 31),
    ),
    (
        "Anagrafe e residenza per chi vive in strada",
        "Accompagnamento all'iscrizione anagrafica con residenza fittizia, per accedere al medico di base e ai servizi.",
        VOLONTARI,
        ["Comune di Pisa"],
        ["050026"],
        ["orientamento_servizi", "accesso_prestazioni"],
        ["senza_dimora", "diniego_protezione"],
        "ongoing",
        "2022-01-10",
        None,
        [COMUNALI],
        True,
        35,
        (210, 25, 0),
    ),
    (
        "Integrazione attraverso lo sport",
        "Squadre miste di calcio e atletica con le società sportive del territorio, per l'integrazione dei ragazzi accolti.",
        MONDO,
        ["Comune di Lucca"],
        ["046017", "046007"],
        ["coesione_sociale", "partecipazione"],
        ["msna", "richiedenti_asilo"],
        "ongoing",
        "2021-03-01",
        None,
        [FONDAZIONI],
        True,
        390,
        (160, 10, 95),
    ),
    (
        "Comunità aperta: le integrazioni possibili in Valdera",
        "Incontri pubblici e tavoli con i cittadini per costruire insieme percorsi di accoglienza e integrazione nei piccoli comuni.",
        "Società della Salute della Zona Pisana",
        [MONDO, VOLONTARI],
        ["050029", "050039"],
        ["coesione_sociale", "partecipazione"],
        ["richiedenti_asilo", "titolari_protezione"],
        "ended",
        "2018-05-01",
        "2021-12-31",
        [FAMI],
        True,
        800,
        (300, 140, 40),
    ),
    (
        "Sportello casa e mediazione con i proprietari",
        "Un'agenzia sociale per la casa che garantisce i proprietari e media tra inquilini migranti e agenzie immobiliari.",
        CASA,
        ["Comune di Empoli"],
        ["048014", "048010"],
        ["supporto_abitare", "mediazione_culturale"],
        ["titolari_protezione", "cittadini_paesi_terzi"],
        "ongoing",
        "2020-11-01",
        None,
        [FONDAZIONI, COMUNALI],
        True,
        110,
        (120, 45, 38),
    ),
    (
        "Accoglienza diffusa nei borghi dell'Amiata",
        "Piccoli gruppi di richiedenti asilo ospitati in case dei borghi, con attività di cura del territorio.",
        APPRODI,
        ["Comune di Grosseto"],
        ["053011"],
        ["supporto_abitare", "coesione_sociale"],
        ["richiedenti_asilo"],
        "ended",
        "2017-06-01",
        "2020-12-31",
        [FAMI],
        True,
        1100,
        (65, 8, 0),
    ),
    (
        "Mediatori di comunità nei quartieri popolari",
        "Mediatori di comunità nelle case popolari per prevenire i conflitti di vicinato e favorire la convivenza.",
        "Comune di Pisa",
        [COOP],
        ["050026"],
        ["mediazione_culturale", "coesione_sociale"],
        ["cittadini_paesi_terzi"],
        "ongoing",
        "2021-01-01",
        None,
        [REGIONALI],
        True,
        50,
        (540, 260, 120),
    ),
    (
        "Patente e mobilità per il lavoro",
        "Corsi per la patente di guida con lezioni in più lingue e un fondo per l'acquisto di biciclette e abbonamenti.",
        LAVORO,
        ["Comune di Arezzo"],
        ["051002", "051017"],
        ["formazione_lavoro", "accompagnamento_autonomia"],
        ["titolari_protezione", "disoccupati"],
        "ongoing",
        "2023-01-15",
        None,
        [FSE],
        True,
        65,
        (72, 11, 0),
    ),
    (
        "Salute in strada: ambulatorio mobile",
        "Un ambulatorio mobile con medici volontari e mediatori raggiunge gli insediamenti informali e le stazioni.",
        VOLONTARI,
        ["Azienda USL Toscana centro"],
        ["048017", "100005"],
        ["accesso_prestazioni", "pronto_intervento"],
        ["senza_dimora", "diniego_protezione"],
        "ongoing",
        "2019-09-01",
        None,
        [FONDAZIONI],
        True,
        410,
        (780, 120, 15),
    ),
    (
        "Cittadinanza attiva: consulta dei nuovi cittadini",
        "Una consulta comunale dei cittadini di origine straniera che dà pareri sulle politiche locali.",
        "Comune di Prato",
        [],
        ["100005"],
        ["partecipazione"],
        ["cittadini_paesi_terzi", "titolari_protezione"],
        "ongoing",
        "2022-09-01",
        None,
        [COMUNALI],
        True,
        80,
        (35, 15, 0),
    ),
    (
        "Orientamento legale dopo il diniego",
        "Informazione legale e accompagnamento ai ricorsi e ai percorsi alternativi per chi ha ricevuto un diniego.",
        MONDO,
        [VOLONTARI],
        ["046017", "046033"],
        ["consulenza_legale", "orientamento_servizi"],
        ["diniego_protezione"],
        "ongoing",
        "2023-03-01",
        None,
        [FONDAZIONI],
        True,
        25,
        (150, 20, 0),
    ),
    # drafts
    (
        "Laboratori di cucina e convivialità in Lunigiana",
        "Laboratori di cucina aperti alla cittadinanza, condotti da persone accolte, nei circoli ricreativi.",
        MONDO,
        [VOLONTARI],
        ["045001"],
        ["coesione_sociale"],
        ["richiedenti_asilo"],
        "ongoing",
        "2024-02-01",
        None,
        [COMUNALI],
        False,
        30,
        (45, 20, 0),
    ),
    (
        "Rete dei servizi per le dipendenze e migrazione",
        "Formazione congiunta degli operatori dei SerD e dei centri di accoglienza sul disagio e le dipendenze.",
        "Azienda USL Toscana centro",
        [COOP],
        ["047014", "047012"],
        ["accesso_prestazioni"],
        ["disagio_psichico_dipendenze"],
        "ongoing",
        "2024-04-01",
        None,
        [REGIONALI],
        False,
        10,
        (None, None, None),
    ),
    (
        "Biblioteche plurilingue nell'Elba",
        "Scaffali in più lingue e letture ad alta voce nelle biblioteche dell'isola, con i mediatori.",
        "Comune di Livorno",
        [],
        ["049014"],
        ["coesione_sociale", "lingua_italiana"],
        ["cittadini_paesi_terzi"],
        "ongoing",
        "2024-09-01",
        None,
        [COMUNALI],
        False,
        5,
        (None, None, None),
    ),
    (
        "Accompagnamento al lavoro domestico e di cura",
        "Formazione per assistenti familiari con tirocini presso le famiglie e consulenza sul contratto.",
        COOP,
        ["Comune di Siena"],
        ["052032", "052015"],
        ["formazione_lavoro", "consulenza_legale"],
        ["donne_sole_minori", "cittadini_paesi_terzi"],
        "ongoing",
        "2024-01-15",
        None,
        [FSE],
        False,
        400,
        (None, None, None),
    ),
]
SCORES = {"relevance": 3, "results": 2, "involvement": 2, "transferability": 2, "sustainability": 2}


def demo_code(number: int) -> str:
    return f"BP-DEMO-{number:02d}"


@transaction.atomic
def create_demo_data(today: datetime.date | None = None) -> str:
    """Load the demo practices (idempotent); return one line saying what is there."""
    today = today or timezone.localdate()
    reviewer = User.objects.filter(email=REVIEWER).first()
    organizations = {o.name: o for o in Organization.objects.all()}
    existing = set(
        Practice.objects.filter(code__startswith="BP-DEMO-").values_list("code", flat=True)
    )
    for number, row in enumerate(PRACTICES, start=1):
        code = demo_code(number)
        if code in existing:
            continue
        _demo_practice(code, row, organizations, reviewer, today)
    from_response = _practice_from_demo_response(reviewer)
    published = Practice.objects.published().count()
    return f"{Practice.objects.count()} good practices ({published} published)" + (
        f", one from the response of {from_response.lead_organization}" if from_response else ""
    )


def _demo_practice(code, row, organizations, reviewer, today):
    (
        title,
        summary,
        lead,
        partners,
        comuni,
        action_codes,
        targets,
        status,
        start,
        end,
        funding,
        published,
        confirmed_days,
        (total, women, minors),
    ) = row
    lead_organization = organizations.get(lead)
    if lead_organization is None:
        return
    start_date = datetime.date.fromisoformat(start)
    data = {
        "code": code,
        "title": title,
        "summary": summary,
        "description": summary
        + " Il progetto lavora in rete con i servizi sociali del territorio.",
        "status": status,
        "start_date": start_date,
        "end_date": datetime.date.fromisoformat(end) if end else None,
        "lead_organization": lead_organization,
        "funding_sources": funding,
        "results": "Obiettivi raggiunti secondo il monitoraggio annuale del progetto.",
        "evidence": "Monitoraggio interno con dati dei servizi e questionari ai partecipanti.",
        "transferability": "Replicabile in altre zone distretto con una rete di servizi simile.",
        "sustainability": "Le attività proseguono con fondi del bilancio ordinario.",
        "contact_name": "Referente del progetto",
        "contact_email": f"{code.lower()}@progetti.example.org",
        "confirmed_at": today - datetime.timedelta(days=confirmed_days),
    }
    relations = {
        "partners": [organizations[name] for name in partners if name in organizations],
        "comuni": comuni,
        "actions": action_codes,
        "targets": targets,
    }
    beneficiaries = {"total": total, "women": women, "minors": minors}
    practice = actions.create_practice(
        by=reviewer, data=data, relations=relations, beneficiaries=beneficiaries
    )
    if published:
        actions.assess_practice(practice, by=reviewer, values=SCORES)
        actions.publish_practice(practice, by=reviewer)
        # Spread the publication dates over the project's life, for the feed and sorting.
        published_at = timezone.now() - datetime.timedelta(days=confirmed_days // 2 + 1)
        Practice.objects.filter(pk=practice.pk).update(published_at=published_at)
        search.reindex([practice.pk])


def _practice_from_demo_response(reviewer) -> Practice | None:
    questionnaire = Questionnaire.objects.filter(slug=GOOD_PRACTICE_FORM).first()
    if questionnaire is None:
        return None
    if not FieldMapping.objects.filter(questionnaire=questionnaire).exists():
        actions.save_mapping(
            questionnaire, by=reviewer, consent_question="parti_pubblicabili", rules=MAPPING_RULES
        )
    response = (
        SurveyResponse.objects.filter(
            version__questionnaire=questionnaire, status=SurveyResponse.Status.VALIDATED
        )
        .order_by("pk")
        .first()
    )
    if response is None:
        return None
    try:
        practice, _created = actions.create_practice_from_response(response, by=reviewer)
    except actions.PracticeError:
        return None
    return practice
