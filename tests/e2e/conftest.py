"""Browser tests drive Debian's Chromium through playwright (no browser download).

Without Chromium the tests are skipped, except where APPRODO_REQUIRE_BROWSER is set (CI),
where a missing browser is a failure."""

import os
import shutil
from pathlib import Path

import pytest

# The playwright sync API runs an event loop in the test thread; Django's ORM calls in fixtures
# and tests stay synchronous, so its async-safety guard is switched off for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
OFFLINE_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
    "--no-sandbox",
]


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain HTTP and builds its middleware once, at start-up, so the
    production HTTPS settings are switched off for the whole session before it starts."""
    from django.conf import settings

    for name in ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]:
        setattr(settings, name, False)
    settings.LANGUAGE_COOKIE_SECURE = False


def chromium_path() -> str | None:
    return shutil.which(os.environ.get("APPRODO_CHROMIUM", "chromium")) or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("APPRODO_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for browser tests but was not found.")
        pytest.skip("Chromium is not installed.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=OFFLINE_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    # Injected by the browser itself, so the page's strict CSP does not block it.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def tuscany(transactional_db):
    """Transactional tests start from an empty database: load the territory again."""
    from approdo.taxonomy.loading import load_taxonomies
    from approdo.territory.loading import load_territory

    load_territory()
    load_taxonomies()


def run_axe(page) -> list[dict]:
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))
            }));
        }"""
    )
