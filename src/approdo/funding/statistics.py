"""The statistics of a call: counts of funded projects by action, target group, lead sector and
territory, with amounts, computed in a handful of SQL aggregations.

Every percentage is a share of the funded projects (or, in the cross-table, of the funded
projects of one lead sector), rounded to one decimal half up on the exact fraction: 37/40 is
92.5, 1/8 is 12.5 and 1/6 is 16.7. Every figure carries its numerator (`projects`) and its
denominator, and the whole carries the date of the data (the latest change to the call's
projects). Public statistics go through `reports.suppression`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from approdo.funding import permissions
from approdo.funding.models import Call, Project
from approdo.organizations.models import Organization
from approdo.reports import suppression
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import ASL

FUNDED = Project.Status.FUNDED
SECTORS = (Organization.Sector.PUBLIC.value, Organization.Sector.THIRD_SECTOR.value)
ONE_DECIMAL = Decimal("0.1")


def percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal, rounded half up; None when
    either is unknown (suppressed) or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    # Decimal division at 28 digits is exact enough: a tie (x.x5) is exact in any case.
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(
        ONE_DECIMAL, rounding=ROUND_HALF_UP
    )


def sector_of(kind: str) -> str:
    return SECTORS[0] if kind in Organization.PUBLIC_KINDS else SECTORS[1]


def raw_counts(call: Call) -> dict:
    """Every count the statistics need, straight from the database (7 queries)."""
    projects = Project.objects.filter(call=call)
    funded = projects.filter(status=FUNDED)
    totals = projects.aggregate(
        applications=Count("pk"),
        funded=Count("pk", filter=Q(status=FUNDED)),
        requested=Sum("requested_amount"),
        requested_funded=Sum("requested_amount", filter=Q(status=FUNDED)),
        granted=Sum("granted_amount", filter=Q(status=FUNDED)),
        as_of=Max("updated_at"),
    )
    lead_kinds = funded.values_list("lead__kind").annotate(n=Count("pk")).order_by()
    funded_links = {"project__call": call, "project__status": FUNDED}
    action_kinds = (
        Project.actions.through.objects.filter(**funded_links)
        .values_list("action_id", "project__lead__kind")
        .annotate(n=Count("project_id"))
        .order_by()
    )
    target_links = Project.targets.through.objects.filter(**funded_links)
    per_target = target_links.values_list("targetgroup_id").annotate(n=Count("project_id"))
    # A project counts once in a group when it has the group itself or any of its children.
    per_group = (
        target_links.annotate(group=Coalesce("targetgroup__parent_id", "targetgroup_id"))
        .values_list("group")
        .annotate(n=Count("project_id", distinct=True))
    )
    zone_links = Project.zone.through.objects.filter(**funded_links)
    per_zona = zone_links.values_list("zona_id", "zona__name", "zona__slug", "zona__asl_id")
    per_zona = per_zona.annotate(n=Count("project_id")).order_by()
    per_asl = (
        zone_links.values_list("zona__asl_id").annotate(n=Count("project_id", distinct=True))
    ).order_by()

    sectors = dict.fromkeys(SECTORS, 0)
    for kind, n in lead_kinds:
        sectors[sector_of(kind)] += n
    actions: dict[str, dict[str, int]] = {}
    for action_id, kind, n in action_kinds:
        row = actions.setdefault(action_id, dict.fromkeys(SECTORS, 0))
        row[sector_of(kind)] += n
    return {
        **totals,
        "lead_sector": sectors,
        "actions": actions,
        "targets": dict(per_target.order_by()),
        "target_groups": dict(per_group.order_by()),
        "zones": [
            {"id": zid, "name": name, "slug": slug, "asl_id": asl_id, "projects": n}
            for zid, name, slug, asl_id, n in per_zona
        ],
        "asl": dict(per_asl),
    }


def call_statistics(call: Call, *, public: bool) -> dict:
    """The statistics of `call` (see the module docstring); `public` applies small-cell
    suppression, so every hidden figure is None and so is every percentage built on it."""
    raw = raw_counts(call)
    hide = _Suppressor(public)
    funded = hide.value(raw["funded"])
    applications = hide.value(raw["applications"])

    sector_cells = hide.partition([raw["lead_sector"][s] for s in SECTORS], raw["funded"])
    lead_sector = dict(zip(SECTORS, sector_cells, strict=True))

    action_terms = list(Action.objects.all())
    target_terms = list(TargetGroup.objects.all())
    action_totals = [sum(raw["actions"].get(a.code, {}).values()) for a in action_terms]
    action_cells = hide.cells(action_totals)
    actions = [
        _item(term.code, str(term), count, funded)
        for term, count in zip(action_terms, action_cells, strict=True)
    ]
    cross = []
    for term, total, shown_total in zip(action_terms, action_totals, action_cells, strict=True):
        counts = raw["actions"].get(term.code, dict.fromkeys(SECTORS, 0))
        cells = hide.partition(
            [counts[s] for s in SECTORS], total, total_shown=shown_total is not None
        )
        row = _item(term.code, str(term), shown_total, funded)
        for sector, count in zip(SECTORS, cells, strict=True):
            row[sector] = _figure(count, lead_sector[sector])
        cross.append(row)

    targets = _target_tree(target_terms, raw, hide, funded)
    zones = sorted(raw["zones"], key=lambda z: z["name"])
    zone_cells = hide.cells([z["projects"] for z in zones])
    asl_rows = list(ASL.objects.filter(pk__in=raw["asl"]).values_list("pk", "name", "slug"))
    asl_cells = hide.cells([raw["asl"][pk] for pk, _name, _slug in asl_rows])
    if public:
        zone_cells, asl_cells = _protect_zones_within_asl(
            zones, zone_cells, asl_rows, asl_cells, hide
        )
    asl_names = {pk: name for pk, name, _slug in asl_rows}

    return {
        "call": call.slug,
        "title": call.title,
        "applications": applications,
        "funded": funded,
        "funded_percent": percent(funded, applications),
        "lead_sector": lead_sector,
        "lead_sectors": [
            _item(sector, str(Organization.Sector(sector).label), lead_sector[sector], funded)
            for sector in SECTORS
        ],
        "actions": _ranked(actions),
        "targets": targets,
        "zones": [
            {
                **_item(z["slug"], z["name"], count, funded),
                "name": z["name"],
                "asl": asl_names[z["asl_id"]],
            }
            for z, count in zip(zones, zone_cells, strict=True)
        ],
        "asl": [
            {**_item(slug, name, count, funded), "name": name}
            for (_pk, name, slug), count in zip(asl_rows, asl_cells, strict=True)
        ],
        "actions_by_lead_sector": _ranked(cross),
        "amounts": {
            "requested": raw["requested"] or Decimal(0),
            "requested_funded": raw["requested_funded"] or Decimal(0),
            "granted": raw["granted"] or Decimal(0),
        },
        "as_of": raw["as_of"],
        "percent_of": "funded",
        "rounding": "half_up",
        "suppression": {
            "applied": public,
            "threshold": suppression.threshold(),
            "hidden": hide.hidden,
        },
    }


class _Suppressor:
    """Applies the suppression rule when publishing, and counts the figures it hides."""

    def __init__(self, public: bool):
        self.public = public
        self.hidden = 0

    def _count(self, cells) -> None:
        self.hidden += sum(1 for cell in cells if cell is None)

    def value(self, value: int) -> int | None:
        return self.cells([value])[0]

    def cells(self, values: list[int]) -> list[int | None]:
        if not self.public:
            return list(values)
        shown = suppression.suppress(values).cells
        self._count(shown)
        return shown

    def partition(self, values: list[int], total: int, total_shown: bool = True) -> list:
        """Cells adding up to a published `total` (when the total itself is hidden, so is
        every non-zero cell)."""
        if not self.public:
            return list(values)
        result = suppression.suppress(values, total=total)
        shown = result.cells
        if result.total is None or not total_shown:
            shown = [None if value else 0 for value in values]
        self._count(shown)
        return shown


def _protect_zones_within_asl(zones, zone_cells, asl_rows, asl_cells, hide: "_Suppressor"):
    """An ASL's count is published beside those of its zone, so when each project of the ASL
    works in one of its zone only, a single hidden zona is the ASL's count minus the other
    zone. Within each ASL whose count is shown, the hidden zone are therefore protected as
    the cells of a partition are (`suppression.protect`: the smallest other zona hidden too),
    or, when that cannot be done, the ASL's count is hidden."""
    zone_cells, asl_cells = list(zone_cells), list(asl_cells)
    limit = suppression.threshold()
    for position, (asl_id, _name, _slug) in enumerate(asl_rows):
        if asl_cells[position] is None:
            continue
        members = [i for i, zone in enumerate(zones) if zone["asl_id"] == asl_id]
        protected = suppression.protect(
            [zones[i]["projects"] for i in members], [zone_cells[i] for i in members], limit=limit
        )
        if protected is None:
            asl_cells[position] = None
            hide.hidden += 1
            continue
        for index, value in zip(members, protected, strict=True):
            if value is None and zone_cells[index] is not None:
                zone_cells[index] = None
                hide.hidden += 1
    return zone_cells, asl_cells


