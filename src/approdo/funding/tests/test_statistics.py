"""Call statistics against a brute-force count in Python over random projects (hypothesis),
with the roll-up of target groups and public suppression; and the seed's call."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approdo.funding.models import Call, Project
from approdo.funding.statistics import SECTORS, call_statistics, percent, sector_of
from approdo.organizations.models import Organization
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Zona

ACTIONS = list(Action.DEFAULT_LABELS)
TARGETS = list(TargetGroup.DEFAULT_LABELS)
CHILDREN = [
    "disoccupati",
    "vittime_sfruttamento",
    "donne_vittime_violenza",
    "donne_sole_minori",
    "senza_dimora",
    "disagio_psichico_dipendenze",
]
ZONE_SLUGS = ["pratese", "fiorentina-nord-ovest", "pisana", "livornese", "senese", "apuane"]
KINDS = [kind.value for kind in Organization.Kind]
STATUSES = ["funded", "funded", "funded", "not_funded", "withdrawn", "submitted"]


@dataclass
class Spec:
    status: str = "funded"
    kind: str = "comune"
    actions: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    requested: int = 0
    granted: int = 0


_counter = itertools.count()


def make_call(**fields) -> Call:
    number = next(_counter)
    fields.setdefault("slug", f"stat-call-{number}")
    fields.setdefault("title", f"Bando {number}")
    return Call.objects.create(**fields)


def add_projects(call: Call, specs: list[Spec]) -> list[Project]:
    """Create the projects of `specs` in bulk, with one lead organisation per kind."""
    leads = {
        kind: Organization.objects.get_or_create(name=f"Ente di prova {kind}", kind=kind)[0]
        for kind in {spec.kind for spec in specs}
    }
    zone = dict(Zona.objects.filter(slug__in=ZONE_SLUGS).values_list("slug", "pk"))
    projects = Project.objects.bulk_create(
        Project(
            call=call,
            code=f"P{index:04d}",
            title=f"Progetto {index}",
            status=spec.status,
            lead=leads[spec.kind],
            requested_amount=Decimal(spec.requested),
            granted_amount=Decimal(spec.granted),
        )
        for index, spec in enumerate(specs)
    )
    links = [
        (Project.actions.through, "action_id", "actions"),
        (Project.targets.through, "targetgroup_id", "targets"),
        (Project.zone.through, "zona_id", "zones"),
    ]
    for through, column, attribute in links:
        through.objects.bulk_create(
            through(project_id=project.pk, **{column: zone[code] if column == "zona_id" else code})
            for project, spec in zip(projects, specs, strict=True)
            for code in getattr(spec, attribute)
        )
    return projects


def seed_specs() -> list[Spec]:
    """The call of seed 003: 47 applications, 40 funded; orientation 37, housing 36, cohesion
    35, emergency 33, legal advice 32; 18 public leads; 26 in marginality; 32 after a denial."""
    excluded = {
        "orientamento_servizi": range(0, 3),
        "supporto_abitare": range(3, 7),
        "coesione_sociale": range(7, 12),
        "pronto_intervento": range(12, 19),
        "consulenza_legale": range(19, 27),
    }
    specs = []
    for i in range(40):
        actions = [code for code, skip in excluded.items() if i not in skip]
        actions += ["formazione_lavoro"] * (i % 3 == 0) + ["mediazione_culturale"] * (i % 10 == 0)
        targets = ["richiedenti_asilo"] + ["titolari_protezione"] * (i % 2 == 0)
        targets += ["diniego_protezione"] * (i < 32) + ["msna"] * (i < 3)
        if 10 <= i < 36:
            targets.append(CHILDREN[i % 6])
            if i % 5 == 0 and CHILDREN[i % 6] != "senza_dimora":
                targets.append("senza_dimora")  # two children: still one project in the group
        specs.append(
            Spec(
                kind="comune" if i < 12 else "sds" if i < 18 else "cooperativa_sociale",
                actions=actions,
                targets=targets,
                zones=list(dict.fromkeys([ZONE_SLUGS[i % 6]] + [ZONE_SLUGS[0]] * (i % 7 == 1))),
                requested=60_000 + 1000 * i,
                granted=50_000 + 1000 * i,
            )
        )
    for i in range(7):
        specs.append(
            Spec(
                status="withdrawn" if i < 2 else "not_funded",
                kind="aps",
                actions=["lingua_italiana"],
                zones=[ZONE_SLUGS[1]],
                requested=40_000,
            )
        )
    return specs


def build_seed_call(**fields) -> Call:
    fields.setdefault("title", "Coesione sociale e tutela dei bisogni essenziali 2019")
    call = make_call(**fields)
    add_projects(call, seed_specs())
    return call


# -- Brute force ---------------------------------------------------------------------------------


def brute_force(specs: list[Spec]) -> dict:
    funded = [spec for spec in specs if spec.status == "funded"]
    parents = dict(TargetGroup.objects.values_list("code", "parent_id"))
    asl_of = dict(Zona.objects.values_list("slug", "asl__slug"))

    def count(predicate):
        return sum(1 for spec in funded if predicate(spec))

    def in_group(spec, top):
        return any(code == top or parents[code] == top for code in spec.targets)

    return {
        "applications": len(specs),
        "funded": len(funded),
        "lead_sector": {s: count(lambda p, s=s: sector_of(p.kind) == s) for s in SECTORS},
        "actions": {a: count(lambda p, a=a: a in p.actions) for a in ACTIONS},
        "cross": {
            (a, s): count(lambda p, a=a, s=s: a in p.actions and sector_of(p.kind) == s)
            for a in ACTIONS
            for s in SECTORS
        },
        "targets": {
            t: count(lambda p, t=t: in_group(p, t) if parents[t] is None else t in p.targets)
            for t in TARGETS
        },
        "zones": {z: count(lambda p, z=z: z in p.zones) for z in ZONE_SLUGS},
        "asl": {
            asl: count(lambda p, asl=asl: any(asl_of[z] == asl for z in p.zones))
            for asl in set(asl_of.values())
        },
        "requested": sum(spec.requested for spec in specs),
        "granted": sum(spec.granted for spec in funded),
    }


def flatten(stats: dict) -> dict:
    """The statistics in the brute force's shape."""
    targets = {}
    for item in stats["targets"]:
        targets[item["code"]] = item["projects"]
        targets.update({child["code"]: child["projects"] for child in item["children"]})
    return {
        "applications": stats["applications"],
        "funded": stats["funded"],
        "lead_sector": stats["lead_sector"],
        "actions": {item["code"]: item["projects"] for item in stats["actions"]},
        "cross": {
            (row["code"], s): row[s]["projects"]
            for row in stats["actions_by_lead_sector"]
            for s in SECTORS
        },
        "targets": targets,
        "zones": {item["code"]: item["projects"] for item in stats["zones"]},
        "asl": {item["code"]: item["projects"] for item in stats["asl"]},
        "requested": stats["amounts"]["requested"],
        "granted": stats["amounts"]["granted"],
    }


