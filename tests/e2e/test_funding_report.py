"""A coordinator opens a call's report and downloads the PDF; the dashboard and the report
pass axe-core, for staff and for the public."""

from approdo.funding.tests.test_statistics import build_seed_call
from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in


def test_coordinator_opens_the_report_and_downloads_the_pdf(
    page, live_server, client, tuscany, anci_coordinator
):
    call = build_seed_call()
    sign_in(page, live_server, client, anci_coordinator)
    page.goto(f"/bandi/{call.slug}/rapporto/")
    assert page.locator("h1").inner_text().startswith("Rapporto sul bando")
    assert "il 92,5%" in page.locator(".report-narrative").inner_text()
    assert run_axe(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Rapporto (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"rapporto-{call.slug}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.goto(f"/bandi/{call.slug}/statistiche/")
    assert run_axe(page) == []


def test_public_dashboard_and_report_pass_axe(page, live_server, tuscany):
    call = build_seed_call(statistics_public=True)
    for path in (f"/bandi/{call.slug}/statistiche/", f"/bandi/{call.slug}/rapporto/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert "n.d." in page.content()
        assert run_axe(page) == [], path
