"""The demo call "Coesione sociale e tutela dei bisogni essenziali 2019" (seed 003): 47
applications, 40 funded projects whose figures reproduce the published analysis, reviews,
a reporting schedule with reports (some late), indicator values and beneficiary counts.
Running it twice changes nothing."""

import datetime
import random
import zoneinfo
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from approdo.core.history import record_history
from approdo.funding.models import (
    BeneficiaryCount,
    Call,
    EvaluationCriterion,
    Indicator,
    IndicatorValue,
    Milestone,
    MonitoringReport,
    Project,
    ReportingDeadline,
    ReviewAssignment,
    Score,
)
from approdo.organizations.demo import demo_user
from approdo.organizations.models import Organization, User
from approdo.territory.models import ComuneZona

SLUG = "coesione-sociale-2019"
ROME = zoneinfo.ZoneInfo("Europe/Rome")
FUNDED = 40
GRANTED_SHARE = Decimal("0.90")  # of the requested amount, unless the budget is smaller
# The published analysis (seed 003): funded projects per action, out of 40.
ACTION_COUNTS = {
    "orientamento_servizi": 37,
    "supporto_abitare": 36,
    "coesione_sociale": 35,
    "pronto_intervento": 33,
    "consulenza_legale": 32,
}
MARGINALITY_PROJECTS = 26
DENIAL_PROJECTS = 32
MARGINALITY_CHILDREN = [
    "disoccupati",
    "vittime_sfruttamento",
    "donne_vittime_violenza",
    "donne_sole_minori",
    "senza_dimora",
    "disagio_psichico_dipendenze",
]
# name, kind, seat (ISTAT code): 18 public and 22 third-sector leads of funded projects.
PUBLIC_LEADS = [
    ("Comune di Firenze", "comune", "048017"),
    ("Comune di Prato", "comune", "100005"),
    ("Comune di Pisa", "comune", "050026"),
    ("Comune di Livorno", "comune", "049009"),
    ("Comune di Arezzo", "comune", "051002"),
    ("Comune di Siena", "comune", "052032"),
    ("Comune di Grosseto", "comune", "053011"),
    ("Unione dei Comuni del Mugello", "unione_comuni", "048004"),
    ("Società della Salute Area Pratese", "sds", "100005"),
    ("Società della Salute di Firenze", "sds", "048017"),
    ("Società della Salute della Zona Pisana", "sds", "050026"),
    ("Società della Salute Senese", "sds", "052032"),
    ("Comune di Lucca", "comune", "046017"),
    ("Comune di Pistoia", "comune", "047014"),
    ("Comune di Massa", "comune", "045010"),
    ("Comune di Empoli", "comune", "048014"),
    ("Società della Salute della Valdinievole", "sds", "047011"),
    ("Comune di Viareggio", "comune", "046033"),
]
THIRD_SECTOR_LEADS = [
    ("Cooperativa Sociale Il Ponte", "cooperativa_sociale", "048017"),
    ("Cooperativa Sociale Approdi Solidali", "cooperativa_sociale", "100005"),
    ("Associazione Mondo Aperto APS", "aps", "050026"),
    ("Volontari per l'Accoglienza ODV", "odv", "052032"),
    ("Fondazione Casa Comune", "fondazione", "049009"),
    ("Impresa Sociale Lavoro e Dignità", "impresa_sociale", "051002"),
    ("Cooperativa Sociale La Rondine", "cooperativa_sociale", "046017"),
    ("Cooperativa Sociale Terra di Mezzo", "cooperativa_sociale", "053011"),
    ("Associazione Ponti di Pace APS", "aps", "045003"),
    ("Cooperativa Sociale Casa del Sole", "cooperativa_sociale", "047014"),
    ("Associazione Diritti in Rete ODV", "odv", "048014"),
    ("Cooperativa Sociale Orizzonti Comuni", "cooperativa_sociale", "049012"),
    ("Fondazione Accoglienza Senese", "fondazione", "052022"),
    ("Associazione Sportello Migranti APS", "aps", "050029"),
    ("Cooperativa Sociale Valdarno Solidale", "cooperativa_sociale", "051026"),
    ("Associazione Casa delle Culture", "associazione", "046033"),
    ("Cooperativa Sociale Il Mosaico", "cooperativa_sociale", "048043"),
    ("Impresa Sociale Abitare Insieme", "impresa_sociale", "048041"),
    ("Associazione Donne in Cammino ODV", "odv", "051017"),
    ("Cooperativa Sociale Mare Aperto", "cooperativa_sociale", "049014"),
    ("Associazione Insieme in Lunigiana APS", "aps", "045001"),
    ("Cooperativa Sociale La Valle", "cooperativa_sociale", "046009"),
]
# Leads of the 7 applications that were not funded, with their outcome.
OTHER_LEADS = [
    ("Comune di Carrara", "comune", "045003", Project.Status.NOT_FUNDED),
    ("Comune di Cecina", "comune", "049007", Project.Status.NOT_FUNDED),
    ("Comune di Sansepolcro", "comune", "051034", Project.Status.INADMISSIBLE),
    ("Associazione Nuovi Orizzonti APS", "aps", "048006", Project.Status.NOT_FUNDED),
    (
        "Cooperativa Sociale Ponte Vecchio",
        "cooperativa_sociale",
        "048019",
        Project.Status.NOT_FUNDED,
    ),
    ("Associazione Terre d'Orcia ODV", "odv", "052015", Project.Status.INADMISSIBLE),
    ("Cooperativa Sociale Il Faro", "cooperativa_sociale", "053018", Project.Status.WITHDRAWN),
]
THEMES = [
    "Rete di accoglienza temporanea e accompagnamento all'autonomia",
    "Sportello di orientamento e consulenza giuridico-legale",
    "Pronto intervento sociale per persone senza dimora",
    "Comunità accogliente: welfare di prossimità",
    "Abitare solidale",
    "Percorsi di inclusione dopo il diniego",
    "Casa, lavoro e diritti",
    "Oltre l'emergenza: reti per l'inclusione",
]
CRITERIA = [
    ("Qualità e coerenza della proposta", 30, Decimal("1.00")),
    ("Radicamento territoriale e qualità del partenariato", 25, Decimal("1.00")),
    ("Carattere innovativo del modello di welfare di comunità", 20, Decimal("1.00")),
    ("Sostenibilità e congruità del piano finanziario", 25, Decimal("1.00")),
]
INDICATORS = [
    ("persone_orientate", "Persone orientate ai servizi", "output", "persone", 4000),
    ("posti_accoglienza", "Posti di accoglienza temporanea attivati", "output", "posti", 300),
    ("consulenze_legali", "Consulenze giuridico-legali erogate", "output", "consulenze", 2500),
    (
        "percorsi_autonomia",
        "Persone che hanno concluso un percorso di autonomia",
        "outcome",
        "persone",
        400,
    ),
]
PERIODS = [datetime.date(2020, 6, 30), datetime.date(2020, 12, 31), datetime.date(2021, 6, 30)]
DEADLINES = [
    ("Primo rapporto semestrale", datetime.date(2020, 7, 31), False),
    ("Secondo rapporto semestrale", datetime.date(2021, 1, 31), False),
    ("Rapporto finale", datetime.date(2021, 9, 30), True),
]
BENEFICIARY_CATEGORIES = ["richiedenti_asilo", "titolari_protezione", "diniego_protezione"]
REVIEWERS = [
    ("valutatrice@esperti.example.org", "Elena Martini"),
    ("valutatore@esperti.example.org", "Davide Ricci"),
]


