"""A Tuscan SAI network consistent with the public 2024 figures (XXIII Rapporto SAI): 42
projects, 1,887 places, 35 holders (22 Comuni, 3 Unioni, 10 Società della Salute). The holder
Comuni are the real ones; places per project, managers and codes are invented and every
project is marked as demo data. Running it twice changes nothing."""

import datetime

from django.db import transaction

from approdo.core.history import record_history
from approdo.governance.models import SaiHosting, SaiProject
from approdo.organizations.models import Organization
from approdo.territory.models import Comune

START = datetime.date(2023, 1, 1)
END = datetime.date(2026, 12, 31)  # the 2023-2025 projects, extended by one year

# Demo third-sector managers (enti attuatori): name, kind, seat.
MANAGERS = [
    ("Cooperativa Sociale Il Ponte", "cooperativa_sociale", "048017"),
    ("Cooperativa Sociale Approdi Solidali", "cooperativa_sociale", "100005"),
    ("Cooperativa Sociale Orizzonti Comuni", "cooperativa_sociale", "049009"),
    ("Cooperativa Sociale La Rotta", "cooperativa_sociale", "046017"),
    ("Cooperativa Sociale Terre di Mezzo", "cooperativa_sociale", "053011"),
    ("Cooperativa Sociale Casa dei Popoli", "cooperativa_sociale", "050026"),
    ("Consorzio Sociale Accogliere Insieme", "impresa_sociale", "047014"),
    ("Associazione Mondo Aperto APS", "aps", "050026"),
    ("Fondazione Casa Comune", "fondazione", "049009"),
    ("Associazione Ponti di Pace", "associazione", "052032"),
    ("Cooperativa Sociale Il Faro Apuano", "cooperativa_sociale", "045003"),
    ("Cooperativa Sociale Valli Aperte", "cooperativa_sociale", "051004"),
]