def _figure(projects: int | None, denominator: int | None) -> dict:
    return {
        "projects": projects,
        "percent": percent(projects, denominator),
        "denominator": denominator,
    }


def _item(code: str, label: str, projects: int | None, denominator: int | None) -> dict:
    return {"code": code, "label": label, **_figure(projects, denominator)}


def _ranked(items: list[dict]) -> list[dict]:
    """Largest first; ties (and hidden figures, which rank between shown ones and zeros)
    keep the taxonomy order, so the order never tells a hidden figure's value."""

    def key(pair):
        position, item = pair
        projects = item["projects"]
        return (-(projects if projects is not None else 0.5), position)

    return [item for _position, item in sorted(enumerate(items), key=key)]


def _target_tree(terms: list[TargetGroup], raw: dict, hide: _Suppressor, funded) -> list[dict]:
    tops = [term for term in terms if term.parent_id is None]
    children = {top.code: [t for t in terms if t.parent_id == top.code] for top in tops}
    top_cells = hide.cells([raw["target_groups"].get(top.code, 0) for top in tops])
    tree = []
    for top, count in zip(tops, top_cells, strict=True):
        kids = children[top.code]
        kid_cells = hide.cells([raw["targets"].get(kid.code, 0) for kid in kids])
        tree.append(
            {
                **_item(top.code, str(top), count, funded),
                "children": [
                    {**_item(kid.code, str(kid), kid_count, funded), "children": []}
                    for kid, kid_count in zip(kids, kid_cells, strict=True)
                ],
            }
        )
    return tree


def shows_exact_figures(user, view: str | None = None) -> bool:
    """Staff read the exact figures unless they ask for the public view (`view=public`);
    everyone else reads the suppressed ones."""
    return permissions.can_read_all(user) and view != "public"
