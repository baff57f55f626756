"""The statistics dashboard of a call, its zone map data and the call report with its
downloads. Public when the call publishes its statistics (suppressed figures), otherwise for
network staff (exact figures, or the public ones with ?view=public)."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_safe

from approdo.core.decorators import public
from approdo.funding import permissions, report
from approdo.funding.models import Call
from approdo.funding.statistics import call_statistics, shows_exact_figures
from approdo.reports.documents import (
    format_amount,
    format_count,
    format_percent,
    write_report_docx,
    write_report_xlsx,
)
from approdo.territory.models import Zona

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_page(view):
    """Fetch the call for `view(request, call, exact)`: 404 when the call is not visible to
    the reader; when its statistics are not public, the sign-in page for anonymous readers
    and 403 for the others. `exact`: whether the reader sees unsuppressed figures."""

    @public
    @require_safe
    @functools.wraps(view)
    def wrapper(request, slug):
        call = get_object_or_404(Call.objects.visible_to(request.user), slug=slug)
        if not permissions.can_see_call_statistics(request.user, call):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return view(request, call, shows_exact_figures(request.user, request.GET.get("view")))

    return wrapper


def _breadcrumbs(call: Call, here: str) -> list[tuple[str, str | None]]:
    return [
        (gettext("Calls"), reverse("funding:call-list")),
        (call.title, call.get_absolute_url()),
        (here, None),
    ]


def map_classes(values: list[int | None]) -> list[tuple[str, str, int]]:
    """Shading classes of the map: (css class, legend label, upper bound), from no project
    through three equal ranges up to the largest figure; "n.d." has its own class."""
    largest = max((value for value in values if value), default=0)
    first = max(-(-largest // 3), 1)
    second = max(-(-2 * largest // 3), first + 1)
    classes = [("map-class-0", gettext("no project"), 0)]
    low = 1
    for index, high in enumerate((first, second, max(largest, second + 1)), start=1):
        label = format_count(low) if low == high else f"{format_count(low)}–{format_count(high)}"
        classes.append((f"map-class-{index}", label, high))
        low = high + 1
    classes.append(("map-class-nd", gettext("n.d. (not published)"), -1))
    return classes


def map_class(value: int | None, classes: list[tuple[str, str, int]]) -> str:
    if value is None:
        return classes[-1][0]
    return next(css for css, _label, high in classes[:-1] if value <= high)


def _context(request, call: Call, exact: bool, here: str) -> dict:
    built, stats = report.build_report(call, public=not exact)
    preview = permissions.can_read_all(request.user) and not exact
    return {
        "view_query": "?view=public" if preview else "",
        "key_figures": [
            (format_count(stats["applications"]), gettext("applications received")),
            (format_count(stats["funded"]), gettext("funded projects")),
            (format_percent(stats["funded_percent"]), gettext("of the applications funded")),
            (format_amount(stats["amounts"]["granted"]), gettext("granted")),
        ],
        "map_legend": [
            (css, label)
            for css, label, _high in map_classes([zone["projects"] for zone in stats["zones"]])
        ],
        "call": call,
        "report": built,
        "stats": stats,
        "tables": {table.key: table for table in built.tables},
        "exact": exact,
        "can_preview": permissions.can_read_all(request.user),
        "breadcrumbs": _breadcrumbs(call, here),
        "data_date": report.data_date(stats),
    }


@statistics_page
def statistics(request, call, exact):
    context = _context(request, call, exact, gettext("Statistics"))
    context["has_map"] = Zona.objects.filter(geometry__isnull=False).exists()
    return render(request, "funding/statistics/dashboard.html", context)


@statistics_page
def statistics_geojson(request, call, exact):
    """Every zona with a boundary and its funded projects, for the dashboard map."""
    stats = call_statistics(call, public=not exact)
    by_slug = {zone["code"]: zone["projects"] for zone in stats["zones"]}
    classes = map_classes(list(by_slug.values()))
    features = []
    for slug_, name, geometry in Zona.objects.filter(geometry__isnull=False).values_list(
        "slug", "name", "geometry"
    ):
        value = by_slug.get(slug_, 0)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": name,
                    "projects": value,
                    "text": format_count(value),
                    "class": map_class(value, classes),
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


@statistics_page
def call_report(request, call, exact):
    context = _context(request, call, exact, pgettext("call report", "Report"))
    return render(request, "funding/report/report.html", context)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@statistics_page
def report_pdf(request, call, exact):
    built, _stats = report.build_report(call, public=not exact)
    pdf = report.report_pdf(built, call)
    return _download(pdf, "application/pdf", f"rapporto-{call.slug}.pdf")


@statistics_page
def report_docx(request, call, exact):
    built, _stats = report.build_report(call, public=not exact)
    return _download(write_report_docx(built), DOCX, f"rapporto-{call.slug}.docx")


@statistics_page
def report_xlsx(request, call, exact):
    built, _stats = report.build_report(call, public=not exact)
    return _download(write_report_xlsx(built), XLSX, f"rapporto-{call.slug}.xlsx")
