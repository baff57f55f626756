"""Pages of the guidelines and of their uptake: who sees and does what, the one-page uptake
form of a zona, the dashboard and its map data, and bounded query counts."""

import pytest
from django.urls import reverse

from approdo.participation import guidelines
from approdo.participation.models import Guideline, GuidelineItem, Uptake
from approdo.participation.tests.factories import make_event
from approdo.participation.tests.test_guidelines import make_guideline, make_report
from approdo.territory.models import Zona


@pytest.fixture
def guideline(regione_admin):
    return make_guideline(regione_admin)


def items_of(guideline):
    return list(
        GuidelineItem.objects.filter(section__guideline=guideline).order_by(
            "section__order", "order"
        )
    )


def other_zona():
    return Zona.objects.exclude(slug="pratese").order_by("slug").first().slug


def uptake_url(guideline, zona="pratese"):
    return reverse(
        "participation:guideline-uptake-zona", kwargs={"slug": guideline.slug, "zona": zona}
    )


def form_data(items, per_item=None):
    per_item = per_item or {}
    data = {}
    for item in items:
        status, note, url = per_item.get(item.pk, ("", "", ""))
        data |= {f"status-{item.pk}": status, f"note-{item.pk}": note, f"plan_url-{item.pk}": url}
    return data


# --- Guidelines ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_published_to_everybody_and_drafts_to_regional_roles(
    client, regione_admin, guideline
):
    make_guideline(regione_admin, slug="bozza", published=False)
    page = client.get(reverse("participation:guideline-list"))
    assert page.status_code == 200
    assert [g.slug for g in page.context["guidelines"]] == ["piani-zonali"]
    client.force_login(regione_admin)
    page = client.get(reverse("participation:guideline-list"))
    assert {g.slug for g in page.context["guidelines"]} == {"piani-zonali", "bozza"}


@pytest.mark.django_db
def test_detail_shows_latest_published_version_and_older_on_request(
    client, regione_admin, guideline
):
    v2 = guidelines.new_version(guideline, by=regione_admin)
    item = items_of(v2)[0]
    guidelines.update_item(item, text="Testo della versione due", by=regione_admin)
    url = reverse("participation:guideline-detail", kwargs={"slug": guideline.slug})
    page = client.get(url)
    # v2 is a draft: the public reads v1 and cannot open v2.
    assert page.context["guideline"] == guideline
    assert "Testo della versione due" not in page.content.decode()
    assert client.get(url + "?versione=2").status_code == 404
    guidelines.publish(v2, by=regione_admin)
    page = client.get(url)
    assert page.context["guideline"].version == 2
    assert "Testo della versione due" in page.content.decode()
    old = client.get(url + "?versione=1")
    assert old.context["guideline"] == guideline and not old.context["is_latest"]
    assert client.get(url + "?versione=9").status_code == 404
    assert (
        client.get(reverse("participation:guideline-detail", args=["nessuna"])).status_code == 404
    )


@pytest.mark.django_db
def test_detail_names_each_items_source_report_and_table(client, guideline):
    page = client.get(reverse("participation:guideline-detail", kwargs={"slug": guideline.slug}))
    text = page.content.decode()
    item = items_of(guideline)[0]
    table = item.source.report.table
    assert f"synthesis report of {table.event.title}, table {table.number} ({table.title})" in text
    assert item.text in text


