"""The fixed cast of users every test can rely on, and the Tuscan territory loaded once."""

import pytest

from approdo.organizations.tests.factories import make_organization, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from approdo.taxonomy.loading import load_taxonomies
    from approdo.territory.loading import load_territory

    with django_db_blocker.unblock():
        load_territory()
        load_taxonomies()


@pytest.fixture
def regione(db):
    return make_organization("Regione Toscana", "regione", tax_code="01386030488")


@pytest.fixture
def anci(db):
    return make_organization("ANCI Toscana", "associazione", tax_code="94008150487")


@pytest.fixture
def prato(db):
    from django.utils import timezone

    # A coordinator has verified that it is the Comune of its seat (governance scope).
    return make_organization(
        "Comune di Prato",
        "comune",
        tax_code="84006890481",
        seat_id="100005",
        territory_verified_at=timezone.now(),
    )


@pytest.fixture
def coop(db):
    return make_organization("Cooperativa Sociale Il Ponte", "cooperativa_sociale")


@pytest.fixture
def other_coop(db):
    return make_organization("Associazione Mondo Aperto", "aps")


@pytest.fixture
def regione_admin(regione):
    return make_user(
        "admin@regione.toscana.it", organization=regione, role="regional_admin", totp=True
    )


@pytest.fixture
def anci_coordinator(anci):
    return make_user(
        "coordinatore@ancitoscana.it", organization=anci, role="coordinator", totp=True
    )


@pytest.fixture
def analyst(anci):
    return make_user("analista@ancitoscana.it", organization=anci, role="analyst")


@pytest.fixture
def prato_member(prato):
    return make_user("operatore@comune.prato.it", organization=prato, role="org_manager")


@pytest.fixture
def coop_member(coop):
    return make_user("operatore@ilponte.example", organization=coop, role="org_manager")


@pytest.fixture
def other_coop_member(other_coop):
    return make_user("operatore@mondoaperto.example", organization=other_coop, role="org_member")


@pytest.fixture
def zona_officer(db):
    from approdo.territory.models import Zona

    sds = make_organization("Società della Salute Area Pratese", "sds")
    return make_user(
        "ufficio@sds.prato.example",
        organization=sds,
        role="territory_viewer",
        zona=Zona.objects.get(slug="pratese"),
    )


@pytest.fixture(autouse=True)
def _test_server_settings(settings, tmp_path):
    # Tests speak plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    # Uploaded files of a test go to a folder of its own, never into the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing strength is not under test; a fast hasher keeps the cast cheap to create.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Templates render without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