def _organizations(rows) -> list[Organization]:
    result = []
    for name, kind, seat, *_rest in rows:
        organization, _ = Organization.objects.get_or_create(
            name=name, kind=kind, defaults={"seat_id": seat}
        )
        if organization.seat_id is None:  # made elsewhere without a seat: projects need one
            organization.seat_id = seat
            organization.save(update_fields=["seat"])
        result.append(organization)
    return result


def granted_share(requested: list[Decimal], budget: Decimal) -> Decimal:
    """The share of the requested amounts granted to every funded project: 90%, or less when
    90% of the requests would exceed the call's budget (whole percent, rounded down), so the
    granted total never exceeds the budget."""
    total = sum(requested, Decimal(0))
    if not total:
        return GRANTED_SHARE
    fits = (budget / total).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return min(GRANTED_SHARE, fits)


def _subset(rng: random.Random, size: int) -> set[int]:
    return set(rng.sample(range(FUNDED), size))


@transaction.atomic
def create_demo_data() -> str:
    call = Call.objects.filter(slug=SLUG).first()
    if call is None:
        call = _create_call()
    funded = call.projects.funded().count()
    return f"call {call.slug}: {call.projects.count()} applications, {funded} funded"


def _create_call() -> Call:
    rng = random.Random(2019)
    call = Call.objects.create(
        slug=SLUG,
        title="Coesione sociale e tutela dei bisogni essenziali 2019",
        description=(
            "Bando regionale per sperimentare forme innovative di welfare di comunità, offrire "
            "sistemazioni alloggiative temporanee, far crescere le competenze e l'inserimento "
            "lavorativo, favorire l'inclusione sociale e la tutela dei diritti di persone e "
            "famiglie, anche straniere, in stato di particolare precarietà sociale."
        ),
        funding_source="Fondi regionali (Regione Toscana)",
        budget=Decimal("2000000.00"),
        eligibility=(
            "Enti locali, Società della Salute e zone distretto, in forma singola o associata, "
            "ed enti del terzo settore in partenariato con almeno un ente pubblico."
        ),
        opens_at=datetime.datetime(2019, 5, 6, 9, 0, tzinfo=ROME),
        closes_at=datetime.datetime(2019, 7, 15, 13, 0, tzinfo=ROME),
        statistics_public=True,
    )
    record_history(call, action="created")
    criteria = EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(call=call, title=t, max_score=m, weight=w, position=i)
        for i, (t, m, w) in enumerate(CRITERIA)
    )
    public = _organizations(PUBLIC_LEADS)
    third = _organizations(THIRD_SECTOR_LEADS)
    others = _organizations(OTHER_LEADS)
    # Public and third-sector leads interleaved, so both kinds spread over the list.
    leads = [org for pair in zip(public, third[: len(public)], strict=True) for org in pair]
    leads += third[len(public) :]
    statuses = [Project.Status.FUNDED] * FUNDED + [row[3] for row in OTHER_LEADS]
    leads += others
    requested_amounts = [Decimal(rng.randrange(30, 90) * 1000) for _lead in leads]
    share = granted_share(requested_amounts[:FUNDED], call.budget)
    projects = []
    for index, (lead, status) in enumerate(zip(leads, statuses, strict=True)):
        requested = requested_amounts[index]
        funded = status == Project.Status.FUNDED
        projects.append(
            Project(
                call=call,
                code=f"CS19-{index + 1:03d}",
                title=f"{THEMES[index % len(THEMES)]} – {lead.seat.name}",
                summary=(
                    "Il progetto mette in rete enti pubblici e del terzo settore per offrire "
                    "accoglienza temporanea, orientamento ai servizi e tutela legale a persone "
                    "in condizione di particolare precarietà sociale."
                ),
                status=status,
                # Every project of a 2019 call ended by 2022: none is still ongoing.
                progress=Project.Progress.COMPLETED if funded else Project.Progress.NOT_STARTED,
                lead=lead,
                requested_amount=requested,
                granted_amount=(requested * share).quantize(Decimal(1), rounding=ROUND_DOWN)
                if funded
                else None,
                start_date=datetime.date(2020, 1, 15) if funded else None,
                end_date=(datetime.date(2021, 6, 30) if index % 10 else datetime.date(2021, 12, 31))
                if funded
                else None,
            )
        )
    projects = Project.objects.bulk_create(projects)
    _relations(projects, public + third + others, rng)
    _territory(projects, rng)
    for project in projects:
        record_history(project, action="imported", changes={"status": [None, project.status]})
    _milestones(projects[:FUNDED])
    _reviews(projects, criteria, rng)
    _monitoring(call, projects[:FUNDED], rng)
    return call


