"""No page is wider than the screen, on a phone, a tablet or a laptop, in Italian and in Arabic
(right to left): every HTML page of the permission matrix that some role may open.

Each page is opened once per language, as the role with the most on it (staff pages carry the
most buttons); the home page as every role, since the menu differs by role and is the same on
every page. A page is loaded at the narrowest width, then the window is widened step by step; at
each width the document must not scroll sideways."""

import itertools
from urllib.parse import urlsplit

from django.test import Client

from tests.e2e.role_pages import html_pages_by_role, pages_to_open
from tests.markers import rendering_only
from tests.test_permission_matrix import cast, world  # noqa: F401 (fixtures)

pytestmark = rendering_only

LANGUAGES = ["it", "ar"]
WIDTHS = [375, 768, 1024, 1280]
HEIGHT = 800

# What sticks out: the widest elements whose right or left edge leaves the window and that are not
# inside a box that scrolls on its own (a .table-responsive, a pre).
OVERFLOWING = """() => {
  const width = innerWidth, found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
    let parent = element.parentElement, scrolls = false;
    while (parent && parent !== document.body) {
      const style = getComputedStyle(parent);
      if (style.overflowX !== "visible" && style.overflowX !== "clip") { scrolls = true; break; }
      parent = parent.parentElement;
    }
    if (!scrolls) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (typeof element.className === "string" && element.className
           ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      found.push(name + " [" + Math.round(box.left) + ", " + Math.round(box.right) + "]");
    }
    if (found.length >= 3) break;
  }
  return found;
}"""


def open_as(browser, live_server, user, language):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTHS[0], "height": HEIGHT}
    )
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        # A client of its own: logging it out afterwards would end the browser's session too.
        session = Client()
        session.force_login(user)
        cookies.append(
            {
                "name": "sessionid",
                "value": session.cookies["sessionid"].value,
                "url": live_server.url,
            }
        )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(60000)  # the call statistics draw their charts on the server
    return context, page


def test_no_page_is_wider_than_the_screen(browser, live_server, client, tuscany, world):  # noqa: F811
    pages = pages_to_open(html_pages_by_role(client, world))
    too_wide = []
    for language, role in itertools.product(LANGUAGES, pages):
        context, page = open_as(browser, live_server, world["cast"][role], language)
        for name, path in pages[role]:
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            response = page.goto(path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            # A page that sent the person elsewhere (the sign-in page) was not the page checked.
            assert urlsplit(page.url).path == urlsplit(path).path, f"{role} {path}: at {page.url}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    culprits = page.evaluate(OVERFLOWING)
                    too_wide.append(
                        f"{language} {role} {path} ({name}) at {width} px: {scroll_width} px"
                        f" wide; sticking out: {culprits}"
                    )
        context.close()
    assert too_wide == [], "\n".join(too_wide)
