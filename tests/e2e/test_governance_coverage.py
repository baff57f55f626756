"""SAI coverage in Chromium: the map's table is read by keyboard; coverage, gaps, "what if"
and the project pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import run_axe


@pytest.fixture
def network(tuscany):
    from approdo.governance.demo_sai import create_sai_demo

    create_sai_demo()


def test_coverage_table_is_read_by_keyboard(page, network):
    page.goto("/governance/copertura/?level=zona")
    table = page.locator("table.coverage-table")
    expect(table.locator("caption")).to_contain_text("Copertura SAI")
    # Tab from the "Show" button of the filters: past the map (out of the tab order) and its
    # SVG link, the first area of the table takes the focus.
    page.get_by_role("button", name="Mostra").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('table') !== null")
        if focused:
            break
    assert focused, "no link of the coverage table took the keyboard focus"
    name = page.evaluate("document.activeElement.textContent.trim()")
    row = table.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^\d"))  # places of that area
    assert run_axe(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/governance/copertura/",
        "/governance/copertura/?level=comune&year=2024",
        "/governance/copertura/divari/",
        "/governance/copertura/simulazione/",
        "/governance/copertura/simulazione/?places=20&type=msna&comuni=051002&comuni=051026",
        "/governance/sai/",
    ],
)
def test_pages_pass_axe(page, network, path):
    response = page.goto(path)
    assert response.status == 200
    assert run_axe(page) == [], path


def test_what_if_by_keyboard_updates_in_place(page, network):
    page.goto("/governance/copertura/simulazione/")
    page.get_by_role("spinbutton", name="Posti").fill("30")
    comuni = page.locator("#id_comuni")
    comuni.select_option(["051002", "051026"])
    page.get_by_role("button", name="Mostra l'effetto").press("Enter")
    result = page.locator("#what-if-result")
    expect(result.locator("table").first).to_contain_text("Arezzo")
    expect(result).to_contain_text("→")
    assert run_axe(page) == []
