"""Meetings with institutions: filtering, the month grid, the export dataset (changes are
recorded by governance/actions.py)."""

import calendar as calendar_module
import datetime
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.governance import permissions
from approdo.governance.models import FollowUpAction, Meeting
from approdo.reports.datasets import Dataset, DatasetError, Sheet
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


FILTERS = ("type", "asl", "zona", "date_from", "date_to")


class Meetings(Dataset):
    """ "meetings": meetings with institutions and their follow-up actions, two sheets, as the
    meetings list filters them (its parameters: type, asl, zona, date_from, date_to; a filter
    that is not valid filters nothing, as on the list). Minutes are left out: they never leave
    the meeting page. The rows are those user `user` sees, and only that user may export
    them."""

    title = "meetings"

    def clean_params(self, params: dict) -> dict:
        try:
            user = int(params["user"])
        except (KeyError, TypeError, ValueError):
            raise DatasetError(_("Say whose meetings to export.")) from None
        form = _filter_form(params)
        chosen = {name: form.data[name] for name in FILTERS if form.data.get(name)}
        return {"user": user, **(chosen if form.is_valid() else {})}

    def can_export(self, user, params: dict) -> bool:
        return user.pk == params["user"] and permissions.can_see_meetings(user)

    def filename(self, params: dict) -> str:
        return f"incontri-{timezone.localdate().isoformat()}"

    def sheets(self, params: dict) -> list[Sheet]:
        user = get_user_model().objects.get(pk=params["user"])
        form = _filter_form(params)
        form.is_valid()  # checked by clean_params
        meetings = filter_meetings(permissions.meetings_visible_to(user), **form.cleaned_data)
        meetings = meetings.order_by("starts_at", "pk")
        actions = FollowUpAction.objects.filter(meeting__in=meetings.values("pk"))
        actions = actions.select_related("meeting", "owner").order_by(
            "meeting__starts_at", "meeting__pk", "due_date", "pk"
        )
        return [
            Sheet(
                title=_("Meetings"),
                headers=[
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
                ],
                rows=_meeting_rows(meetings),
                expected=meetings.count(),
            ),
            Sheet(
                title=_("Follow-up actions"),
                headers=[
                    _("Meeting id"),
                    _("Meeting"),
                    _("Action"),
                    _("Owner"),
                    _("Due date"),
                    _("Status"),
                    _("Overdue"),
                    _("Completed at"),
                ],
                rows=(_action_row(action) for action in actions.iterator(chunk_size=500)),
                expected=actions.count(),
            ),
        ]


def _filter_form(params: dict):
    from approdo.governance.forms_institutions import MeetingFilterForm

    return MeetingFilterForm({name: params.get(name, "") for name in FILTERS})


def _meeting_rows(meetings) -> Iterator[list]:
    meetings = meetings.prefetch_related("asls", "zone", "provinces", "comuni", "organizations")
    for meeting in meetings.iterator(chunk_size=500):
        territories = [
            *meeting.asls.all(),
            *meeting.zone.all(),
            *meeting.provinces.all(),
            *meeting.comuni.all(),
        ]
        yield [
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


def _action_row(action: FollowUpAction) -> list:
    return [
        action.meeting.pk,
        action.meeting.title,
        action.description,
        action.owner_label,
        action.due_date,
        action.get_status_display(),
        _("yes") if action.overdue else _("no"),
        _local(action.completed_at),
    ]


def datasets() -> dict[str, Dataset]:
    """The governance datasets, by name (declared in GovernanceConfig)."""
    return {"meetings": Meetings()}


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