@pytest.mark.django_db
def test_regional_role_creates_edits_publishes_and_starts_a_new_version(client, regione_admin):
    event = make_event()
    report = make_report(event, 1, recommendations=2)
    client.force_login(regione_admin)
    form = client.get(reverse("participation:guideline-create"))
    assert form.status_code == 200
    assert report in form.context["form"].fields["reports"].queryset
    answer = client.post(
        reverse("participation:guideline-create"),
        {"slug": "nuove-linee", "title": "Nuove linee", "introduction": "", "reports": [report.pk]},
    )
    guideline = Guideline.objects.get(slug="nuove-linee")
    edit = reverse("participation:guideline-edit", kwargs={"slug": "nuove-linee", "version": 1})
    assert answer.status_code == 302 and answer["Location"] == edit
    section = guideline.sections.get()
    first, second = items_of(guideline)
    answer = client.post(
        edit,
        {
            "title": "Nuove linee guida",
            "introduction": "Perché",
            f"section-{section.pk}": "Accoglienza",
            f"item-{first.pk}": "Prima, riscritta",
            f"item-{second.pk}": second.text,
            "new_section": "Altro",
        },
    )
    assert answer.status_code == 302
    guideline.refresh_from_db()
    first.refresh_from_db()
    assert (guideline.title, first.text, first.source_id) == (
        "Nuove linee guida",
        "Prima, riscritta",
        first.source_id,
    )
    assert [s.title for s in guideline.sections.all()] == ["Accoglienza", "Altro"]

    publish = reverse(
        "participation:guideline-publish", kwargs={"slug": "nuove-linee", "version": 1}
    )
    assert client.get(publish).status_code == 405
    assert client.post(publish).status_code == 302
    guideline.refresh_from_db()
    assert guideline.status == Guideline.Status.PUBLISHED
    assert client.get(edit).status_code == 404  # a published version is frozen

    new = reverse("participation:guideline-new-version", kwargs={"slug": "nuove-linee"})
    answer = client.post(new)
    assert answer.status_code == 302
    assert Guideline.objects.get(slug="nuove-linee", version=2).status == Guideline.Status.DRAFT
    # A second new version while v2 is a draft is refused with a message, nothing created.
    client.post(new)
    assert Guideline.objects.filter(slug="nuove-linee").count() == 2


@pytest.mark.django_db
def test_create_refuses_a_taken_or_reserved_code(client, regione_admin, guideline):
    report = make_report(make_event(), 1)
    client.force_login(regione_admin)
    for slug in ["piani-zonali", "nuova"]:
        page = client.post(
            reverse("participation:guideline-create"),
            {"slug": slug, "title": "X", "reports": [report.pk]},
        )
        assert page.status_code == 200 and "slug" in page.context["form"].errors
    assert Guideline.objects.count() == 1


@pytest.mark.django_db
def test_others_cannot_write_guidelines(client, coop_member, zona_officer, guideline):
    publish = reverse(
        "participation:guideline-publish", kwargs={"slug": guideline.slug, "version": 1}
    )
    new = reverse("participation:guideline-new-version", kwargs={"slug": guideline.slug})
    for user in [coop_member, zona_officer]:
        client.force_login(user)
        assert client.get(reverse("participation:guideline-create")).status_code == 403
        assert client.post(new).status_code == 403
        assert client.post(publish).status_code == 403
    assert Guideline.objects.count() == 1


# --- Uptake ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_zona_page_is_public_to_read_and_a_form_for_its_officer(
    client, guideline, zona_officer, coop_member
):
    first, second, third = items_of(guideline)
    pratese = Zona.objects.get(slug="pratese")
    guidelines.record_uptake(
        item=first, zona=pratese, status="adopted", note="Fatto", by=zona_officer
    )
    page = client.get(uptake_url(guideline))
    assert page.status_code == 200 and page.context["form"] is None
    assert "Fatto" in page.content.decode()
    client.force_login(coop_member)
    assert client.get(uptake_url(guideline)).context["form"] is None
    assert client.post(uptake_url(guideline), form_data([first])).status_code == 403

    client.force_login(zona_officer)
    page = client.get(uptake_url(guideline))
    assert page.context["form"] is not None
    # Another zona: read only, and a POST is refused.
    assert client.get(uptake_url(guideline, other_zona())).context["form"] is None
    assert client.post(uptake_url(guideline, other_zona()), form_data([first])).status_code == 403

    answer = client.post(
        uptake_url(guideline),
        form_data(
            [first, second, third],
            {
                first.pk: ("adopted", "Fatto", ""),
                second.pk: ("in_progress", "In corso", "https://sds.example/piano"),
            },
        ),
    )
    assert answer.status_code == 302
    recorded = {u.item_id: (u.status, u.note, u.plan_url) for u in Uptake.objects.all()}
    assert recorded == {
        first.pk: ("adopted", "Fatto", ""),
        second.pk: ("in_progress", "In corso", "https://sds.example/piano"),
    }
    assert all(u.updated_by == zona_officer for u in Uptake.objects.filter(item=second))


