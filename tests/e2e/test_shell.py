"""The shell in a real browser: two-factor login, Arabic right-to-left, keyboard navigation."""

import re

from playwright.sync_api import expect

from approdo.organizations.tests.factories import PASSWORD, totp_code


def test_coordinator_logs_in_with_two_factor(page, tuscany, anci_coordinator):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(anci_coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Accedi|Sign In", re.I)).click()
    code_input = page.locator("input[name=code]")
    expect(code_input).to_be_visible()
    code_input.fill(totp_code())
    code_input.press("Enter")
    expect(page.locator("h1")).to_have_text(
        re.compile("Cruscotto di coordinamento|Coordination dashboard")
    )


def test_arabic_lays_the_page_out_right_to_left(page, tuscany):
    page.goto("/")
    page.select_option("#language-select", "ar")
    page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == "rtl"
    # The brand sits on the right-hand side of the header in a right-to-left layout.
    brand = page.locator(".it-brand-wrapper").bounding_box()
    viewport = page.viewport_size
    assert brand["x"] + brand["width"] > viewport["width"] / 2


def tab_to(page, text: str, href: str, limit: int = 250) -> None:
    """Press Tab until the focused link reads `text` and leads to `href`, as a keyboard user
    would (two links may share a name, such as the province and the comune of Prato)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? [e.innerText || '', e.getAttribute('href') || ''] : ['', '']; }"
        )
        if focused[0].strip() == text and focused[1].endswith(href):
            return
    raise AssertionError(f"No link {text!r} to {href} within {limit} tabs")


def test_keyboard_reaches_a_comune_from_the_home_page(page, tuscany):
    page.goto("/")
    steps = [
        ("Territorio", "/territorio/"),
        ("Azienda USL Toscana centro", "/territorio/asl/centro/"),
        ("Pratese", "/territorio/zone/pratese/"),
        ("Prato", "/territorio/comuni/100005/"),
    ]
    for text, href in steps:
        tab_to(page, text, href)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("h1")).to_contain_text("Prato")