def _relations(projects: list[Project], pool: list[Organization], rng: random.Random) -> None:
    Through = Project.actions.through
    action_rows = []
    for code, count in ACTION_COUNTS.items():
        action_rows += [
            Through(project_id=projects[i].pk, action_id=code) for i in _subset(rng, count)
        ]
    extra = ["accompagnamento_autonomia", "formazione_lavoro", "accesso_prestazioni"]
    for project in projects[:FUNDED]:
        action_rows += [
            Through(project_id=project.pk, action_id=code) for code in rng.sample(extra, 1)
        ]
    for project in projects[FUNDED:]:
        action_rows += [
            Through(project_id=project.pk, action_id=code)
            for code in rng.sample(list(ACTION_COUNTS), 3)
        ]
    Through.objects.bulk_create(action_rows)

    Targets = Project.targets.through
    target_rows = [
        Targets(project_id=projects[i].pk, targetgroup_id="diniego_protezione")
        for i in _subset(rng, DENIAL_PROJECTS)
    ]
    for i in _subset(rng, MARGINALITY_PROJECTS):
        target_rows += [
            Targets(project_id=projects[i].pk, targetgroup_id=code)
            for code in rng.sample(MARGINALITY_CHILDREN, rng.randint(1, 3))
        ]
    for project in projects:
        target_rows += [
            Targets(project_id=project.pk, targetgroup_id=code)
            for code in rng.sample(["richiedenti_asilo", "titolari_protezione"], rng.randint(1, 2))
        ]
    for project in projects[FUNDED:]:
        target_rows.append(Targets(project_id=project.pk, targetgroup_id="senza_dimora"))
    Targets.objects.bulk_create(target_rows)

    Partners = Project.partners.through
    partner_rows = []
    asl_of = _asl_of_seats()
    for project in projects:
        other_sector = [org for org in pool if org.sector != project.lead.sector]
        # Partners come from the lead's own area (its ASL) when it has enough of them.
        nearby = [
            org for org in other_sector if asl_of[org.seat_id] == asl_of[project.lead.seat_id]
        ]
        candidates = nearby if len(nearby) >= 3 else other_sector
        project.demo_partners = rng.sample(candidates, rng.randint(1, 3))
        partner_rows += [
            Partners(project_id=project.pk, organization_id=org.pk) for org in project.demo_partners
        ]
    Partners.objects.bulk_create(partner_rows)


