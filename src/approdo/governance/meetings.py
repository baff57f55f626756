"""Meetings with institutions: filtering, the month grid, the XLSX export (changes are
recorded by governance/actions.py)."""

import calendar as calendar_module
import datetime
import io

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from approdo.governance.models import Meeting
from approdo.reports.writers import xml_cell
from approdo.territory.models import ComuneZona, Zona


def filter_meetings(queryset, *, type=None, asl=None, zona=None, date_from=None, date_to=None):
    if type:
        queryset = queryset.filter(type=type)
    if zona is not None or asl is not None:
        links = ComuneZona.objects.valid_on()
        if zona is not None:
            comuni = links.filter(zona=zona).values("comune")
            zone = [zona.pk]
            asls = [zona.asl_id]
        else:
            comuni = links.filter(zona__asl=asl).values("comune")
            zone = Zona.objects.filter(asl=asl).values("pk")
            asls = [asl.pk]
        condition = (
            Q(pk__in=Meeting.zone.through.objects.filter(zona_id__in=zone).values("meeting_id"))
            | Q(pk__in=Meeting.asls.through.objects.filter(asl_id__in=asls).values("meeting_id"))
            | Q(
                pk__in=Meeting.comuni.through.objects.filter(comune_id__in=comuni).values(
                    "meeting_id"
                )
            )
        )
        queryset = queryset.filter(condition)
    if date_from:
        queryset = queryset.filter(starts_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(starts_at__date__lte=date_to)
    return queryset


def month_grid(year: int, month: int, meetings) -> list[list[tuple[datetime.date, list]]]:
    """Weeks (Monday first) of (day, meetings that day) covering the month, with the days of
    the neighbouring months that complete the first and last week."""
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes bounding the month's grid (from its first Monday to after its last
    Sunday), in the current time zone."""
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(last, datetime.time.min, tzinfo=zone),
    )


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def export_xlsx(meetings) -> bytes:
    """Meetings and their follow-up actions as a workbook of two sheets; minutes are left out
    (they never leave the meeting page), every text cell guarded against formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Meetings"))
    sheet.append(
        [
            xml_cell(h)
            for h in [
                _("Id"),
                _("Type"),
                _("Title"),
                _("Starts at"),
                _("Ends at"),
                _("Mode"),
                _("Place"),
                _("Territories"),
                _("Participating organisations"),
                _("Participants"),
                _("Agenda"),
                _("Decisions"),
            ]
        ]
    )
    actions_sheet = workbook.create_sheet(_("Follow-up actions"))
    actions_sheet.append(
        [
            xml_cell(h)
            for h in [
                _("Meeting id"),
                _("Meeting"),
                _("Action"),
                _("Owner"),
                _("Due date"),
                _("Status"),
                _("Overdue"),
                _("Completed at"),
            ]
        ]
    )
    meetings = meetings.prefetch_related(
        "asls", "zone", "provinces", "comuni", "organizations", "actions__owner"
    )
    for meeting in meetings:
        territories = [
            *meeting.asls.all(),
            *meeting.zone.all(),
            *meeting.provinces.all(),
            *meeting.comuni.all(),
        ]
        sheet.append(
            [
                xml_cell(value)
                for value in [
                    meeting.pk,
                    meeting.get_type_display(),
                    meeting.title,
                    _local(meeting.starts_at),
                    _local(meeting.ends_at),
                    meeting.get_mode_display(),
                    meeting.place,
                    "; ".join(str(t) for t in territories),
                    "; ".join(str(o) for o in meeting.organizations.all()),
                    meeting.participants,
                    meeting.agenda,
                    meeting.decisions,
                ]
            ]
        )
        for action in meeting.actions.all():
            actions_sheet.append(
                [
                    xml_cell(value)
                    for value in [
                        meeting.pk,
                        meeting.title,
                        action.description,
                        action.owner_label,
                        action.due_date,
                        action.get_status_display(),
                        _("yes") if action.overdue else _("no"),
                        _local(action.completed_at),
                    ]
                ]
            )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
