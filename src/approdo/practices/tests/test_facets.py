"""The catalogue search (facets.find, and facets.matching for the downloads) against a brute
force over the practices themselves, for any catalogue and selection: the facet counts, the
total and the ids, with and without words; still after the lead organisation changes sector
or territory (reindexed by its post_save), and after the nightly refresh of the running
practices in a new year. The dates are given, never read from the clock. Run on SQLite and on
PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approdo.organizations.actions import update_organization
from approdo.practices import facets, search
from approdo.practices.models import Practice
from approdo.practices.tasks import refresh_running_practices
from approdo.practices.tests.test_catalogue_fixtures import make_practice
from approdo.taxonomy.models import TargetGroup

ZONE = ["pratese", "firenze", "pistoiese", "pisana"]
ACTIONS = ["orientamento_servizi", "supporto_abitare", "formazione_lavoro"]
TARGETS = ["senza_dimora", "disoccupati", "marginalita", "msna"]
FUNDING = ["FAMI", "FSE+", "Fondi  comunali"]  # two spaces: indexed as one
WORDS = ["Casa", "Lavoro", "Lingua", "Scuola"]
YEARS = range(2025, 2031)
TODAY = datetime.date(2028, 6, 1)  # the day the catalogue is indexed, unless said otherwise
FACETS = ("zone", "asl", "action", "target", "sector", "status", "year", "funding")


def brute_force(selection: facets.Selection, today: datetime.date):
    """(counts, ids) from the published practices themselves, without the index: the words
    from each practice's text (search.document_of), every facet value from its fields."""
    parents = dict(TargetGroup.objects.values_list("code", "parent_id"))
    wanted = set(selection.words)
    rows = {}
    published = Practice.objects.published().select_related("lead_organization")
    for practice in published.prefetch_related(
        "zone__asl", "actions", "targets", "partners", "comuni"
    ):
        title, body = search.document_of(practice)
        if not wanted <= set(title.split()) | set(body.split()):
            continue
        start, end = practice.start_date, practice.end_date
        last = end.year if end else max(start.year, today.year)
        targets = {target.code for target in practice.targets.all()}
        rows[practice.pk] = {
            "zone": {zona.slug for zona in practice.zone.all()},
            "asl": {zona.asl.slug for zona in practice.zone.all()},
            "action": {action.code for action in practice.actions.all()},
            "target": targets | {parents[code] for code in targets if parents[code]},
            "sector": {practice.lead_organization.sector},
            "status": {practice.status},
            "year": {str(year) for year in range(start.year, last + 1)},
            "funding": {" ".join(source.split()) for source in practice.funding_sources},
        }

    def having(values, facets_):  # a chosen value of each of these facets
        return all(values[f] & set(selection.chosen[f]) for f in facets_)

    counts = {}
    for facet in FACETS:  # each facet counted under the other facets' choices
        counts[facet] = {}
        others = [f for f in selection.chosen if f != facet]
        for values in rows.values():
            if having(values, others):
                for value in values[facet]:
                    counts[facet][value] = counts[facet].get(value, 0) + 1
    ids = {pk for pk, values in rows.items() if having(values, selection.chosen)}
    return counts, ids


def assert_search_agrees(selection: facets.Selection, today: datetime.date = TODAY) -> None:
    expected, ids = brute_force(selection, today)
    found = facets.find(selection, limit=None)
    for facet, numbers in expected.items():
        assert found.counts[facet] == numbers, facet
    assert found.total == len(ids)
    assert set(found.ids) == ids and len(found.ids) == len(ids)
    listed = facets.find(selection, limit=None, count=False)  # the API's path
    assert (listed.total, listed.ids) == (found.total, found.ids)
    assert set(facets.matching(selection).values_list("pk", flat=True)) == ids  # downloads
    if selection.order == "newest":
        newest = Practice.objects.filter(pk__in=ids).order_by("-published_at", "-pk")
        assert found.ids == list(newest.values_list("pk", flat=True))


def empty_catalogue() -> None:
    Practice.objects.all().delete()
    with connection.cursor() as cursor:  # rows of practices deleted by earlier examples
        cursor.execute("DELETE FROM practices_facet")
        cursor.execute("DELETE FROM practices_search")


def make_catalogue(specs: list[dict], leads: dict, today: datetime.date = TODAY) -> None:
    empty_catalogue()
    now = timezone.now()
    for number, spec in enumerate(specs):
        start = datetime.date(spec["start"], 3, 1)
        end = None if spec["length"] is None else datetime.date(start.year + spec["length"], 9, 30)
        practice = make_practice(
            " ".join(spec["title"]) or "Pratica",
            leads[spec["lead"]],
            code=f"H-{number}",
            zone=spec["zone"],
            actions=spec["actions"],
            targets=spec["targets"],
            status="ongoing" if end is None else "ended",
            start_date=start,
            end_date=end,
            funding=spec["funding"],
            published=spec["visibility"] != "draft",
        )
        # Distinct publication times, so that "newest" has one order; scheduled ones later.
        later = datetime.timedelta(days=1) if spec["visibility"] == "scheduled" else None
        published_at = now + later if later else now - datetime.timedelta(minutes=number + 1)
        Practice.objects.filter(pk=practice.pk).update(
            published_at=None if spec["visibility"] == "draft" else published_at
        )
    search.reindex(Practice.objects.values_list("pk", flat=True), today=today)


