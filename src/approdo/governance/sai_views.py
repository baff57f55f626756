"""Pages of the SAI network: projects, coverage (table, map, SVG), gaps and the "what if" tool.

The network is public information: every page here is public except creating and editing
projects (coordinators and regional administrators) and their history (see permissions.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.governance import actions, permissions
from approdo.governance.coverage import (
    ALL_LEVELS,
    Hypothesis,
    aggregate,
    coverage_of,
    load_network,
    restricted,
)
from approdo.governance.forms_sai import LEVEL_CHOICES, CoverageForm, SaiProjectForm, WhatIfForm
from approdo.governance.gaps import gaps_of
from approdo.governance.maps import CLASSES, class_of, coverage_svg, value_text
from approdo.governance.models import SaiProject
from approdo.territory.models import ASL, Comune, Province, Zona

GEOMETRY_SOURCES = {  # level -> (model, key field, territory page)
    "comune": (Comune, "istat_code", "territory:comune-detail"),
    "zona": (Zona, "slug", "territory:zona-detail"),
    "asl": (ASL, "slug", "territory:asl-detail"),
    "provincia": (Province, "sigla", "territory:province-detail"),
}
LEVEL_TITLES = {
    "comune": _("SAI coverage by comune"),
    "zona": _("SAI coverage by zona distretto"),
    "asl": _("SAI coverage by ASL"),
    "provincia": _("SAI coverage by province"),
}


def crumbs(*items) -> list:
    return [(_("SAI network"), reverse("governance:sai-list")), *items]


# --- Projects ------------------------------------------------------------------------------


@public
@require_safe
def sai_list(request):
    projects = SaiProject.objects.select_related("holder", "manager").annotate(
        comuni_count=Count("hostings")
    )
    kind = request.GET.get("type", "")
    status = request.GET.get("status", "")
    text = request.GET.get("q", "").strip()
    if kind in SaiProject.Type.values:
        projects = projects.filter(type=kind)
    if status in SaiProject.Status.values:
        projects = projects.filter(status=status)
    if text:
        projects = projects.filter(
            Q(code__icontains=text)
            | Q(holder__name__icontains=text)
            | Q(manager__name__icontains=text)
            | Q(hostings__comune__name__icontains=text)
        ).distinct()
    totals = projects.aggregate(places=Sum("places"), holders=Count("holder", distinct=True))
    context = {
        "projects": projects,
        "totals": totals,
        "types": SaiProject.Type.choices,
        "statuses": SaiProject.Status.choices,
        "chosen": {"type": kind, "status": status, "q": text},
        "can_edit": permissions.can_edit_sai(request.user),
        "breadcrumbs": [(_("SAI network"), None)],
    }
    return render(request, "governance/sai/project_list.html", context)


@public
@require_safe
def sai_detail(request, pk):
    project = get_object_or_404(SaiProject.objects.with_details(), pk=pk)
    shares = project.places_by_comune()
    hostings = [(hosting, shares[hosting.comune_id]) for hosting in project.hostings.all()]
    history = None
    if permissions.can_see_sai_history(request.user):
        history = HistoryEntry.objects.for_object(project).select_related("actor")
    context = {
        "project": project,
        "hostings": hostings,
        "history": history,
        "can_edit": permissions.can_edit_sai(request.user),
        "breadcrumbs": crumbs((project.code, None)),
    }
    return render(request, "governance/sai/project_detail.html", context)


@require_http_methods(["GET", "POST"])
def sai_create(request):
    return _project_form(request, SaiProject())


@require_http_methods(["GET", "POST"])
def sai_edit(request, pk):
    return _project_form(request, get_object_or_404(SaiProject, pk=pk))


def _project_form(request, project: SaiProject):
    if not permissions.can_edit_sai(request.user):
        raise PermissionDenied
    form = SaiProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SaiProjectForm.Meta.fields}
        hosting = form.cleaned_data["hosting"]
        if project.pk:
            actions.update_sai_project(project, by=request.user, hosting=hosting, **fields)
            messages.success(request, gettext("SAI project saved."))
        else:
            project = actions.create_sai_project(by=request.user, hosting=hosting, **fields)
            messages.success(request, gettext("SAI project created."))
        return redirect(project)
    title = (
        gettext("Edit %(code)s") % {"code": project.code} if project.pk else _("New SAI project")
    )
    context = {
        "form": form,
        "project": project,
        "title": title,
        "breadcrumbs": crumbs(
            *([(project.code, project.get_absolute_url())] if project.pk else []), (title, None)
        ),
    }
    return render(request, "governance/sai/project_form.html", context)


# --- Coverage, map, gaps, what if ------------------------------------------------------------


def area_url(level: str, key: str) -> str:
    _model, _field, url_name = GEOMETRY_SOURCES[level]
    return reverse(url_name, args=[key.lower() if level == "provincia" else key])


def geometries_of(level: str) -> dict[str, dict]:
    model, key, _url = GEOMETRY_SOURCES[level]
    return dict(model.objects.filter(geometry__isnull=False).values_list(key, "geometry"))


def has_geometries(level: str) -> bool:
    model, _key, _url = GEOMETRY_SOURCES[level]
    return model.objects.filter(geometry__isnull=False).exists()


def decorate(rows, level: str) -> list:
    for row in rows:
        row.url = area_url(level, row.key)
        row.map_class = class_of(row)
    return rows


@public
@require_safe
def coverage_page(request):
    form = CoverageForm(request.GET or None)
    level, year = form.values()
    result = coverage_of(load_network(year=year), level)
    query = f"?level={level}" + (f"&year={year}" if year else "")
    context = {
        "form": form,
        "level": level,
        "year": year,
        "result": result,
        "rows": decorate(result.rows, level),
        "regions": list(result.regions.values()),
        "classes": CLASSES,
        "levels": LEVEL_CHOICES,
        "has_map": has_geometries(level),
        "query": query,
        "title": LEVEL_TITLES[level],
        "breadcrumbs": crumbs((_("Coverage"), None)),
    }
    return render(request, "governance/sai/coverage.html", context)


def level_and_year(request) -> tuple[str, int | None]:
    form = CoverageForm(request.GET or None)
    return form.values()


@public
@require_safe
@cache_control(public=True, max_age=300)
def coverage_geojson(request):
    level, year = level_and_year(request)
    rows = {row.key: row for row in coverage_of(load_network(year=year), level).rows}
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "name": rows[key].name,
                "url": area_url(level, key),
                "class": class_of(rows[key]).code,
                "value": value_text(rows[key]),
            },
        }
        for key, geometry in geometries_of(level).items()
        if key in rows
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


@public
@require_safe
@cache_control(public=True, max_age=300)
def coverage_map_svg(request):
    level, year = level_and_year(request)
    result = coverage_of(load_network(year=year), level)
    title = f"{LEVEL_TITLES[level]} ({result.year})"
    svg = coverage_svg(result.rows, geometries_of(level), title)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@public
@require_safe
def gaps_page(request):
    form = CoverageForm(request.GET or None)
    _level, year = form.values()
    network = load_network(year=year)
    result = coverage_of(network, "regione")
    gaps = gaps_of(network, result)
    for gap in gaps["zone"]:
        gap.url = area_url("zona", gap.row.key)
    for gap in gaps["comuni"]:
        gap.url = area_url("comune", gap.row.key)
    context = {
        "form": form,
        "year": result.year,
        "regions": list(result.regions.values()),
        "zone": gaps["zone"],
        "comuni": gaps["comuni"],
        "breadcrumbs": crumbs((_("Gaps"), None)),
    }
    return render(request, "governance/sai/gaps.html", context)


def what_if(network, extra: Hypothesis) -> list[dict]:
    """Every indicator of the areas touched by `extra`, before and after, level by level."""
    network = restricted(network, {network.area_of(code, "regione") for code in extra.comuni})
    touched = {level: set() for level in ALL_LEVELS}
    for code in extra.comuni:
        for level in ALL_LEVELS:
            area = network.area_of(code, level)
            if area is not None:
                touched[level].add(network.describe(level, area)[0])
    sections = []
    for level, label in [*LEVEL_CHOICES, ("regione", _("Region"))]:
        before = {row.key: row for row in aggregate(network, level)}
        after = [row for row in aggregate(network, level, extra) if row.key in touched[level]]
        sections.append(
            {"level": level, "label": label, "pairs": [(before[r.key], r) for r in after]}
        )
    return sections


@public
@require_safe
@vary_on_headers("HX-Request")
def what_if_page(request):
    form = WhatIfForm(request.GET or None)
    sections = hypothesis = None
    if form.is_valid():
        data = form.cleaned_data
        network = load_network(year=data["year"])
        codes = tuple(sorted(comune.pk for comune in data["comuni"]))
        hypothesis = Hypothesis(data["places"], codes, data["type"])
        sections = what_if(network, hypothesis)
    context = {
        "form": form,
        "sections": sections,
        "hypothesis": hypothesis,
        "hypothesis_type": SaiProject.Type(hypothesis.type).label if hypothesis else "",
        "hypothesis_comuni": sorted(c.name for c in form.cleaned_data["comuni"])
        if hypothesis
        else [],
        "breadcrumbs": crumbs((_("What if"), None)),
    }
    if request.htmx:
        return render(request, "governance/sai/_what_if_result.html", context)
    return render(request, "governance/sai/what_if.html", context)
