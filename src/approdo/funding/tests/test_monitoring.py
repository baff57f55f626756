import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approdo.funding import monitoring, tasks
from approdo.funding.models import (
    Indicator,
    IndicatorValue,
    MonitoringReport,
    Project,
    ReportingDeadline,
)
from approdo.funding.tests.factories import make_project

pytestmark = pytest.mark.usefixtures("_pages_in_english")


@pytest.fixture
def funded(call, prato):
    return make_project(call, prato, code="F-1", status="funded")


@pytest.fixture
def indicator(call):
    return Indicator.objects.create(
        call=call, code="persone", name="Persone", unit="persone", target=100
    )


def _csv_rows(text: str):
    return monitoring.read_indicator_csv(text.encode())


def test_csv_round_trip_updates_values(call, funded, indicator, anci_coordinator):
    ReportingDeadline.objects.create(call=call, title="S1", due_date=datetime.date(2024, 6, 30))
    exported = monitoring.indicator_values_csv(call)
    lines = exported.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("project_code,indicator_code,period,planned,achieved")
    assert lines[1].startswith("F-1,persone,2024-06-30,,,")
    edited = "\n".join([lines[0], lines[1].replace("2024-06-30,,", "2024-06-30,40,35", 1)])
    result = monitoring.upload_indicator_values(call, _csv_rows(edited), by=anci_coordinator)
    assert result.errors == [] and result.changed == 1
    value = IndicatorValue.objects.get()
    assert (value.planned, value.achieved) == (Decimal(40), Decimal(35))
    # the new export holds the values, and uploading it again changes nothing
    again = monitoring.indicator_values_csv(call)
    assert "F-1,persone,2024-06-30,40.00,35.00" in again
    assert (
        monitoring.upload_indicator_values(call, _csv_rows(again), by=anci_coordinator).changed == 0
    )
    [progress] = monitoring.call_progress(call)
    assert (progress.planned, progress.achieved, progress.percent) == (
        Decimal(40),
        Decimal(35),
        Decimal("87.5"),
    )


def test_bad_rows_are_all_reported_and_nothing_changes(call, funded, indicator, anci_coordinator):
    text = "\n".join(
        [
            "project_code,indicator_code,period,planned,achieved",
            "F-1,persone,2024-06-30,10,5",
            "X-9,persone,2024-06-30,1,1",
            "F-1,ignoto,2024-06-30,1,1",
            "F-1,persone,30/06/2024,1,1",
            "F-1,persone,2024-12-31,tanti,1",
            "F-1,persone,2024-06-30,3,3",
        ]
    )
    result = monitoring.upload_indicator_values(call, _csv_rows(text), by=anci_coordinator)
    assert [e.line for e in result.errors] == [3, 4, 5, 6, 7]
    assert "unknown funded project" in result.errors[0].reasons[0]
    assert "unknown indicator" in result.errors[1].reasons[0]
    assert "bad period" in result.errors[2].reasons[0]
    assert "bad number" in result.errors[3].reasons[0]
    assert "same value as line 2" in result.errors[4].reasons[0]
    assert not IndicatorValue.objects.exists()


def test_upload_page(client, call, funded, indicator, anci_coordinator, analyst):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("funding:indicator-values-upload", args=[call.slug])
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    client.force_login(anci_coordinator)
    bad = SimpleUploadedFile(
        "v.csv", b"project_code,indicator_code,period,planned,achieved\nZ,persone,2024-06-30,1,1\n"
    )
    page = client.post(url, {"file": bad})
    assert page.status_code == 422 and "unknown funded project" in page.content.decode()
    good = SimpleUploadedFile(
        "v.csv",
        b"project_code,indicator_code,period,planned,achieved\nF-1,persone,2024-06-30,1,1\n",
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert IndicatorValue.objects.count() == 1


def test_late_flag(call, funded):
    deadline = ReportingDeadline.objects.create(
        call=call, title="S1", due_date=datetime.date(2024, 6, 30)
    )
    report = MonitoringReport.objects.create(project=funded, deadline=deadline)
    assert report.is_late(datetime.date(2024, 7, 1))
    assert not report.is_late(datetime.date(2024, 6, 30))
    report.submitted_at = datetime.datetime(2024, 6, 29, 10, tzinfo=datetime.UTC)
    assert not report.late
    report.submitted_at = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)
    assert report.late


def test_reminders_are_sent_once(call, funded, prato_member):
    today = timezone.localdate()
    deadline = ReportingDeadline.objects.create(
        call=call, title="S1", due_date=today + datetime.timedelta(days=2)
    )
    MonitoringReport.objects.create(project=funded, deadline=deadline)
    assert tasks.send_report_reminders(today) == 1
    assert tasks.send_report_reminders(today) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [prato_member.email]
    assert "S1" in mail.outbox[0].subject
    # after the due date, a late reminder, also once
    assert tasks.send_report_reminders(today + datetime.timedelta(days=5)) == 0
    later = today + datetime.timedelta(days=10)
    assert tasks.send_report_reminders(later) == 1
    assert tasks.send_report_reminders(later) == 0


def test_sent_reports_get_no_reminder(call, funded, prato_member):
    today = timezone.localdate()
    deadline = ReportingDeadline.objects.create(
        call=call, title="S1", due_date=today + datetime.timedelta(days=2)
    )
    MonitoringReport.objects.create(project=funded, deadline=deadline, submitted_at=timezone.now())
    assert tasks.send_report_reminders(today) == 0


def test_monitoring_page(client, call, funded, indicator, analyst, prato_member):
    client.force_login(analyst)
    assert client.get(reverse("funding:monitoring", args=[call.slug])).status_code == 200
    assert client.get(reverse("funding:indicator-values-csv", args=[call.slug])).status_code == 200
    client.force_login(prato_member)
    assert client.get(reverse("funding:monitoring", args=[call.slug])).status_code == 403


def test_a_project_past_its_end_date_shows_as_completed_unless_reports_go_on(call, prato):
    project = make_project(
        call,
        prato,
        code="P-OLD",
        status="funded",
        progress="ongoing",
        start_date=datetime.date(2020, 1, 15),
        end_date=datetime.date(2021, 6, 30),
    )
    ongoing, completed = Project.Progress.ONGOING, Project.Progress.COMPLETED
    assert project.progress_on(datetime.date(2021, 6, 30)) == ongoing  # the last day: still on
    assert project.progress_on(datetime.date(2026, 12, 3)) == completed
    indicator = Indicator.objects.create(call=call, code="persone", name="Persone")
    IndicatorValue.objects.create(  # a plan for later says nothing: only achieved values do
        project=project,
        indicator=indicator,
        period=datetime.date(2021, 12, 31),
        planned=Decimal(5),
    )
    assert project.progress_on(datetime.date(2026, 12, 3)) == completed
    IndicatorValue.objects.filter(project=project).update(achieved=Decimal(4))
    assert project.progress_on(datetime.date(2026, 12, 3)) == ongoing  # reported after the end
    project.refresh_from_db()
    assert project.progress == "ongoing"  # derived when read, never stored


def test_the_project_page_shows_the_derived_progress(client, call, prato, analyst):
    project = make_project(
        call,
        prato,
        code="P-OLD",
        status="funded",
        progress="ongoing",
        end_date=datetime.date(2021, 6, 30),
    )
    client.force_login(analyst)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'project-progress">Completed<' in page