def _asl_of_seats() -> dict[str, int]:
    links = ComuneZona.objects.valid_on().values_list("comune_id", "zona__asl_id")
    return dict(links)


def _territory(projects: list[Project], rng: random.Random) -> None:
    """Each project works in its lead's comune and, often, a neighbour in the same zona, and
    in the comuni of its partners from the same area (a partnership works where its members
    are); its zone are those of its comuni. So the larger zone count five projects or more
    and show their figure, as in the published analysis, while the smaller ones read n.d."""
    links = ComuneZona.objects.valid_on().values_list("comune_id", "zona_id")
    zona_of = dict(links)
    comuni_of_zona: dict[int, list[str]] = {}
    for comune_id, zona_id in zona_of.items():
        comuni_of_zona.setdefault(zona_id, []).append(comune_id)
    Comuni, Zone = Project.comuni.through, Project.zone.through
    comune_rows, zona_rows = [], []
    for project in projects:
        seat = project.lead.seat_id
        comuni = {seat}
        neighbours = sorted(set(comuni_of_zona.get(zona_of.get(seat), [])) - {seat})
        if neighbours and rng.random() < 0.6:
            comuni.update(rng.sample(neighbours, min(len(neighbours), rng.randint(1, 3))))
        comuni.update(org.seat_id for org in getattr(project, "demo_partners", []))
        comune_rows += [Comuni(project_id=project.pk, comune_id=c) for c in sorted(comuni)]
        zone = {zona_of[c] for c in comuni if c in zona_of}
        zona_rows += [Zone(project_id=project.pk, zona_id=z) for z in sorted(zone)]
    Comuni.objects.bulk_create(comune_rows)
    Zone.objects.bulk_create(zona_rows)


