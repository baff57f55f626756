"""The public catalogue of good practices: search with facets, the map, a practice's page and
the downloads. No account needed; only published practices, whatever the path."""

import math

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from approdo.core.decorators import public
from approdo.practices import facets, permissions, similar
from approdo.practices.models import Practice, territory_prefetches
from approdo.reports.downloads import Download
from approdo.taxonomy.labels import funding_source_label

PAGE_SIZE = 20
XLSX_MAX_ROWS = 20000  # larger downloads take the CSV (XLSX is slow to write: NOTES.md)


def _page_number(data) -> int:
    try:
        return max(1, min(int(data.get("page", 1)), 100000))
    except (TypeError, ValueError):
        return 1


def _query_string(selection: facets.Selection, **changes) -> str:
    """The URL query of a selection, with `changes` ({facet: values} or sort/page)."""
    pairs = [("q", selection.q)] if selection.q else []
    chosen = {**selection.chosen, **{k: v for k, v in changes.items() if k in facets.FACETS}}
    for facet in facets.FACETS:
        pairs += [(facet, value) for value in chosen.get(facet, [])]
    sort = changes.get("sort", selection.sort)
    if sort:
        pairs.append(("sort", sort))
    if changes.get("page", 1) != 1:
        pairs.append(("page", changes["page"]))
    return urlencode(pairs)


def practices_in_order(ids: list[int]) -> list[dict]:
    """What the result list shows of these practices, in the order of `ids`: two queries and
    plain rows, where model instances with their zone and actions would be two hundred
    objects for a page of twenty."""
    rows = (
        Practice.objects.published()
        .filter(pk__in=ids)
        .values("pk", "code", "title", "summary", "status", "start_date", "lead_organization__name")
    )
    by_id = {row["pk"]: {**row, "zone": [], "actions": []} for row in rows}
    labels = facets.labels()
    for pk, facet, value in facets.values_of_ids(list(by_id), ("zone", "action")):
        by_id[pk]["zone" if facet == "zone" else "actions"].append(value)
    result = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:
            continue
        zone, actions = set(row["zone"]), set(row["actions"])
        row["zone"] = [name for slug, name in labels["zone"].items() if slug in zone]
        row["actions"] = [label for code, label in labels["action"].items() if code in actions]
        row["status_label"] = labels["status"].get(row["status"], row["status"])
        result.append(row)
    return result


def facet_groups(selection: facets.Selection, numbers: dict) -> list[dict]:
    """The facets as the template shows them: values with a count (or chosen), labelled."""
    labels = facets.labels()
    groups = []
    for name, title in facets.FACETS.items():
        found = numbers[name]
        if name in labels:
            order = list(labels[name])
        elif name == "year":
            order = sorted(found, reverse=True)
        else:
            order = sorted(found, key=str.casefold)
        parents = labels["target_parent"] if name == "target" else {}
        values = [
            {
                "value": value,
                "label": funding_source_label(value)
                if name == "funding"
                else labels.get(name, {}).get(value, value),
                "count": found.get(value, 0),
                "chosen": selection.is_chosen(name, value),
                "child": bool(parents.get(value)),
                "id": f"f-{name}-{index}",
            }
            for index, value in enumerate(order)
            if found.get(value) or selection.is_chosen(name, value)
        ]
        if values:
            groups.append({"name": name, "title": title, "values": values})
    return groups