def publish(expected: dict, limit: int = 5) -> dict:
    """What the public may see of brute-force counts, worked out from the rule of DESIGN 5
    rather than by the code that applies it (reports/suppression.py): a count from 1 to
    limit - 1 is hidden, zero stays (it describes nobody). The two lead sectors add up to a
    published total (the funded projects, or the projects of an action), so if one of them is
    hidden the total minus the other would give it away: both are hidden."""
    assert len(SECTORS) == 2  # the reasoning above is for a total split in two

    def shown(count: int) -> int | None:
        return None if 0 < count < limit else count

    def split_in_two(counts: list[int]) -> list[int | None]:
        if any(shown(count) is None for count in counts):
            return [None if count else 0 for count in counts]
        return counts

    cross = {}
    for action in ACTIONS:
        row = split_in_two([expected["cross"][(action, s)] for s in SECTORS])
        cross.update({(action, s): value for s, value in zip(SECTORS, row, strict=True)})
    return {
        **expected,
        "applications": shown(expected["applications"]),
        "funded": shown(expected["funded"]),
        "lead_sector": dict(
            zip(SECTORS, split_in_two([expected["lead_sector"][s] for s in SECTORS]), strict=True)
        ),
        "actions": {code: shown(count) for code, count in expected["actions"].items()},
        "cross": cross,
        "targets": {code: shown(count) for code, count in expected["targets"].items()},
        "zones": {code: shown(count) for code, count in expected["zones"].items()},
        "asl": {code: shown(count) for code, count in expected["asl"].items()},
    }


project_specs = st.builds(
    Spec,
    status=st.sampled_from(STATUSES),
    kind=st.sampled_from(KINDS),
    actions=st.lists(st.sampled_from(ACTIONS), unique=True, max_size=5),
    targets=st.lists(st.sampled_from(TARGETS), unique=True, max_size=5),
    zones=st.lists(st.sampled_from(ZONE_SLUGS), unique=True, max_size=3),
    requested=st.integers(0, 200_000),
    granted=st.integers(0, 200_000),
)