@pytest.mark.django_db
def test_zona_form_reports_bad_rows_and_writes_nothing(client, guideline, zona_officer):
    first, second, third = items_of(guideline)
    client.force_login(zona_officer)
    page = client.post(
        uptake_url(guideline),
        form_data(
            [first, second, third],
            {
                first.pk: ("adopted", "", ""),
                second.pk: ("", "Una nota senza stato", ""),
                third.pk: ("adopted", "", "non un indirizzo"),
            },
        ),
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert f"plan_url-{third.pk}" in errors
    assert not Uptake.objects.exists()
    page = client.post(
        uptake_url(guideline),
        form_data([first, second, third], {second.pk: ("", "Una nota senza stato", "")}),
    )
    assert page.status_code == 200 and f"status-{second.pk}" in page.context["form"].errors
    assert not Uptake.objects.exists()


@pytest.mark.django_db
def test_unknown_zona_or_unpublished_guideline_is_404(client, regione_admin, guideline):
    assert client.get(uptake_url(guideline, "atlantide")).status_code == 404
    draft = make_guideline(regione_admin, slug="bozza", published=False)
    assert client.get(uptake_url(draft)).status_code == 404
    url = reverse("participation:guideline-uptake", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_dashboard_lists_every_zona_by_asl_with_counts_and_legend(client, guideline, zona_officer):
    first = items_of(guideline)[0]
    pratese = Zona.objects.get(slug="pratese")
    guidelines.record_uptake(item=first, zona=pratese, status="adopted", by=zona_officer)
    page = client.get(reverse("participation:guideline-uptake", kwargs={"slug": guideline.slug}))
    assert page.status_code == 200
    asls = page.context["asls"]
    assert len(asls) == 3
    assert sum(len(asl.zone_rows) for asl in asls) == 28
    row = next(r for asl in asls for r in asl.zone_rows if r.slug == "pratese")
    assert row.adopted == 1 and row.not_recorded == 2 and row.map_class.code == "c2"
    other = next(r for asl in asls for r in asl.zone_rows if r.slug != "pratese")
    assert other.map_class.code == "na"
    text = page.content.decode()
    # Legend and table say in words what the fills say.
    assert str(row.map_class.label) in text and "<caption>" in text and 'scope="row"' in text


@pytest.mark.django_db
def test_map_data_carries_class_and_words_for_zone_with_a_boundary(client, guideline):
    pratese = Zona.objects.get(slug="pratese")
    pratese.geometry = {
        "type": "Polygon",
        "coordinates": [[[11.0, 43.8], [11.2, 43.8], [11.2, 44.0], [11.0, 43.8]]],
    }
    pratese.save(update_fields=["geometry"])
    url = reverse("participation:guideline-uptake-geojson", kwargs={"slug": guideline.slug})
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    features = answer.json()["features"]
    with_boundary = Zona.objects.filter(geometry__isnull=False).count()
    assert len(features) == with_boundary
    mine = next(f for f in features if f["properties"]["name"] == pratese.name)
    assert mine["properties"]["class"] == "na"
    assert mine["properties"]["url"] == uptake_url(guideline)
    page = client.get(reverse("participation:guideline-uptake", kwargs={"slug": guideline.slug}))
    assert page.context["has_map"] and url in page.content.decode()


@pytest.mark.django_db
def test_dashboard_works_without_any_boundary(client, guideline):
    Zona.objects.update(geometry=None)
    page = client.get(reverse("participation:guideline-uptake", kwargs={"slug": guideline.slug}))
    assert page.status_code == 200 and not page.context["has_map"]
    assert "coverage-map" not in page.content.decode().replace("coverage-map-figure", "")


# --- Query counts ----------------------------------------------------------------------------


def more_content(regione_admin, zona_officer, guideline):
    """Sections, items and records enough to show a per-row query."""
    event = make_event()
    reports = [make_report(event, n, recommendations=4) for n in range(1, 5)]
    big = make_guideline(regione_admin, slug="grande", reports=reports)
    pratese = Zona.objects.get(slug="pratese")
    for item in items_of(big):
        guidelines.record_uptake(item=item, zona=pratese, status="in_progress", by=zona_officer)
    make_guideline(regione_admin, slug="altra")
    return big


@pytest.mark.django_db
def test_pages_take_a_bounded_number_of_queries(
    client, regione_admin, zona_officer, guideline, django_assert_max_num_queries
):
    big = more_content(regione_admin, zona_officer, guideline)
    pages = [
        (reverse("participation:guideline-list"), 2),
        (reverse("participation:guideline-detail", kwargs={"slug": big.slug}), 4),
        (reverse("participation:guideline-uptake", kwargs={"slug": big.slug}), 8),
        (reverse("participation:guideline-uptake-geojson", kwargs={"slug": big.slug}), 6),
        (uptake_url(big), 6),
    ]
    for url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    client.force_login(zona_officer)
    with django_assert_max_num_queries(10):
        page = client.get(uptake_url(big))
        assert page.status_code == 200 and page.context["form"] is not None
