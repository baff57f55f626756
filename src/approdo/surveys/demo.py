"""The demo campaign "Rilevazione delle buone pratiche" with responses in every state, for
`approdo demo`. Running it twice changes nothing."""

import datetime
import uuid
import zoneinfo
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approdo.core.history import record_history
from approdo.organizations.models import Organization, User
from approdo.surveys import actions
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import Campaign, SurveyResponse

FORM = Path(__file__).parent / "forms" / "buone_pratiche.md"
ROME = zoneinfo.ZoneInfo("Europe/Rome")
AUDIENCE_KINDS = {"comune", "sds"} | {
    "cooperativa_sociale",
    "aps",
    "odv",
    "impresa_sociale",
    "fondazione",
    "associazione",
    "altro_ets",
}
REVIEWER = "coordinatore@anci.example.org"
INSTANCE_NAMESPACE = uuid.UUID("5b1f3c2e-8f7d-4d35-9a51-6f1d2b9c0a11")
Status = SurveyResponse.Status

# organisation, final status, answers (the partners' repeat included)
RESPONSES = [
    (
        "Comune di Prato",
        Status.VALIDATED,
        {
            "org_nome": "Comune di Prato",
            "org_tipo": "comune",
            "referente_nome": "Luca Ferri",
            "referente_ruolo": "Responsabile Ufficio Immigrazione",
            "referente_email": "immigrazione@comune-prato.example.org",
            "referente_telefono": "+39 0574 183 0000",
            "titolo": "Sportello unico per l'orientamento dei cittadini stranieri",
            "stato": "in_corso",
            "data_inizio": "2023-03-01",
            "fonti": "fami fondi_comunali",
            "fami_programma": "fami_2021_2027",
            "importo": "185000",
            "zona": "pratese",
            "comuni": "100005 100004",
            "destinatari": "richiedenti_asilo titolari_protezione cittadini_paesi_terzi",
            "azioni": "orientamento_servizi consulenza_legale mediazione_culturale",
            "descrizione": "Uno sportello comunale, aperto cinque giorni a settimana, che "
            "orienta ai servizi del territorio con mediatori in otto lingue.",
            "obiettivi": "Ridurre i tempi di accesso ai servizi e gli accessi impropri.",
            "ha_partner": "si",
            "partner": [
                {
                    "partner_nome": "Cooperativa Sociale Approdi Solidali",
                    "partner_tipo": "cooperativa_sociale",
                    "partner_ruolo": "partner",
                },
                {
                    "partner_nome": "Società della Salute Area Pratese",
                    "partner_tipo": "sds",
                    "partner_ruolo": "aderente",
                },
            ],
            "beneficiari_totale": "1240",
            "beneficiari_donne": "530",
            "beneficiari_minori": "95",
            "risultati": "Oltre 1.200 persone orientate nel 2025; tempi di attesa dimezzati.",
            "evidenze": "monitoraggio dati_servizi",
            "metodo_valutazione": "interna",
            "metodo_descrizione": "Monitoraggio trimestrale degli accessi e questionario.",
            "innovazione_grado": "4",
            "sostenibilita_dopo": "si",
            "sostenibilita": "Lo sportello è inserito nel bilancio comunale dal 2026.",
            "parti_pubblicabili": "descrizione risultati partenariato",
            "dichiarazione": "OK",
        },
    ),
    (
        "Comune di Firenze",
        Status.SUBMITTED,
        {
            "org_nome": "Comune di Firenze",
            "org_tipo": "comune",
            "referente_nome": "Elena Marchi",
            "referente_email": "accoglienza@comune-firenze.example.org",
            "titolo": "Corsi di lingua italiana per donne con figli piccoli",
            "stato": "concluso",
            "data_inizio": "2022-09-15",
            "data_fine": "2024-06-30",
            "fonti": "fondi_regionali",
            "zona": "firenze",
            "comuni": "048017",
            "destinatari": "cittadini_paesi_terzi donne_sole_minori",
            "azioni": "lingua_italiana coesione_sociale",
            "descrizione": "Corsi di italiano A1-A2 con servizio di custodia dei bambini "
            "durante le lezioni, in quattro quartieri.",
            "ha_partner": "no",
            "beneficiari_totale": "310",
            "beneficiari_donne": "310",
            "risultati": "Il 70% delle partecipanti ha ottenuto la certificazione A2.",
            "evidenze": "pubblicazioni",
            "metodo_valutazione": "esterna",
            "sostenibilita_dopo": "in_parte",
            "parti_pubblicabili": "descrizione",
            "dichiarazione": "OK",
        },
    ),
    (
        "Società della Salute Area Pratese",
        Status.IN_REVIEW,
        {
            "org_nome": "Società della Salute Area Pratese",
            "org_tipo": "sds",
            "referente_nome": "Paolo Neri",
            "referente_email": "progetti@sds-pratese.example.org",
            "titolo": "Equipe multidisciplinare per la salute mentale dei migranti",
            "stato": "in_corso",
            "data_inizio": "2024-01-10",
            "fonti": "fami",
            "fami_programma": "fami_2021_2027",
            "zona": "pratese",
            "comuni": "100005",
            "destinatari": "richiedenti_asilo titolari_protezione",
            "azioni": "accesso_prestazioni mediazione_culturale",
            "descrizione": "Un'equipe di psicologi, mediatori e assistenti sociali prende in "
            "carico le persone segnalate dai centri di accoglienza.",
            "ha_partner": "no",
            "beneficiari_totale": "140",
            "risultati": "140 prese in carico, 60 percorsi conclusi.",
            "evidenze": "dati_servizi",
            "metodo_valutazione": "nessuna",
            "sostenibilita_dopo": "no",
            "parti_pubblicabili": "nessuna",
            "dichiarazione": "OK",
        },
    ),
    (
        "Cooperativa Sociale Approdi Solidali",
        Status.CHANGES_REQUESTED,
        {
            "org_nome": "Cooperativa Sociale Approdi Solidali",
            "org_tipo": "cooperativa_sociale",
            "referente_nome": "Giovanni Lenzi",
            "referente_email": "info@approdisolidali.example.org",
            "titolo": "Percorsi di inserimento lavorativo nel tessile",
            "stato": "in_corso",
            "data_inizio": "2024-04-01",
            "fonti": "fse_plus fondazioni",
            "zona": "pratese",
            "comuni": "100005",
            "destinatari": "titolari_protezione disoccupati",
            "azioni": "formazione_lavoro accompagnamento_autonomia",
            "descrizione": "Tirocini retribuiti in aziende tessili del distretto.",
            "ha_partner": "no",
            "beneficiari_totale": "45",
            "risultati": "18 contratti di lavoro.",
            "evidenze": "monitoraggio",
            "metodo_valutazione": "interna",
            "sostenibilita_dopo": "in_parte",
            "parti_pubblicabili": "descrizione risultati",
            "dichiarazione": "OK",
        },
    ),
    (
        "Associazione Mondo Aperto APS",
        Status.REJECTED,
        {
            "org_nome": "Associazione Mondo Aperto APS",
            "org_tipo": "aps",
            "referente_nome": "Fatima El Idrissi",
            "referente_email": "segreteria@mondoaperto.example.org",
            "titolo": "Festa dei popoli",
            "stato": "concluso",
            "data_inizio": "2025-05-01",
            "data_fine": "2025-05-03",
            "fonti": "fondi_propri",
            "zona": "pisana",
            "comuni": "050026",
            "destinatari": "cittadini_paesi_terzi",
            "azioni": "partecipazione",
            "descrizione": "Tre giorni di eventi culturali in piazza.",
            "ha_partner": "no",
            "beneficiari_totale": "0",
            "risultati": "Partecipazione ampia della cittadinanza.",
            "evidenze": "nessuna",
            "metodo_valutazione": "nessuna",
            "sostenibilita_dopo": "no",
            "parti_pubblicabili": "nessuna",
            "dichiarazione": "OK",
        },
    ),
    (
        "Cooperativa Sociale Il Ponte",
        Status.DRAFT,
        {
            "org_nome": "Cooperativa Sociale Il Ponte",
            "org_tipo": "cooperativa_sociale",
            "referente_nome": "Amina Diallo",
            "titolo": "Accoglienza diffusa in appartamenti",
            "stato": "in_corso",
        },
    ),
]
REVIEW_PATH = {
    Status.SUBMITTED: [],
    Status.IN_REVIEW: [Status.IN_REVIEW],
    Status.VALIDATED: [Status.IN_REVIEW, Status.VALIDATED],
    Status.CHANGES_REQUESTED: [Status.IN_REVIEW, Status.CHANGES_REQUESTED],
    Status.REJECTED: [Status.REJECTED],
}
NOTES = {
    Status.CHANGES_REQUESTED: "Indicare il numero di beneficiari per anno e i comuni coinvolti.",
    Status.REJECTED: "L'iniziativa è un evento, non un progetto con azioni continuative.",
}