@public
@require_safe
@vary_on_headers("HX-Request")
def catalogue(request):
    selection = facets.Selection.from_query(request.GET)
    page = _page_number(request.GET)
    found = facets.find(selection, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total, numbers = found.total, found.counts
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:  # past the end: the last page
        page = pages
        found = facets.find(selection, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    context = {
        "selection": selection,
        "practices": practices_in_order(found.ids),
        "total": total,
        "page": page,
        "pages": pages,
        "previous_url": "?" + _query_string(selection, page=page - 1) if page > 1 else "",
        "next_url": "?" + _query_string(selection, page=page + 1) if page < pages else "",
        "facet_groups": facet_groups(selection, numbers),
        "zone_counts": _zone_rows(selection, numbers["zone"]),
        "query_string": _query_string(selection),
        "sort_options": [
            ("relevance", gettext("Relevance")),
            ("newest", gettext("Newest")),
            ("title", gettext("Title")),
        ],
        "breadcrumbs": [(gettext("Good practices"), None)],
    }
    template = "practices/catalogue/catalogue.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)


def _zone_rows(selection: facets.Selection, found: dict) -> list[dict]:
    names = facets.labels()["zone"]
    return [
        {
            "slug": slug,
            "name": name,
            "count": found[slug],
            "url": "?" + _query_string(selection, zone=[slug]),
        }
        for slug, name in names.items()
        if found.get(slug)
    ]


@public
@require_safe
def catalogue_map(request):
    """GeoJSON of the zone with the number of practices of the current search."""
    from approdo.territory.models import Zona

    selection = facets.Selection.from_query(request.GET)
    found = facets.find(selection, limit=0).counts["zone"]
    features = []
    zone = Zona.objects.filter(slug__in=found, geometry__isnull=False).values_list(
        "slug", "name", "geometry"
    )
    for slug, name, geometry in zone:
        count = found[slug]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": name,
                    "count": count,
                    "label": ngettext(
                        "%(name)s: %(count)s practice", "%(name)s: %(count)s practices", count
                    )
                    % {"name": name, "count": count},
                    "url": reverse("practices:catalogue")
                    + "?"
                    + _query_string(selection, zone=[slug]),
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


def _visible_practice(request, code: str) -> Practice:
    """A published practice; coordinators and analysts may also preview a draft."""
    if permissions.can_read_editorial(request.user):
        practice = permissions.editorial_practices(request.user).filter(code=code).first()
        if practice is None:
            raise Http404
        return practice
    return permissions.public_practice(code)


@public
@require_safe
def practice_detail(request, code):
    practice = _visible_practice(request, code)
    practice = (
        Practice.objects.select_related("lead_organization")
        .prefetch_related(
            "partners",
            *territory_prefetches(),
            "actions",
            "targets",
            "translations",
            "attachments",
            "beneficiary_counts",
        )
        .get(pk=practice.pk)
    )
    zone = list(practice.zone.all())
    context = {
        "practice": practice,
        "zone": zone,
        "comuni": list(practice.comuni.all()),
        "translations": list(practice.translations.all()),
        "has_map": _has_boundary(practice),
        "suggestions": similar.similar_to(practice),
        "is_preview": not practice.published,
        "breadcrumbs": [
            (gettext("Good practices"), reverse("practices:catalogue")),
            (practice.title, None),
        ],
    }
    return render(request, "practices/catalogue/practice_detail.html", context)


def _has_boundary(practice: Practice) -> bool:
    return (
        practice.comuni.filter(geometry__isnull=False).exists()
        or practice.zone.filter(geometry__isnull=False).exists()
    )


@public
@require_safe
def practice_geojson(request, code):
    """The practice's comuni (or, without comuni, its zone) as GeoJSON, for its small map."""
    practice = _visible_practice(request, code)
    comuni = practice.comuni.filter(geometry__isnull=False)
    if comuni.exists():
        rows = comuni.values_list("istat_code", "name", "geometry")
        url_name = "territory:comune-detail"
    else:
        rows = practice.zone.filter(geometry__isnull=False).values_list("slug", "name", "geometry")
        url_name = "territory:zona-detail"
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"name": name, "url": reverse(url_name, args=[key]), "population": None},
        }
        for key, name, geometry in rows
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


# -- Downloads: the "practices" dataset (practices/exports.py) through reports' writers ------


@public
@require_safe
def export_csv(request):
    return Download.prepare(request.user, "practices", request.GET).response("csv")


@public
@require_safe
def export_xlsx(request):
    download = Download.prepare(request.user, "practices", request.GET)
    if download.rows > XLSX_MAX_ROWS:
        selection = facets.Selection.from_query(request.GET)
        context = {
            "total": download.rows,
            "limit": XLSX_MAX_ROWS,
            "csv_url": reverse("practices:export-csv") + "?" + _query_string(selection),
            "breadcrumbs": [
                (gettext("Good practices"), reverse("practices:catalogue")),
                (gettext("Download"), None),
            ],
        }
        return render(request, "practices/catalogue/export_too_large.html", context, status=413)
    return download.response("xlsx")