practice_strategy = st.fixed_dictionaries(
    {
        "title": st.lists(st.sampled_from(WORDS), max_size=2),
        "zone": st.sets(st.sampled_from(ZONE), min_size=1, max_size=2),
        "actions": st.sets(st.sampled_from(ACTIONS), max_size=3),
        "targets": st.sets(st.sampled_from(TARGETS), max_size=3),
        "funding": st.lists(st.sampled_from(FUNDING), max_size=2, unique=True),
        "lead": st.sampled_from(["prato", "coop", "other_coop"]),
        "start": st.sampled_from(YEARS),
        "length": st.none() | st.integers(min_value=0, max_value=2),  # None: still running
        "visibility": st.sampled_from(["published", "published", "draft", "scheduled"]),
    }
)
chosen_strategy = st.fixed_dictionaries(
    {},
    optional={
        "zone": st.lists(st.sampled_from(ZONE), min_size=1, max_size=2),
        "action": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2),
        "target": st.lists(st.sampled_from(TARGETS), min_size=1, max_size=2),
        "sector": st.lists(st.sampled_from(["public", "third_sector"]), min_size=1, max_size=1),
        "status": st.lists(st.sampled_from(["ongoing", "ended"]), min_size=1, max_size=1),
        "year": st.lists(st.sampled_from([str(year) for year in YEARS]), min_size=1, max_size=2),
        "funding": st.lists(st.sampled_from(["FAMI", "FSE+", "Fondi comunali"]), min_size=1),
    },
)
selection_strategy = st.builds(
    lambda words, chosen, sort: facets.Selection(
        q=" ".join(words), chosen={k: list(dict.fromkeys(v)) for k, v in chosen.items()}, sort=sort
    ),
    st.lists(st.sampled_from([*WORDS, "di"]), max_size=2),
    chosen_strategy,
    st.sampled_from(["", "newest", "title"]),
)
catalogue_strategy = st.lists(practice_strategy, min_size=1, max_size=8)
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def leads(prato, coop, other_coop):
    return {"prato": prato, "coop": coop, "other_coop": other_coop}


@pytest.mark.django_db
@EXAMPLES
@given(specs=catalogue_strategy, selection=selection_strategy)
def test_search_equals_brute_force(leads, specs, selection):
    make_catalogue(specs, leads)
    assert_search_agrees(selection)


@pytest.mark.django_db
@EXAMPLES
@given(
    specs=catalogue_strategy,
    selection=selection_strategy,
    changes=st.lists(
        st.tuples(
            st.sampled_from(["prato", "coop", "other_coop"]),
            st.sampled_from(["comune", "sds", "cooperativa_sociale", "aps"]),  # sector flips
            st.sampled_from(["100005", "048017", None]),  # seat: Prato, Firenze, none
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_search_follows_the_lead_organisations(leads, monkeypatch, specs, selection, changes):
    make_catalogue(specs, leads)
    # The reindexing after a save counts running practices' years to the local date: TODAY.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    for lead, kind, seat in changes:
        # As an approved change request does: a save, whose post_save reindexes.
        update_organization(leads[lead], by=None, kind=kind, seat_id=seat)
    assert_search_agrees(selection)


@pytest.mark.django_db
@EXAMPLES
@given(specs=catalogue_strategy, selection=selection_strategy)
def test_search_counts_the_new_year_after_the_nightly_refresh(leads, specs, selection):
    new_years_eve, new_year = datetime.date(2029, 12, 31), datetime.date(2030, 1, 1)
    make_catalogue(specs, leads, today=new_years_eve)
    assert_search_agrees(selection, today=new_years_eve)
    in_2030 = facets.Selection(chosen={"year": ["2030"]})
    running = Practice.objects.published().filter(end_date__isnull=True, start_date__year__lt=2030)
    running = set(running.values_list("pk", flat=True))
    assert running.isdisjoint(facets.find(in_2030, limit=None).ids)  # indexed in 2029
    indexed = Practice.objects.filter(published_at__isnull=False, end_date__isnull=True)
    assert refresh_running_practices.call(new_year.isoformat()) == indexed.count()
    assert_search_agrees(selection, today=new_year)
    assert running <= set(facets.find(in_2030, limit=None).ids)
