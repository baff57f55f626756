import pytest
from django.utils import translation

from approdo.funding.tests.factories import add_criteria, make_call, make_project
from approdo.organizations.tests.factories import make_user


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def _pages_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def criteria(call):
    return add_criteria(call)


@pytest.fixture
def prato_application(call, prato):
    return make_project(call, prato, code="P-PRATO")


@pytest.fixture
def coop_application(call, coop):
    return make_project(call, coop, code="P-COOP")


@pytest.fixture
def reviewer(db):
    return make_user("esperta@valutazioni.example")
