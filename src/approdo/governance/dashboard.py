"""The governance dashboard of each ASL area (the seed organises the work by the three ASL):
its zone with SAI coverage, pipeline counts, recent and upcoming meetings, overdue actions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from approdo.governance import permissions
from approdo.governance import pipeline as pipeline_logic
from approdo.governance.coverage import coverage_of, load_network
from approdo.governance.meetings import filter_meetings
from approdo.governance.models import FollowUpAction
from approdo.territory.models import ASL, Zona

MEETINGS_SHOWN = 8


def _dashboard_crumb():
    return (_("Governance by ASL"), reverse("governance:asl-index"))


@require_safe
def asl_index(request):
    asls = list(permissions.asls_visible_to(request.user).defer("geometry").order_by("name"))
    if not asls:
        raise PermissionDenied
    entries = permissions.pipeline_entries_visible_to(request.user)
    cards = [
        {
            "asl": asl,
            "counts": pipeline_logic.counts_by_status(
                pipeline_logic.filter_entries(entries, asl=asl)
            ),
        }
        for asl in asls
    ]
    context = {"cards": cards, "breadcrumbs": [(_("Governance by ASL"), None)]}
    return render(request, "governance/dashboard/index.html", context)


def asl_figures(asl: ASL, user, *, year: int | None = None) -> dict:
    """Everything the dashboard of `asl` shows, limited to what `user` may see."""
    network = load_network(year=year)
    zone = list(
        Zona.objects.filter(asl=asl).defer("geometry").prefetch_related("societa_della_salute")
    )
    slugs = {zona.slug for zona in zone}
    zona_rows = [row for row in coverage_of(network, "zona").rows if row.key in slugs]
    asl_coverage = coverage_of(network, "asl")
    asl_row = next((row for row in asl_coverage.rows if row.key == asl.slug), None)
    region_row = asl_coverage.region_of(asl_row) if asl_row is not None else None

    entries = pipeline_logic.filter_entries(permissions.pipeline_entries_visible_to(user), asl=asl)
    now = timezone.now()
    meetings = filter_meetings(permissions.meetings_visible_to(user), asl=asl)
    recent = meetings.filter(starts_at__lt=now).order_by("-starts_at")[:MEETINGS_SHOWN]
    upcoming = meetings.filter(starts_at__gte=now).order_by("starts_at")[:MEETINGS_SHOWN]
    overdue = (
        FollowUpAction.objects.overdue()
        .filter(meeting__in=meetings.values("pk"))
        .select_related("meeting", "owner")
        .order_by("due_date", "pk")
    )
    return {
        "year": network.year,
        "zona_rows": zona_rows,
        "asl_row": asl_row,
        "region_row": region_row,
        "counts": pipeline_logic.counts_by_status(entries),
        "entries_total": entries.count(),
        "recent": list(recent),
        "upcoming": list(upcoming),
        "overdue": list(overdue),
    }


@require_safe
def asl_dashboard(request, slug):
    visible = permissions.asls_visible_to(request.user)
    asl = ASL.objects.defer("geometry").filter(slug=slug).first()
    if asl is None:
        raise Http404
    if not visible.filter(pk=asl.pk).exists():
        raise PermissionDenied
    context = {
        "asl": asl,
        **asl_figures(asl, request.user),
        "breadcrumbs": [_dashboard_crumb(), (asl.name, None)],
    }
    return render(request, "governance/dashboard/asl.html", context)
