import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from approdo.reports.actions import recover_stale_exports, request_export
from approdo.reports.datasets import Dataset, DatasetError, Sheet, register_dataset
from approdo.reports.models import Export
from approdo.reports.tasks import build_export


def export_for(user, fmt="csv", **params):
    return request_export(
        by=user, dataset="survey_responses", fmt=fmt, params={"campaign": "reports-test", **params}
    )


def test_export_job_runs_on_commit_and_stores_the_file(
    campaign, anci_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_for(anci_coordinator)
        assert export.status == Export.Status.QUEUED
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert (export.row_count, export.expected_rows, export.progress) == (2, 2, 2)
    assert export.finished_at is not None
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "instance_id"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_export_job_writes_spreadsheets(campaign, analyst, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_for(analyst, fmt=fmt)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert export.file.name.endswith(f".{fmt}")
    if fmt == "xlsx":
        workbook = load_workbook(export.file.open("rb"), read_only=True)
        assert len(list(workbook.worksheets[0].iter_rows())) == 3


def test_running_a_finished_export_again_does_nothing(campaign, analyst):
    export = export_for(analyst)
    build_export.call(export.pk)
    export.refresh_from_db()
    name, finished = export.file.name, export.finished_at
    build_export.call(export.pk)
    export.refresh_from_db()
    assert (export.file.name, export.finished_at) == (name, finished)


class ShortDataset(Dataset):
    """Claims more rows than it yields: the export must fail, not report success."""

    def can_export(self, user, params):
        return True

    def sheets(self, params):
        return [Sheet(title="short", headers=["a"], rows=iter([[1]]), expected=2)]


def test_an_export_with_missing_rows_fails_loudly(db, analyst):
    register_dataset("test_short", ShortDataset())
    export = request_export(by=analyst, dataset="test_short", fmt="csv", params={})
    with pytest.raises(RuntimeError, match="1 rows written, 2 expected"):
        build_export.call(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "2 expected" in export.error
    assert not export.file


def test_members_of_organisations_may_not_export_survey_responses(campaign, prato_member):
    with pytest.raises(PermissionDenied):
        export_for(prato_member)
    assert not Export.objects.exists()


def test_unknown_dataset_or_format_is_refused(campaign, analyst):
    with pytest.raises(DatasetError):
        request_export(by=analyst, dataset="nope", fmt="csv", params={})
    with pytest.raises(DatasetError):
        export_for(analyst, fmt="pdf")


# -- Pages ------------------------------------------------------------------------------------


def test_create_view_queues_and_redirects_to_the_job(
    client, campaign, analyst, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:export-create"),
            {"dataset": "survey_responses", "fmt": "csv", "param_campaign": "reports-test"},
        )
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export-detail", kwargs={"pk": export.pk})
    assert export.params["campaign"] == "reports-test"


def test_create_view_refuses_members_and_get(client, campaign, coop_member):
    client.force_login(coop_member)
    url = reverse("reports:export-create")
    assert client.get(url).status_code == 405
    data = {"dataset": "survey_responses", "fmt": "csv", "param_campaign": "reports-test"}
    assert client.post(url, data).status_code == 403
    assert client.post(url, {**data, "dataset": "nope"}).status_code == 404


def test_detail_polls_until_done_then_links_the_download(client, campaign, analyst):
    export = export_for(analyst)
    client.force_login(analyst)
    url = reverse("reports:export-detail", kwargs={"pk": export.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b'hx-trigger="every 2s"' in page.content
    build_export.call(export.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert b"<h1>" not in fragment.content
    assert b"hx-trigger" not in fragment.content
    assert reverse("reports:export-download", kwargs={"pk": export.pk}).encode() in fragment.content


def test_download_for_the_requester_and_regional_roles_only(
    client, campaign, analyst, regione_admin, coop_member, anci_coordinator
):
    export = export_for(analyst)
    build_export.call(export.pk)
    url = reverse("reports:export-download", kwargs={"pk": export.pk})
    for user, expected in (
        (analyst, 200),
        (regione_admin, 200),
        (anci_coordinator, 200),
        (coop_member, 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert b"instance_id" in b"".join(response.streaming_content)
    client.logout()
    assert client.get(url).status_code == 302


def test_another_analyst_cannot_see_or_download(client, campaign, analyst, anci):
    from approdo.organizations.tests.factories import make_user

    other = make_user("other.analyst@example.org", organization=anci, role="analyst")
    export = export_for(analyst)
    build_export.call(export.pk)
    client.force_login(other)
    assert client.get(reverse("reports:export-detail", kwargs={"pk": export.pk})).status_code == 404
    assert (
        client.get(reverse("reports:export-download", kwargs={"pk": export.pk})).status_code == 404
    )


def test_download_of_an_unfinished_export_is_404(client, campaign, analyst):
    export = export_for(analyst)
    client.force_login(analyst)
    assert (
        client.get(reverse("reports:export-download", kwargs={"pk": export.pk})).status_code == 404
    )


def stuck_export(user, *, attempts=1, silent_for=timedelta(minutes=11)):
    """An export left `running` by a worker that died `silent_for` ago."""
    export = export_for(user)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING,
        attempts=attempts,
        started_at=timezone.now() - silent_for,
        heartbeat_at=timezone.now() - silent_for,
    )
    return export


def test_an_export_whose_worker_died_is_built_again(
    campaign, anci_coordinator, django_capture_on_commit_callbacks
):
    export = stuck_export(anci_coordinator)
    alive = stuck_export(anci_coordinator, silent_for=timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stale_exports() == 1
    export.refresh_from_db()
    assert (export.status, export.row_count, export.attempts) == (Export.Status.DONE, 2, 2)
    alive.refresh_from_db()
    assert alive.status == Export.Status.RUNNING  # still reporting progress: left alone


def test_an_export_that_keeps_dying_fails_with_the_reason(campaign, anci_coordinator):
    export = stuck_export(anci_coordinator, attempts=3)
    assert recover_stale_exports() == 1
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert export.error and export.finished_at


def test_watching_a_stuck_export_queues_it_again(
    campaign, anci_coordinator, client, django_capture_on_commit_callbacks
):
    export = stuck_export(anci_coordinator)
    client.force_login(anci_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:export-detail", kwargs={"pk": export.pk}))
    assert response.status_code == 200
    export.refresh_from_db()
    assert export.status == Export.Status.DONE


def test_only_the_shared_writers_write_spreadsheets():
    """One export path: a CSV, XLSX or ODS file is written by reports/writers.py, from a
    registered dataset; any other writer would be a second answer to the same question."""
    root = Path(__file__).resolve().parents[2]
    writing = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|office:document-content")
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and writing.search(path.read_text(encoding="utf-8"))
    )
    assert writers == ["reports/writers.py"]
