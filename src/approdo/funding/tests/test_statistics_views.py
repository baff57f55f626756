"""The statistics dashboard, its map data and the report page: who sees them, and that public
pages never show a suppressed figure."""

import re

import pytest
from django.urls import reverse

from approdo.funding.tests.test_statistics import build_seed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_call():
    return build_seed_call(statistics_public=True)


def page(client, name, call, **query):
    return client.get(reverse(f"funding:{name}", kwargs={"slug": call.slug}), query)


def row_of(html: str, label: str) -> str:
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return match.group(1)


def test_the_public_dashboard_hides_small_cells(client, public_call):
    response = page(client, "statistics", public_call)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<figure" in html and "<svg" in html and "<caption>" in html
    row = row_of(html, "mediazione culturale")  # 4 projects
    assert "n.d." in row and ">4<" not in row
    assert ">37<" in row_of(html, "orientamento ai servizi")
    assert "Come è calcolato" in html


def test_staff_see_exact_figures_and_can_preview_the_public_ones(
    client, public_call, anci_coordinator
):
    client.force_login(anci_coordinator)
    html = page(client, "statistics", public_call).content.decode()
    assert ">4<" in row_of(html, "mediazione culturale")
    html = page(client, "statistics", public_call, view="public").content.decode()
    assert "n.d." in row_of(html, "mediazione culturale")
    assert "rapporto.pdf?view=public" in html


def test_the_map_data_applies_suppression(client, public_call):
    response = page(client, "statistics-geojson", public_call)
    assert response["Content-Type"] == "application/geo+json"
    for feature in response.json()["features"]:
        projects = feature["properties"]["projects"]
        assert projects is None or projects == 0 or projects >= 5


def test_private_statistics_need_staff(client, coop_member, analyst):
    call = build_seed_call()
    response = page(client, "report", call)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(coop_member)
    assert page(client, "report", call).status_code == 403
    client.force_login(analyst)
    assert page(client, "report", call).status_code == 200


def test_unknown_call_is_404_and_post_is_405(client, public_call):
    url = reverse("funding:statistics", kwargs={"slug": "nessuno"})
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("funding:report", kwargs={"slug": public_call.slug})).status_code == 405
    )


def test_charts_escape_labels():
    from approdo.reports.charts import Bar, bar_chart

    svg = bar_chart([Bar("<script>x</script>", 5, "5")], title="<b>t</b>", axis_title="n").svg()
    assert "<script>" not in svg and "<b>" not in svg


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_pages_render_in_every_language(client, public_call, language):
    client.cookies["django_language"] = language
    for name in ("statistics", "report"):
        response = page(client, name, public_call)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
