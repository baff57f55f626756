"""Pages of the guidelines for the zonal plans and of their uptake per zona distretto.

Published guidelines and their uptake are public; regional roles also see, write and publish
drafts; a zona's officer (or its ASL's) records that zona's uptake on its page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core.decorators import public
from approdo.governance.maps import MapClass
from approdo.participation import guidelines, permissions
from approdo.participation.guideline_forms import (
    GuidelineCreateForm,
    GuidelineEditForm,
    UptakeForm,
)
from approdo.participation.models import Guideline, GuidelineItem, GuidelineSection, Uptake
from approdo.territory.models import Zona

# Map classes of the adopted share: colour and hatching (the shared patterns of the SAI
# coverage map), and the same label in the legend and the table, so colour is never alone.
NOTHING = MapClass(
    "na", _("nothing recorded, or no recommendation applies"), "#d9dadb", "M0,0 L8,8 M8,0 L0,8"
)
NONE_ADOPTED = MapClass("c0", _("none adopted"), "#ffffff", "M3,3 h2 v2 h-2 Z")
BANDS = [  # (upper bound of the share, included; class)
    (0.25, MapClass("c1", _("up to 25% adopted"), "#c6dbef", "")),
    (0.5, MapClass("c2", _("more than 25%, up to 50% adopted"), "#6baed6", "M0,8 L8,0")),
    (0.75, MapClass("c3", _("more than 50%, up to 75% adopted"), "#2171b5", "M0,8 L8,0 M0,0 L8,8")),
    (None, MapClass("c4", _("more than 75% adopted"), "#08306b", "M0,2 H8 M0,6 H8")),
]
CLASSES = [NONE_ADOPTED, *(band for _bound, band in BANDS), NOTHING]
STATUS_LABELS = [(guidelines.NOT_RECORDED, _("Not recorded")), *Uptake.Status.choices]


def class_of(row: guidelines.UptakeRow) -> MapClass:
    share = row.adopted_share
    if share is None or row.not_recorded == row.items:
        return NOTHING
    if not row.adopted:
        return NONE_ADOPTED
    for bound, band in BANDS:
        if bound is None or share <= bound:
            return band
    raise AssertionError("unreachable")


def share_text(row: guidelines.UptakeRow) -> str:
    if row.adopted_share is None:
        return gettext("not applicable")
    return f"{number_format(row.adopted_share * 100, 0, use_l10n=True)}%"


def crumbs(*items) -> list:
    return [(_("Guidelines for the zonal plans"), reverse("participation:guideline-list")), *items]


def report_url(statement) -> str | None:
    """The source report's page; None while that page is not mounted."""
    table = statement.report.table
    try:
        return reverse(
            "participation:report-detail", kwargs={"slug": table.event.slug, "number": table.number}
        )
    except NoReverseMatch:
        return None


def published_or_404(slug: str) -> Guideline:
    guideline = guidelines.latest_published(slug)
    if guideline is None:
        raise Http404
    return guideline


def sections_of(guideline: Guideline) -> list[GuidelineSection]:
    items = GuidelineItem.objects.select_related("source__report__table__event").order_by("order")
    return list(guideline.sections.prefetch_related(Prefetch("items", queryset=items)))


# --- Guidelines ------------------------------------------------------------------------------


@public
@require_safe
def guideline_list(request):
    manager = permissions.can_manage_guidelines(request.user)
    shown = Guideline.objects.order_by("slug", "-version")
    if not manager:
        shown = shown.filter(status=Guideline.Status.PUBLISHED)
    latest: dict[str, Guideline] = {}
    for guideline in shown:
        latest.setdefault(guideline.slug, guideline)
    return render(
        request,
        "participation/guideline_list.html",
        {
            "title": _("Guidelines for the zonal plans"),
            "guidelines": sorted(latest.values(), key=lambda g: g.title.lower()),
            "can_create": manager,
            "breadcrumbs": crumbs(),
        },
    )