def only_touched(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value}


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(project_specs, max_size=40))
def test_statistics_equal_a_brute_force_count(specs):
    call = make_call()
    add_projects(call, specs)
    expected = brute_force(specs)
    stats = flatten(call_statistics(call, public=False))
    # Zones and ASL list the areas that have projects; the brute force lists every one.
    for key in ("zones", "asl"):
        expected[key] = only_touched(expected[key])
    assert stats == expected

    public = call_statistics(call, public=True)
    published = publish(brute_force(specs))
    flat = flatten(public)
    # Zone and ASL go through a secondary rule that picks cells: checked by its properties.
    zones, asl = flat.pop("zones"), flat.pop("asl")
    del published["zones"], published["asl"]
    assert flat == published
    assert_nothing_small(public)
    assert_no_zona_rebuilt_from_its_asl(zones, asl, stats["zones"], stats["asl"])


def assert_no_zona_rebuilt_from_its_asl(zones, asl, exact_zones, exact_asl, limit=5) -> None:
    """Shown figures are exact, small ones hidden; within an ASL whose count is shown, the
    hidden zone are none, or at least two, adding up to at least the threshold and not all
    ones (so no one of them is the ASL minus the others)."""
    asl_of = dict(Zona.objects.values_list("slug", "asl__slug"))
    for shown, exact in ((zones, exact_zones), (asl, exact_asl)):
        assert shown.keys() == exact.keys()
        for code, value in shown.items():
            assert value in (None, exact[code])
            if 0 < exact[code] < limit:
                assert value is None
    for code, value in asl.items():
        if value is None:
            continue
        hidden = [exact_zones[z] for z in zones if asl_of[z] == code and zones[z] is None]
        if hidden:
            assert len(hidden) >= 2 and sum(hidden) >= limit and sum(hidden) != len(hidden)


def assert_nothing_small(stats: dict, limit: int = 5) -> None:
    """No published count is between 1 and limit - 1, and no percentage rests on a hidden one."""

    def walk(node):
        if isinstance(node, dict):
            if "projects" in node:
                value = node["projects"]
                assert value is None or value == 0 or value >= limit, node
                if value is None or node.get("denominator") is None:
                    assert node["percent"] is None, node
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(stats)
    for key in ("applications", "funded"):
        assert stats[key] is None or stats[key] == 0 or stats[key] >= limit


# -- The seed's call -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_call_gives_the_published_figures(django_assert_max_num_queries):
    call = build_seed_call()
    with django_assert_max_num_queries(10):
        stats = call_statistics(call, public=True)
    assert (stats["applications"], stats["funded"]) == (47, 40)
    assert stats["lead_sector"] == {"public": 18, "third_sector": 22}
    top = [(item["code"], item["percent"]) for item in stats["actions"][:5]]
    assert top == [
        ("orientamento_servizi", Decimal("92.5")),
        ("supporto_abitare", Decimal("90.0")),
        ("coesione_sociale", Decimal("87.5")),
        ("pronto_intervento", Decimal("82.5")),
        ("consulenza_legale", Decimal("80.0")),
    ]
    targets = {item["code"]: item for item in stats["targets"]}
    assert targets["marginalita"]["projects"] == 26
    assert targets["diniego_protezione"]["percent"] == Decimal("80.0")
    assert targets["msna"]["projects"] is None  # 3 projects: suppressed in public
    actions = {item["code"]: item for item in stats["actions"]}
    assert actions["mediazione_culturale"]["projects"] is None  # 4 projects
    assert stats["amounts"]["granted"] == sum(Decimal(50_000 + 1000 * i) for i in range(40))
    assert call_statistics(call, public=False)["targets"][4]["projects"] == 3


def test_percentages_round_half_up_on_the_exact_fraction():
    assert percent(37, 40) == Decimal("92.5")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 6) == Decimal("16.7")
    assert percent(1, 16) == Decimal("6.3")  # 6.25: half up, not to even
    assert percent(0, 0) is None
    assert percent(None, 40) is None


