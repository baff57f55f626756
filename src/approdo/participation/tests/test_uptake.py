"""Recording the uptake of a guideline per zona distretto, and the figures per zona and ASL
checked against counting by hand over random records."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approdo.core.models import HistoryEntry
from approdo.participation import guidelines
from approdo.participation.models import GuidelineItem, Uptake
from approdo.participation.tests.test_guidelines import make_guideline
from approdo.territory.models import ASL, Zona


@pytest.fixture
def guideline(regione_admin):
    return make_guideline(regione_admin)


def items_of(guideline):
    return list(
        GuidelineItem.objects.filter(section__guideline=guideline).order_by(
            "section__order", "order"
        )
    )


@pytest.mark.django_db
def test_officer_records_and_updates_the_uptake_of_their_zona(guideline, zona_officer):
    pratese = Zona.objects.get(slug="pratese")
    item = items_of(guideline)[0]
    uptake = guidelines.record_uptake(
        item=item, zona=pratese, status="in_progress", note="In bozza", by=zona_officer
    )
    again = guidelines.record_uptake(
        item=item,
        zona=pratese,
        status="adopted",
        note="Approvato",
        plan_url="https://sds.example/piano.pdf",
        by=zona_officer,
    )
    assert again.pk == uptake.pk
    uptake.refresh_from_db()
    assert (uptake.status, uptake.note, uptake.plan_url, uptake.updated_by) == (
        "adopted",
        "Approvato",
        "https://sds.example/piano.pdf",
        zona_officer,
    )
    actions = list(
        HistoryEntry.objects.for_object(uptake).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["created", "updated"]
    # Nothing changed: nothing recorded.
    guidelines.record_uptake(
        item=item,
        zona=pratese,
        status="adopted",
        note="Approvato",
        plan_url="https://sds.example/piano.pdf",
        by=zona_officer,
    )
    assert HistoryEntry.objects.for_object(uptake).count() == 2


@pytest.mark.django_db
def test_zona_outside_the_scope_is_refused(guideline, zona_officer, coop_member, regione_admin):
    item = items_of(guideline)[0]
    firenze = Zona.objects.exclude(slug="pratese").first()
    with pytest.raises(PermissionDenied):
        guidelines.record_uptake(item=item, zona=firenze, status="adopted", by=zona_officer)
    with pytest.raises(PermissionDenied):
        guidelines.record_uptake(item=item, zona=firenze, status="adopted", by=coop_member)
    assert not Uptake.objects.exists()
    # Regional roles record for any zona.
    guidelines.record_uptake(item=item, zona=firenze, status="adopted", by=regione_admin)
    assert Uptake.objects.get().zona == firenze


@pytest.mark.django_db
def test_asl_officer_records_for_every_zona_of_the_asl(guideline):
    from approdo.organizations.tests.factories import make_organization, make_user

    asl = Zona.objects.get(slug="pratese").asl
    officer = make_user(
        "ufficio@asl.example",
        organization=make_organization("Azienda USL", "asl"),
        role="territory_viewer",
        asl=asl,
    )
    item = items_of(guideline)[0]
    for zona in Zona.objects.filter(asl=asl):
        guidelines.record_uptake(item=item, zona=zona, status="not_yet", by=officer)
    outside = Zona.objects.exclude(asl=asl).first()
    with pytest.raises(PermissionDenied):
        guidelines.record_uptake(item=item, zona=outside, status="not_yet", by=officer)
    assert Uptake.objects.count() == Zona.objects.filter(asl=asl).count()


@pytest.mark.django_db
def test_bad_values_and_drafts_are_refused(regione_admin, zona_officer):
    pratese = Zona.objects.get(slug="pratese")
    published = make_guideline(regione_admin)
    item = items_of(published)[0]
    with pytest.raises(ValidationError):
        guidelines.record_uptake(item=item, zona=pratese, status="done", by=zona_officer)
    with pytest.raises(ValidationError):
        guidelines.record_uptake(
            item=item,
            zona=pratese,
            status="adopted",
            plan_url="javascript:alert(1)",
            by=zona_officer,
        )
    draft = make_guideline(regione_admin, slug="bozza", published=False)
    with pytest.raises(ValidationError):
        guidelines.record_uptake(
            item=items_of(draft)[0], zona=pratese, status="adopted", by=zona_officer
        )
    assert not Uptake.objects.exists()


@pytest.mark.django_db
def test_record_uptakes_is_all_or_nothing(guideline, zona_officer):
    pratese = Zona.objects.get(slug="pratese")
    first, second, *_ = items_of(guideline)
    with pytest.raises(ValidationError):
        guidelines.record_uptakes(
            zona=pratese,
            entries=[
                {"item": first, "status": "adopted", "note": "", "plan_url": ""},
                {"item": second, "status": "bad", "note": "", "plan_url": ""},
            ],
            by=zona_officer,
        )
    assert not Uptake.objects.exists()


@pytest.mark.django_db
def test_figures_list_every_zona_and_keep_not_recorded_apart(guideline, zona_officer):
    pratese = Zona.objects.get(slug="pratese")
    first, second, third = items_of(guideline)
    guidelines.record_uptake(item=first, zona=pratese, status="adopted", by=zona_officer)
    guidelines.record_uptake(item=second, zona=pratese, status="not_applicable", by=zona_officer)
    data = guidelines.uptake_data(guideline)
    assert len(data) == Zona.objects.count() == 28
    row = next(r for r in data if r["zona"] == "pratese")
    assert row == {
        "zona": "pratese",
        "name": pratese.name,
        "asl": pratese.asl.slug,
        "asl_name": pratese.asl.name,
        "items": 3,
        "not_recorded": 1,
        "not_yet": 0,
        "in_progress": 0,
        "adopted": 1,
        "not_applicable": 1,
        "adopted_share": 0.5,
    }
    other = next(r for r in data if r["zona"] != "pratese")
    assert (other["not_recorded"], other["not_yet"], other["adopted_share"]) == (3, 0, 0.0)
    by_asl = {row.slug: row for row in guidelines.uptake_by_asl(guideline)}
    assert len(by_asl) == ASL.objects.count() == 3
    centro = by_asl[pratese.asl.slug]
    assert centro.items == 3 * Zona.objects.filter(asl=pratese.asl).count()
    assert centro.adopted == 1


@pytest.mark.django_db
def test_figures_take_bounded_queries(guideline, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        guidelines.uptake_by_zona(guideline)
    with django_assert_max_num_queries(3):
        guidelines.uptake_by_asl(guideline)


# --- Brute force -----------------------------------------------------------------------------

STATUS_VALUES = [value for value, _label in Uptake.Status.choices]
EXAMPLES = settings(
    max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
records_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 27), st.sampled_from(STATUS_VALUES)),
    max_size=60,
)


def brute_force(items, zone, uptakes):
    """Counting the records one by one in Python, the way a person would."""
    per_zona = {}
    for zona in zone:
        statuses = [u.status for u in uptakes if u.zona_id == zona.pk]
        counts = {s: statuses.count(s) for s in STATUS_VALUES}
        applicable = len(items) - counts["not_applicable"]
        per_zona[zona.slug] = {
            **counts,
            "not_recorded": len(items) - len(statuses),
            "adopted_share": counts["adopted"] / applicable if applicable else None,
        }
    per_asl = {}
    for zona in zone:
        totals = per_asl.setdefault(zona.asl.slug, dict.fromkeys(STATUS_VALUES, 0))
        totals.setdefault("not_recorded", 0)
        for key in [*STATUS_VALUES, "not_recorded"]:
            totals[key] += per_zona[zona.slug][key]
    return per_zona, per_asl


@pytest.mark.django_db
@EXAMPLES
@given(records=records_strategy, item_count=st.integers(1, 5))
def test_figures_equal_counting_by_hand(regione_admin, records, item_count):
    from approdo.participation.models import Guideline

    Uptake.objects.all().delete()
    Guideline.objects.all().delete()
    guideline = make_guideline(regione_admin, slug="prova")
    items = items_of(guideline)
    # One more section of hand-written items, so that sizes vary.
    section = guideline.sections.first()
    extra = GuidelineItem.objects.bulk_create(
        GuidelineItem(section=section, order=100 + n, text=f"Extra {n}") for n in range(item_count)
    )
    items += extra
    zone = list(Zona.objects.select_related("asl").order_by("pk"))
    for item_index, zona_index, status in records:
        Uptake.objects.update_or_create(
            item=items[item_index % len(items)], zona=zone[zona_index], defaults={"status": status}
        )
    per_zona, per_asl = brute_force(items, zone, list(Uptake.objects.all()))

    data = guidelines.uptake_data(guideline)
    assert {row["zona"] for row in data} == set(per_zona)
    for row in data:
        expected = per_zona[row["zona"]]
        assert {k: row[k] for k in expected} == expected
        assert sum(row[k] for k in [*STATUS_VALUES, "not_recorded"]) == row["items"] == len(items)
    for row in guidelines.uptake_by_asl(guideline):
        got = {status: row.counts.get(status, 0) for status in STATUS_VALUES}
        got["not_recorded"] = row.not_recorded
        assert got == per_asl[row.slug]


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------

THREADS = 10


@pytest.fixture
def tuscany_again(transactional_db):
    """A transactional test starts from an empty database: load the territory again."""
    from approdo.taxonomy.loading import load_taxonomies
    from approdo.territory.loading import load_territory

    load_territory()
    load_taxonomies()


@pytest.mark.django_db(transaction=True)
def test_officers_saving_at_once_leave_one_record_and_one_new_version(tuscany_again):
    from django.db import connection

    from approdo.core.tests import racing
    from approdo.organizations.tests.factories import make_organization, make_user
    from approdo.participation.models import Guideline

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write anyway")
    regione = make_organization("Regione Toscana", "regione", tax_code="01386030488")
    admin = make_user("admin@race.example", organization=regione, role="regional_admin")
    pratese = Zona.objects.get(slug="pratese")
    officer = make_user(
        "sds@race.example",
        organization=make_organization("SdS", "sds"),
        role="territory_viewer",
        zona=pratese,
    )
    guideline = make_guideline(admin, slug="gara")
    item = items_of(guideline)[0]

    results = racing.race(
        lambda i: guidelines.record_uptake(
            item=item, zona=pratese, status=STATUS_VALUES[i % 4], note=f"n{i}", by=officer
        ),
        THREADS,
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Uptake.objects.filter(item=item, zona=pratese).count() == 1
    uptake = Uptake.objects.get()
    assert HistoryEntry.objects.for_object(uptake).filter(action="created").count() == 1

    results = racing.race(lambda i: guidelines.new_version(guideline, by=admin), THREADS)
    created = [r for r in results if isinstance(r, Guideline)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(created), len(refused)) == (1, THREADS - 1)
    assert list(Guideline.objects.filter(slug="gara").values_list("version", flat=True)) == [2, 1]
    # The uptake came along to the one new version.
    assert Uptake.objects.filter(item__section__guideline=created[0]).count() == 1
