"""The shell in a real browser: two-factor login, Arabic right-to-left, keyboard navigation."""

import re

import pytest
from playwright.sync_api import expect

from approdo.organizations.tests.factories import PASSWORD, totp_code
from tests.e2e.conftest import run_axe


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
    page.locator("#language-toggle").click()
    page.locator("#language-form button[value=ar]").click()
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


def settled(page):
    """The page once its menus have finished opening (CSS animations and transitions): axe
    would otherwise read colours mid-fade."""
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
        ".map(a => a.finished))"
    )
    return page


def open_mobile_menu(page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".custom-navbar-toggler").click()
    expect(page.locator("#main-menu .menu-wrapper")).to_be_in_viewport()


def test_phone_menu_offers_sign_in_and_the_languages(page, tuscany):
    page.goto("/")
    open_mobile_menu(page)
    menu = page.locator("#main-menu")
    sign_in = menu.get_by_role("link", name=re.compile("^(Accedi|Sign in)$"))
    expect(sign_in).to_be_in_viewport()
    menu.locator("#mobile-language-form button[value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    open_mobile_menu(page)
    expect(page.locator("#mobile-language-form button[value=it]")).to_be_visible()


def test_phone_menu_offers_sign_out_and_the_staff_groups(
    page, live_server, client, tuscany, zona_officer
):
    client.force_login(zona_officer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/")
    open_mobile_menu(page)
    page.locator("#menu-governance").click()
    board = page.locator('#main-menu a[href="/governance/ricognizione/"]')
    expect(board).to_be_visible()
    sign_out = page.locator("#main-menu .mobile-menu-extra").get_by_role(
        "button", name=re.compile("^(Esci|Sign out)$")
    )
    sign_out.scroll_into_view_if_needed()
    sign_out.click()
    expect(page.locator("#account-toggle")).to_have_count(0)


@pytest.mark.parametrize("language", ["it", "ar"])
def test_header_menus_and_changed_pages_pass_axe(
    page, live_server, client, tuscany, anci_coordinator, language
):
    """The header with its menus open (phone and laptop), the catalogue with its filter button,
    the SAI coverage with its patterns and the pipeline board pass axe, left to right and right
    to left."""
    from approdo.governance.models import PipelineEntry

    PipelineEntry.objects.create(comune_id="100005")
    client.force_login(anci_coordinator)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )
    page.goto("/")
    open_mobile_menu(page)
    page.locator("#menu-governance").click()
    assert run_axe(settled(page)) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    page.locator("#menu-surveys").click()
    assert run_axe(settled(page)) == []
    page.locator("#account-toggle").click()
    assert run_axe(settled(page)) == []
    page.locator("#language-toggle").click()
    assert run_axe(settled(page)) == []
    for path in ["/buone-pratiche/", "/governance/copertura/", "/governance/ricognizione/"]:
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(path)
        assert run_axe(settled(page)) == [], path


# Labels whose box overlaps their own input, and selects drawing two arrows (their native one and
# .form-select's picture).
FORM_PROBLEMS = """() => {
  const problems = [];
  for (const label of document.querySelectorAll("label[for]")) {
    const input = document.getElementById(label.htmlFor);
    if (!input || input.type === "checkbox" || input.type === "radio" || input.type === "hidden")
      continue;
    const a = label.getBoundingClientRect(), b = input.getBoundingClientRect();
    if (a.width && b.width && a.bottom > b.top + 1 && a.top < b.bottom - 1
        && a.right > b.left + 1 && a.left < b.right - 1)
      problems.push("label over #" + input.id);
  }
  for (const select of document.querySelectorAll("select:not([multiple])")) {
    const style = getComputedStyle(select);
    if (style.appearance !== "none" && style.backgroundImage !== "none")
      problems.push("two arrows on #" + select.id);
  }
  return problems;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_form_labels_stand_clear_of_their_inputs(
    page, live_server, client, tuscany, anci_coordinator, width
):
    client.force_login(anci_coordinator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": width, "height": 800})
    organization = anci_coordinator.memberships.get().organization
    for path in [
        "/governance/incontri/nuovo/",
        f"/organizzazioni/{organization.pk}/modifica/",
        "/buone-pratiche/redazione/nuova/",
        "/segnalazioni/nuova/",
    ]:
        page.goto(path)
        assert page.evaluate(FORM_PROBLEMS) == [], path