@public
@require_safe
def guideline_detail(request, slug):
    versions = list(Guideline.objects.filter(slug=slug).order_by("-version"))
    visible = [g for g in versions if permissions.can_see_guideline(request.user, g)]
    if not visible:
        raise Http404
    wanted = request.GET.get("versione", "")
    if wanted:
        guideline = next((g for g in visible if str(g.version) == wanted), None)
        if guideline is None:
            raise Http404
    else:
        published = [g for g in visible if g.status == Guideline.Status.PUBLISHED]
        guideline = (published or visible)[0]
    manager = permissions.can_manage_guidelines(request.user)
    sections = sections_of(guideline)
    for section in sections:
        for item in section.items.all():
            item.report_url = report_url(item.source) if item.source_id else None
    return render(
        request,
        "participation/guideline_detail.html",
        {
            "title": guideline.title,
            "guideline": guideline,
            "sections": sections,
            "versions": visible,
            "is_latest": guideline.pk == versions[0].pk,
            "can_manage": manager,
            "breadcrumbs": crumbs((guideline.title, None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def guideline_create(request):
    if not permissions.can_manage_guidelines(request.user):
        raise PermissionDenied
    form = GuidelineCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guideline = guidelines.create_guideline(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Guideline created as a draft."))
            return redirect(edit_url(guideline))
    return render(
        request,
        "participation/guideline_form.html",
        {
            "title": _("New guideline"),
            "form": form,
            "breadcrumbs": crumbs((_("New guideline"), None)),
        },
    )


def edit_url(guideline: Guideline) -> str:
    return reverse(
        "participation:guideline-edit",
        kwargs={"slug": guideline.slug, "version": guideline.version},
    )


def detail_url(guideline: Guideline) -> str:
    url = reverse("participation:guideline-detail", kwargs={"slug": guideline.slug})
    return f"{url}?versione={guideline.version}"


@require_http_methods(["GET", "HEAD", "POST"])
def guideline_edit(request, slug, version):
    if not permissions.can_manage_guidelines(request.user):
        raise PermissionDenied
    guideline = get_object_or_404(
        Guideline, slug=slug, version=version, status=Guideline.Status.DRAFT
    )
    sections = list(guideline.sections.prefetch_related("items"))
    form = GuidelineEditForm(request.POST or None, guideline=guideline, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            save_edits(guideline, sections, form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Draft saved."))
            return redirect(edit_url(guideline))
    return render(
        request,
        "participation/guideline_edit.html",
        {
            "title": gettext("Edit %(title)s (version %(version)s)")
            % {"title": guideline.title, "version": guideline.version},
            "guideline": guideline,
            "form": form,
            "breadcrumbs": crumbs((guideline.title, detail_url(guideline)), (_("Edit"), None)),
        },
    )


def save_edits(guideline, sections, data, *, by) -> None:
    """The whole page is saved or nothing is."""
    with transaction.atomic():
        guidelines.update_guideline(
            guideline, title=data["title"], introduction=data["introduction"], by=by
        )
        for section in sections:
            guidelines.update_section(section, title=data[f"section-{section.pk}"], by=by)
            for item in section.items.all():
                guidelines.update_item(item, text=data[f"item-{item.pk}"], by=by)
        if data["new_section"]:
            guidelines.add_section(guideline, title=data["new_section"], by=by)


@require_POST
def guideline_publish(request, slug, version):
    if not permissions.can_manage_guidelines(request.user):
        raise PermissionDenied
    guideline = get_object_or_404(Guideline, slug=slug, version=version)
    try:
        guidelines.publish(guideline, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail_url(guideline))
    messages.success(request, gettext("Guideline published."))
    return redirect(detail_url(guideline))


@require_POST
def guideline_new_version(request, slug):
    if not permissions.can_manage_guidelines(request.user):
        raise PermissionDenied
    guideline = guidelines.latest_version(slug)
    if guideline is None:
        raise Http404
    try:
        copy = guidelines.new_version(guideline, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail_url(guideline))
    messages.success(request, gettext("New version created as a draft."))
    return redirect(edit_url(copy))


# --- Uptake ----------------------------------------------------------------------------------


def decorate(rows, guideline):
    for row in rows:
        row.map_class = class_of(row)
        row.share_text = share_text(row)
        row.url = reverse(
            "participation:guideline-uptake-zona",
            kwargs={"slug": guideline.slug, "zona": row.slug},
        )
    return rows


@public
@require_safe
def guideline_uptake(request, slug):
    guideline = published_or_404(slug)
    zone = decorate(guidelines.uptake_by_zona(guideline), guideline)
    asls = []
    for asl in guidelines.uptake_by_asl(guideline):
        asl.map_class = class_of(asl)
        asl.share_text = share_text(asl)
        asl.zone_rows = [row for row in zone if row.asl_slug == asl.slug]
        asls.append(asl)
    return render(
        request,
        "participation/uptake_dashboard.html",
        {
            "title": gettext("Uptake of %(title)s") % {"title": guideline.title},
            "guideline": guideline,
            "asls": asls,
            "items": zone[0].items if zone else 0,
            "status_labels": STATUS_LABELS,
            "classes": CLASSES,
            "has_map": Zona.objects.filter(geometry__isnull=False).exists(),
            "breadcrumbs": crumbs(
                (guideline.title, reverse("participation:guideline-detail", args=[slug])),
                (_("Uptake"), None),
            ),
        },
    )


@public
@require_safe
def guideline_uptake_geojson(request, slug):
    guideline = published_or_404(slug)
    rows = {row.slug: row for row in decorate(guidelines.uptake_by_zona(guideline), guideline)}
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "name": rows[key].name,
                "url": rows[key].url,
                "class": rows[key].map_class.code,
                "value": gettext("%(share)s adopted (%(label)s)")
                % {"share": rows[key].share_text, "label": rows[key].map_class.label},
            },
        }
        for key, geometry in Zona.objects.filter(geometry__isnull=False).values_list(
            "slug", "geometry"
        )
        if key in rows
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


@public
@require_http_methods(["GET", "HEAD", "POST"])
def guideline_uptake_zona(request, slug, zona):
    guideline = published_or_404(slug)
    zona = get_object_or_404(Zona.objects.defer("geometry").select_related("asl"), slug=zona)
    can_record = permissions.can_record_uptake(request.user, zona)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    sections = sections_of(guideline)
    items = [item for section in sections for item in section.items.all()]
    uptakes = {
        u.item_id: u for u in Uptake.objects.filter(item__in=[i.pk for i in items], zona=zona)
    }
    for item in items:
        item.uptake = uptakes.get(item.pk)
        item.report_url = report_url(item.source) if item.source_id else None
    form = None
    if can_record:
        form = UptakeForm(request.POST or None, items=items, uptakes=uptakes)
        for item, status, note, plan_url in form.rows():
            item.fields = {"status": status, "note": note, "plan_url": plan_url}
        if request.method == "POST" and form.is_valid():
            entries = form.changed_entries()
            if form.is_valid():
                try:
                    written = guidelines.record_uptakes(zona=zona, entries=entries, by=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        gettext("Uptake saved: %(count)s recommendations updated.")
                        % {"count": written},
                    )
                    return redirect(request.path)
    return render(
        request,
        "participation/uptake_zona.html",
        {
            "title": gettext("Uptake in %(zona)s") % {"zona": zona.name},
            "guideline": guideline,
            "zona": zona,
            "sections": sections,
            "form": form,
            "breadcrumbs": crumbs(
                (guideline.title, reverse("participation:guideline-detail", args=[slug])),
                (_("Uptake"), reverse("participation:guideline-uptake", args=[slug])),
                (zona.name, None),
            ),
        },
    )