def campaign_slug(year: int) -> str:
    return f"buone-pratiche-{year}"


@transaction.atomic
def create_demo_data(today: datetime.date | None = None) -> Campaign:
    """Open the good-practice campaign of the current year (1-30 November, Europe/Rome) for
    the demo Comuni, Società della Salute and third-sector organisations, with one demo
    response in each state. Idempotent: what exists is left as it is."""
    today = today or timezone.localdate()
    slug = campaign_slug(today.year)
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        with FORM.open("rb") as file:
            campaign = actions.import_xlsform(
                file,
                filename=FORM.name,
                campaign_slug=slug,
                title=f"Rilevazione delle buone pratiche {today.year}",
                opens_at=datetime.datetime(today.year, 11, 1, tzinfo=ROME),
                closes_at=datetime.datetime(today.year, 11, 30, 23, 59, tzinfo=ROME),
            )
    audience = [
        organization
        for organization in Organization.objects.filter(kind__in=AUDIENCE_KINDS)
        if organization.name != "ANCI Toscana"
    ]
    campaign.organizations.add(*audience)
    reviewer = User.objects.filter(email=REVIEWER).first()
    for name, status, answers in RESPONSES:
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            continue
        instance_id = uuid.uuid5(INSTANCE_NAMESPACE, f"{slug}/{name}")
        if SurveyResponse.objects.filter(instance_id=instance_id).exists():
            continue
        _demo_response(campaign, organization, instance_id, status, answers, reviewer, today)
    return campaign


