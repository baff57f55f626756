"""Demo organisations and one account per role, for `approdo demo`; running it twice changes
nothing."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from approdo.organizations.models import Membership, Organization, User
from approdo.territory.models import ASL, SocietaDellaSalute, UnioneComuni, Zona

BODY_KINDS = {"comune", "unione_comuni", "sds"}

DEMO_PASSWORD = "approdo-demo-2026"
# A fixed secret so the demo's two-factor accounts can be added to an authenticator app once.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPAPPRODO2"

ORGANIZATIONS = [
    # name, kind, seat ISTAT code, tax code
    ("Regione Toscana", "regione", "048017", "01386030488"),
    ("ANCI Toscana", "associazione", "048017", ""),
    ("Comune di Firenze", "comune", "048017", "01307110484"),
    ("Comune di Prato", "comune", "100005", "84006890481"),
    ("Comune di Pisa", "comune", "050026", ""),
    ("Comune di Livorno", "comune", "049009", ""),
    ("Comune di Arezzo", "comune", "051002", ""),
    ("Comune di Siena", "comune", "052032", ""),
    ("Comune di Grosseto", "comune", "053011", ""),
    ("Unione dei Comuni del Mugello", "unione_comuni", "048004", ""),
    ("Società della Salute Area Pratese", "sds", "100005", ""),
    ("Società della Salute di Firenze", "sds", "048017", ""),
    ("Società della Salute della Zona Pisana", "sds", "050026", ""),
    ("Società della Salute Senese", "sds", "052032", ""),
    ("Azienda USL Toscana centro", "asl", "048017", ""),
    ("Prefettura - UTG di Firenze", "prefettura", "048017", ""),
    ("Prefettura - UTG di Prato", "prefettura", "100005", ""),
    ("Prefettura - UTG di Pisa", "prefettura", "050026", ""),
    ("Cooperativa Sociale Il Ponte", "cooperativa_sociale", "048017", ""),
    ("Cooperativa Sociale Approdi Solidali", "cooperativa_sociale", "100005", ""),
    ("Associazione Mondo Aperto APS", "aps", "050026", ""),
    ("Volontari per l'Accoglienza ODV", "odv", "052032", ""),
    ("Fondazione Casa Comune", "fondazione", "049009", ""),
    ("Impresa Sociale Lavoro e Dignità", "impresa_sociale", "051002", ""),
]

ACCOUNTS = [
    # e-mail, name, organisation, role, scope
    ("admin@regione.example.org", "Giulia Bianchi", "Regione Toscana", "regional_admin", {}),
    ("coordinatore@anci.example.org", "Marco Rossi", "ANCI Toscana", "coordinator", {}),
    ("analista@anci.example.org", "Sara Conti", "ANCI Toscana", "analyst", {}),
    ("referente@comune-prato.example.org", "Luca Ferri", "Comune di Prato", "org_manager", {}),
    (
        "operatrice@ilponte.example.org",
        "Amina Diallo",
        "Cooperativa Sociale Il Ponte",
        "org_member",
        {},
    ),
    (
        "ufficio@sds-pratese.example.org",
        "Paolo Neri",
        "Società della Salute Area Pratese",
        "territory_viewer",
        {"zona": "pratese"},
    ),
]


@transaction.atomic
def create_demo_data() -> str:
    """Create the demo organisations and accounts; return the accounts to sign in with."""
    organizations = {}
    for name, kind, seat, tax_code in ORGANIZATIONS:
        organizations[name], _ = Organization.objects.get_or_create(
            name=name, kind=kind, defaults={"seat_id": seat, "tax_code": tax_code}
        )
        verify_territory_link(organizations[name])
    accounts = []
    for email, full_name, org_name, role, scope in ACCOUNTS:
        user = demo_user(email, full_name)
        scope_objects = {}
        if "zona" in scope:
            scope_objects["zona"] = Zona.objects.get(slug=scope["zona"])
        if "asl" in scope:
            scope_objects["asl"] = ASL.objects.get(slug=scope["asl"])
        Membership.objects.get_or_create(
            user=user,
            organization=organizations[org_name],
            defaults={"role": role, **scope_objects},
        )
        two_factor = role in {"regional_admin", "coordinator"}
        if two_factor and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
        marker = "  [two-factor]" if two_factor else ""
        accounts.append(f"  {email:<40} {role:<17} {org_name}{marker}")
    return "\n".join(
        [
            f"Demo accounts (password: {DEMO_PASSWORD})",
            *accounts,
            f"Two-factor accounts use the TOTP secret {DEMO_TOTP_SECRET}: add it to an "
            "authenticator app, or print a code with `oathtool --totp -b SECRET`.",
        ]
    )


def verify_territory_link(organization: Organization) -> None:
    """Link the demo's Comuni, Unioni and SdS to their territory and mark the link verified, as
    a coordinator would (the demo's bodies see their own governance records)."""
    if organization.territory_verified or organization.kind not in BODY_KINDS:
        return
    if organization.kind == "unione_comuni":
        organization.unione = UnioneComuni.objects.filter(name__iexact=organization.name).first()
    elif organization.kind == "sds":
        organization.sds = SocietaDellaSalute.objects.filter(name__iexact=organization.name).first()
    if organization.kind == "comune" or organization.unione or organization.sds:
        organization.territory_verified_at = timezone.now()
        organization.save(update_fields=["unione", "sds", "territory_verified_at"])


def demo_user(email: str, full_name: str) -> User:
    first, last = full_name.split(" ", 1)
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