@pytest.mark.django_db
def test_public_statistics_hide_the_small_cells_only(client):
    """A call worked out by hand (threshold 5). 15 applications, 13 funded: projects 0-2 led
    by a Comune, 3-12 by a cooperative. Orientation in all 13, housing in 0-5, legal advice in
    0-1. Pratese has projects 0-6 (7), Pisana 7-10 (4), Senese 11-12 and 0 (3).

    Published: 15 applications, 13 funded. Sectors 3 + 10 = 13: the 3 is small, and with the
    total shown the 10 would give it away, so both read n.d. Actions overlap (no total to
    rebuild from): orientation 13, housing 6, legal advice 2 -> n.d., the rest 0. By sector:
    orientation 3 + 10 = 13 -> n.d., n.d.; housing 3 + 3 -> n.d., n.d.; legal advice 2 + 0,
    its total hidden -> n.d., 0. Zone: Pratese 7 shown (the map shades it), Pisana 4 and
    Senese 3 n.d.; ASL Centro 7, Nord-Ovest 4 n.d., Sud-Est 3 n.d."""
    call = make_call(statistics_public=True)
    specs = []
    for i in range(13):
        zones = ["pratese"] if i < 7 else ["pisana"] if i < 11 else ["senese"]
        specs.append(
            Spec(
                kind="comune" if i < 3 else "cooperativa_sociale",
                actions=["orientamento_servizi"]
                + ["supporto_abitare"] * (i < 6)
                + ["consulenza_legale"] * (i < 2),
                zones=zones + ["senese"] * (i == 0),
            )
        )
    specs += [Spec(status="not_funded", kind="aps"), Spec(status="withdrawn", kind="aps")]
    add_projects(call, specs)

    stats = call_statistics(call, public=True)
    assert (stats["applications"], stats["funded"]) == (15, 13)
    assert stats["funded_percent"] == Decimal("86.7")
    assert stats["lead_sector"] == {"public": None, "third_sector": None}
    actions = {a["code"]: a["projects"] for a in stats["actions"]}
    assert actions == {
        "orientamento_servizi": 13,
        "supporto_abitare": 6,
        "consulenza_legale": None,
        **{
            code: 0
            for code in ACTIONS
            if code not in {"orientamento_servizi", "supporto_abitare", "consulenza_legale"}
        },
    }
    cross = {
        row["code"]: (row["public"]["projects"], row["third_sector"]["projects"])
        for row in stats["actions_by_lead_sector"]
    }
    assert cross["orientamento_servizi"] == (None, None)
    assert cross["supporto_abitare"] == (None, None)
    assert cross["consulenza_legale"] == (None, 0)
    assert cross["lingua_italiana"] == (0, 0)
    zones = {z["code"]: (z["projects"], z["percent"]) for z in stats["zones"]}
    assert zones == {
        "pratese": (7, Decimal("53.8")),
        "pisana": (None, None),
        "senese": (None, None),
    }
    assert {a["code"]: a["projects"] for a in stats["asl"]} == {
        "centro": 7,
        "nord-ovest": None,
        "sud-est": None,
    }

    # The map reads the same figures: Pratese shaded, the two small zone marked n.d.
    square = {"type": "Polygon", "coordinates": [[[11, 43], [11.1, 43], [11.1, 43.1], [11, 43]]]}
    Zona.objects.filter(slug__in=["pratese", "pisana", "senese"]).update(geometry=square)
    features = client.get(reverse("funding:statistics-geojson", kwargs={"slug": call.slug})).json()[
        "features"
    ]
    classes = {f["properties"]["name"]: f["properties"]["class"] for f in features}
    assert classes["Pratese"] not in {"map-class-0", "map-class-nd"}
    assert classes["Pisana"] == classes["Senese"] == "map-class-nd"


@pytest.mark.django_db
def test_the_report_gives_the_share_of_applications_not_nd():
    from approdo.funding import report

    call = make_call(statistics_public=True)
    add_projects(call, [Spec()] * 6 + [Spec(status="not_funded")] * 2)
    built, _stats = report.build_report(call, public=True)
    [overview] = [table for table in built.tables if table.key == "overview"]
    assert overview.rows[0][1:] == [8, Decimal("100.0")]
    assert overview.rows[1][1:] == [6, Decimal("75.0")]


@pytest.mark.django_db
def test_a_hidden_zona_cannot_be_rebuilt_from_its_asl():
    """By hand (threshold 5): Nord-Ovest has Pisana with 6 projects and Livornese with 3, each
    project in one zona, so the ASL counts 9. Livornese's 3 is hidden; left alone it would be
    9 - 6, so Pisana is hidden too (the smallest other zona of the ASL). Pratese (Centro) with
    7 projects and its ASL are untouched. Every count is still right in the exact figures."""
    call = make_call(statistics_public=True)
    add_projects(
        call,
        [Spec(zones=["pisana"])] * 6
        + [Spec(zones=["livornese"])] * 3
        + [Spec(zones=["pratese"])] * 7,
    )
    stats = call_statistics(call, public=True)
    assert {z["code"]: z["projects"] for z in stats["zones"]} == {
        "livornese": None,
        "pisana": None,
        "pratese": 7,
    }
    assert {a["code"]: a["projects"] for a in stats["asl"]} == {"centro": 7, "nord-ovest": 9}
    exact = call_statistics(call, public=False)
    assert {z["code"]: z["projects"] for z in exact["zones"]} == {
        "livornese": 3,
        "pisana": 6,
        "pratese": 7,
    }