def load_demo() -> str:
    """`approdo demo`'s step (declared in SurveysConfig): the campaign, and what it holds."""
    campaign = create_demo_data()
    return f"Survey campaign: {campaign.slug} ({campaign.responses.count()} responses)"


def _demo_response(campaign, organization, instance_id, status, answers, reviewer, today):
    member = organization.memberships.select_related("user").first()
    by = member.user if member else None
    if status == Status.DRAFT:
        response = SurveyResponse.objects.create(
            campaign=campaign,
            version=campaign.version,
            organization=organization,
            instance_id=instance_id,
            answers=answers,
            created_by=by,
        )
        record_history(response, by=by, action="started")
        return response
    if campaign.is_open():
        response, _created = actions.submit_response(
            campaign, organization=organization, instance_id=instance_id, answers=answers, by=by
        )
    else:  # the demo runs outside November: store what the form would have accepted
        evaluation = evaluate_form(campaign.version.schema, answers, today=today)
        if evaluation.errors:
            raise actions.AnswersInvalid(evaluation.errors)
        response = SurveyResponse.objects.create(
            campaign=campaign,
            version=campaign.version,
            organization=organization,
            instance_id=instance_id,
            status=Status.SUBMITTED,
            answers=evaluation.cleaned,
            created_by=by,
            submitted_at=timezone.now(),
        )
        record_history(response, by=by, action="submitted", changes={"status": [None, "submitted"]})
    for step in REVIEW_PATH[status]:
        old = response.status
        response.move_to(step)
        response.save(update_fields=["status", "updated_at"])
        record_history(
            response,
            by=reviewer,
            action=step,
            changes={"status": [old, step]},
            note=NOTES.get(step, ""),
        )
    return response