# Holders: name, kind, seat, hosting comuni, projects (type, places[, their own hosting comuni]).
# A comune given as "code:places" hosts that many places; the rest is split among the others.
HOLDERS = [
    ("Comune di Bibbiena", "comune", "051004", ["051004"], [("ordinari", 25)]),
    ("Comune di Castiglion Fibocchi", "comune", "051011", ["051011"], [("ordinari", 16)]),
    (
        "Comune di Firenze",
        "comune",
        "048017",
        ["048017"],
        [("ordinari", 280), ("msna", 60), ("dm_ds", 20)],
    ),
    ("Comune di Dicomano", "comune", "048013", ["048013"], [("ordinari", 15)]),
    ("Comune di Pontassieve", "comune", "048033", ["048033"], [("ordinari", 30)]),
    (
        "Comune di San Casciano in Val di Pesa",
        "comune",
        "048038",
        ["048038"],
        [("ordinari", 22)],
    ),
    ("Comune di Grosseto", "comune", "053011", ["053011"], [("ordinari", 90), ("msna", 20)]),
    ("Comune di Massa Marittima", "comune", "053015", ["053015"], [("ordinari", 18)]),
    ("Comune di Livorno", "comune", "049009", ["049009"], [("ordinari", 120), ("msna", 25)]),
    ("Comune di Rosignano Marittimo", "comune", "049017", ["049017"], [("ordinari", 28)]),
    ("Comune di Bagni di Lucca", "comune", "046002", ["046002"], [("ordinari", 15)]),
    ("Comune di Borgo a Mozzano", "comune", "046004", ["046004"], [("ordinari", 14)]),
    ("Comune di Fabbriche di Vergemoli", "comune", "046036", ["046036"], [("ordinari", 10)]),
    ("Comune di Gallicano", "comune", "046015", ["046015"], [("ordinari", 12)]),
    ("Comune di Lucca", "comune", "046017", ["046017"], [("ordinari", 85)]),
    ("Comune di Capannori", "comune", "046007", ["046007"], [("ordinari", 35)]),
    ("Comune di Viareggio", "comune", "046033", ["046033"], [("ordinari", 45)]),
    ("Comune di Carrara", "comune", "045003", ["045003"], [("ordinari", 40)]),
    ("Comune di Marliana", "comune", "047007", ["047007"], [("ordinari", 12)]),
    ("Comune di Pistoia", "comune", "047014", ["047014"], [("ordinari", 80)]),
    ("Comune di Pescia", "comune", "047012", ["047012"], [("ordinari", 25)]),
    ("Comune di Prato", "comune", "100005", ["100005"], [("ordinari", 150), ("msna", 30)]),
    (
        "Unione dei Comuni Montani del Casentino",
        "unione_comuni",
        "051031",
        ["051031", "051041", "051010"],
        [("ordinari", 30)],
    ),
    (
        "Unione dei Comuni Circondario dell'Empolese Valdelsa",
        "unione_comuni",
        "048014",
        ["048014:35", "048010", "048012", "048019"],
        [("ordinari", 73)],
    ),
    (
        "Unione Montana dei Comuni del Mugello",
        "unione_comuni",
        "048004",
        ["048004", "048053", "048049"],
        [("ordinari", 35)],
    ),
    (
        "Società della Salute della Lunigiana",
        "sds",
        "045001",
        ["045001", "045014", "045007"],
        [("ordinari", 25)],
    ),
    (
        "Società della Salute della Zona Pisana",
        "sds",
        "050026",
        ["050026:60", "050008", "050031"],
        [("ordinari", 100), ("msna", 20, ["050026"])],
    ),
    (
        "Società della Salute Alta Val di Cecina - Valdera",
        "sds",
        "050029",
        ["050029", "050028"],
        [("ordinari", 40)],
    ),
    (
        "Società della Salute Valli Etrusche",
        "sds",
        "049007",
        ["049007", "049012"],
        [("dm_ds", 15)],
    ),
    (
        "Società della Salute Fiorentina Nord-Ovest",
        "sds",
        "048041",
        ["048041", "048043", "048006"],
        [("ordinari", 70)],
    ),
    (
        "Società della Salute della Valdinievole",
        "sds",
        "047009",
        ["047009", "047011"],
        [("ordinari", 25)],
    ),
    (
        "Società della Salute Alta Val d'Elsa",
        "sds",
        "052022",
        ["052022", "052012"],
        [("ordinari", 30)],
    ),
    (
        "Società della Salute Senese",
        "sds",
        "052032",
        ["052032", "052016"],
        [("ordinari", 45), ("dm_ds", 12)],
    ),
    (
        "Società della Salute Amiata Senese e Val d'Orcia - Valdichiana Senese",
        "sds",
        "052015",
        ["052015", "052011"],
        [("ordinari", 20)],
    ),
    (
        "COeSO - Società della Salute Amiata Grossetana, Colline Metallifere, Grossetana",
        "sds",
        "053009",
        ["053009", "053021"],
        [("ordinari", 25)],
    ),
]


@transaction.atomic
def create_sai_demo() -> str:
    known = set(Comune.objects.values_list("istat_code", flat=True))
    if "048017" not in known:
        return ""  # no Tuscan territory loaded
    managers = [
        Organization.objects.get_or_create(name=name, kind=kind, defaults={"seat_id": seat})[0]
        for name, kind, seat in MANAGERS
    ]
    created = 0
    number = 0
    for name, kind, seat, comuni, projects in HOLDERS:
        holder, _ = Organization.objects.get_or_create(
            name=name, kind=kind, defaults={"seat_id": seat}
        )
        for kind_of_project, places, *own_comuni in projects:
            number += 1
            project, is_new = SaiProject.objects.get_or_create(
                code=f"DEMO-SAI-{number:03d}",
                defaults={
                    "holder": holder,
                    "manager": managers[number % len(managers)],
                    "type": kind_of_project,
                    "places": places,
                    "start_date": START,
                    "end_date": END,
                    "status": SaiProject.Status.ACTIVE,
                    "is_demo": True,
                },
            )
            if not is_new:
                continue
            created += 1
            for item in own_comuni[0] if own_comuni else comuni:
                code, _, own = item.partition(":")
                SaiHosting.objects.create(project=project, comune_id=code, places=own or None)
            record_history(project, action="created", note="demo")
    total = SaiProject.objects.filter(is_demo=True)
    places = sum(total.values_list("places", flat=True))
    return f"SAI network: {total.count()} demo projects, {places} places ({created} created)."