def _milestones(projects: list[Project]) -> None:
    rows = []
    for project in projects:
        rows += [
            Milestone(
                project=project,
                title="Avvio delle attività",
                due_date=datetime.date(2020, 2, 28),
                done_at=datetime.date(2020, 2, 20),
            ),
            Milestone(
                project=project,
                title="Attivazione dei posti di accoglienza temporanea",
                due_date=datetime.date(2020, 6, 30),
                done_at=datetime.date(2020, 7, 10),
            ),
            Milestone(
                project=project,
                title="Chiusura delle attività e rendicontazione",
                due_date=project.end_date,
                done_at=project.end_date
                if project.progress == Project.Progress.COMPLETED
                else None,
            ),
        ]
    Milestone.objects.bulk_create(rows)


def _reviews(projects: list[Project], criteria, rng: random.Random) -> None:
    """Two experts reviewed every admissible application; funded ones scored higher."""
    reviewers: list[User] = [demo_user(email, name) for email, name in REVIEWERS]
    submitted = datetime.datetime(2019, 9, 20, 12, 0, tzinfo=ROME)
    reviewed = [
        p for p in projects if p.status in (Project.Status.FUNDED, Project.Status.NOT_FUNDED)
    ]
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            project=project,
            reviewer=reviewer,
            assigned_at=submitted - datetime.timedelta(days=20),
            no_conflict_declared_at=submitted - datetime.timedelta(days=18),
            submitted_at=submitted,
        )
        for project in reviewed
        for reviewer in reviewers
    )
    scores = []
    for assignment in assignments:
        share = (0.65, 0.95) if assignment.project.is_funded else (0.35, 0.58)
        for criterion in criteria:
            value = round(criterion.max_score * rng.uniform(*share))
            scores.append(
                Score(
                    assignment=assignment,
                    criterion=criterion,
                    score=Decimal(value),
                    comment="Proposta coerente con gli obiettivi del bando."
                    if assignment.project.is_funded
                    else "Proposta poco definita nel piano delle attività.",
                )
            )
    Score.objects.bulk_create(scores)


def _monitoring(call: Call, projects: list[Project], rng: random.Random) -> None:
    deadlines = ReportingDeadline.objects.bulk_create(
        ReportingDeadline(call=call, title=t, due_date=d, is_final=f) for t, d, f in DEADLINES
    )
    reports = []
    for project in projects:
        for deadline in deadlines:
            roll = rng.random()
            if roll < 0.05 and deadline.is_final:
                sent = None  # never sent: late
            else:
                delay = rng.randint(3, 25) if roll < 0.15 else -rng.randint(1, 12)
                day = deadline.due_date + datetime.timedelta(days=delay)
                sent = datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=ROME)
            reports.append(MonitoringReport(project=project, deadline=deadline, submitted_at=sent))
    MonitoringReport.objects.bulk_create(reports)

    indicators = Indicator.objects.bulk_create(
        Indicator(call=call, code=c, name=n, kind=k, unit=u, target=Decimal(t))
        for c, n, k, u, t in INDICATORS
    )
    values = []
    for project in projects:
        for indicator in indicators:
            planned_total = indicator.target / FUNDED * Decimal(rng.uniform(0.8, 1.2))
            for period in PERIODS:  # each value is the figure of its period alone
                planned = (planned_total / len(PERIODS)).quantize(Decimal(1))
                achieved = (planned * Decimal(rng.uniform(0.7, 1.15))).quantize(Decimal(1))
                values.append(
                    IndicatorValue(
                        project=project,
                        indicator=indicator,
                        period=period,
                        planned=planned,
                        achieved=achieved,
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    counts = [
        BeneficiaryCount(
            project=project, period=period, category_id=category, count=rng.randint(3, 40)
        )
        for project in projects
        for period in PERIODS
        for category in BENEFICIARY_CATEGORIES
    ]
    BeneficiaryCount.objects.bulk_create(counts)
