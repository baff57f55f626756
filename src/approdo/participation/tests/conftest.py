import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages and pages are asserted in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
