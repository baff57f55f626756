"""Guideline actions: building from reports, editing drafts, publishing, new versions (with
the uptakes carried over), and the history they leave."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.participation import guidelines
from approdo.participation.models import (
    Guideline,
    GuidelineItem,
    Statement,
    SynthesisReport,
    Uptake,
)
from approdo.participation.tests.factories import make_event, make_table
from approdo.territory.models import Zona


def make_report(event, number=1, recommendations=2, findings=1, status="published"):
    table = make_table(event, number=number, questions=0)
    report = SynthesisReport.objects.create(
        table=table,
        status=status,
        published_at=timezone.now() if status == "published" else None,
    )
    # Created out of order, so that the guideline has to follow `order`.
    for order in range(recommendations, 0, -1):
        Statement.objects.create(
            report=report,
            kind=Statement.Kind.RECOMMENDATION,
            order=order,
            text=f"Raccomandazione {number}.{order}",
        )
    for order in range(1, findings + 1):
        Statement.objects.create(
            report=report, kind=Statement.Kind.FINDING, order=order, text=f"Rilievo {order}"
        )
    return report


def make_guideline(by, slug="piani-zonali", reports=None, published=True, **kw):
    if reports is None:
        event = make_event()
        reports = [make_report(event, 1), make_report(event, 2, recommendations=1)]
    guideline = guidelines.create_guideline(
        slug=slug, title="Linee guida per i piani zonali", introduction="", reports=reports, by=by
    )
    if published:
        guideline = guidelines.publish(guideline, by=by)
    return guideline


@pytest.mark.django_db
def test_create_builds_one_section_per_report_with_its_recommendations_in_order(regione_admin):
    early = make_event(slug="primo", starts_at=timezone.now() - timezone.timedelta(days=30))
    late = make_event(slug="secondo")
    second = make_report(late, 1, recommendations=1)
    first_b = make_report(early, 2, recommendations=2)
    first_a = make_report(early, 1, recommendations=3)
    guideline = guidelines.create_guideline(
        slug="pz",
        title="Linee",
        introduction="Intro",
        reports=[second, first_b, first_a],
        by=regione_admin,
    )
    assert guideline.version == 1 and guideline.status == Guideline.Status.DRAFT
    sections = list(guideline.sections.all())
    assert [s.title for s in sections] == [
        f"{early.title}: 1. Tavolo 1",
        f"{early.title}: 2. Tavolo 2",
        f"{late.title}: 1. Tavolo 1",
    ]
    assert [i.text for i in sections[0].items.all()] == [
        "Raccomandazione 1.1",
        "Raccomandazione 1.2",
        "Raccomandazione 1.3",
    ]
    # Findings are not recommendations; every item keeps its source statement.
    items = GuidelineItem.objects.filter(section__guideline=guideline)
    assert items.count() == 6
    assert all(i.source.kind == Statement.Kind.RECOMMENDATION for i in items)
    assert all(i.source.text == i.text for i in items)
    assert set(guideline.reports.all()) == {second, first_a, first_b}
    assert HistoryEntry.objects.for_object(guideline).filter(action="created").exists()


@pytest.mark.django_db
def test_create_refuses_unpublished_reports_taken_codes_and_no_report(regione_admin):
    event = make_event()
    draft = make_report(event, 1, status="draft")
    with pytest.raises(ValidationError):
        guidelines.create_guideline(slug="a", title="A", reports=[draft], by=regione_admin)
    with pytest.raises(ValidationError):
        guidelines.create_guideline(slug="a", title="A", reports=[], by=regione_admin)
    make_guideline(regione_admin, slug="preso")
    with pytest.raises(ValidationError):
        guidelines.create_guideline(
            slug="preso", title="A", reports=[make_report(event, 2)], by=regione_admin
        )
    with pytest.raises(ValidationError):
        guidelines.create_guideline(
            slug="nuova", title="A", reports=[make_report(event, 3)], by=regione_admin
        )
    assert not Guideline.objects.filter(slug__in=["a", "nuova"]).exists()


@pytest.mark.django_db
def test_drafts_can_be_edited_published_versions_cannot(regione_admin):
    guideline = make_guideline(regione_admin, published=False)
    item = GuidelineItem.objects.filter(section__guideline=guideline).first()
    assert guidelines.update_item(item, text="Nuovo testo", by=regione_admin)
    assert not guidelines.update_item(item, text="Nuovo testo", by=regione_admin)
    section = guidelines.add_section(guideline, title="Altro", by=regione_admin)
    assert section.order == 3
    assert guidelines.update_section(section, title="Altro ancora", by=regione_admin)
    with pytest.raises(ValidationError):
        guidelines.update_item(item, text="  ", by=regione_admin)
    guidelines.publish(guideline, by=regione_admin)
    item.refresh_from_db()
    assert item.text == "Nuovo testo"
    item.section.guideline.refresh_from_db()
    with pytest.raises(ValidationError):
        guidelines.update_item(item, text="Ancora", by=regione_admin)
    with pytest.raises(ValidationError):
        guidelines.publish(guideline, by=regione_admin)


@pytest.mark.django_db
def test_publish_needs_a_recommendation(regione_admin):
    event = make_event()
    empty = make_report(event, 1, recommendations=0)
    guideline = guidelines.create_guideline(
        slug="vuota", title="Vuota", reports=[empty], by=regione_admin
    )
    with pytest.raises(ValidationError):
        guidelines.publish(guideline, by=regione_admin)


@pytest.mark.django_db
def test_new_version_copies_sections_items_and_uptakes(regione_admin, zona_officer):
    v1 = make_guideline(regione_admin)
    pratese = Zona.objects.get(slug="pratese")
    first, second, third = GuidelineItem.objects.filter(section__guideline=v1).order_by(
        "section__order", "order"
    )
    guidelines.record_uptake(
        item=first, zona=pratese, status="adopted", plan_url="https://pz.example/p", by=zona_officer
    )
    guidelines.record_uptake(item=third, zona=pratese, status="in_progress", by=zona_officer)

    v2 = guidelines.new_version(v1, by=regione_admin)
    assert (v2.version, v2.status, v2.slug) == (2, Guideline.Status.DRAFT, v1.slug)
    copies = list(
        GuidelineItem.objects.filter(section__guideline=v2).order_by("section__order", "order")
    )
    assert [(c.text, c.source_id) for c in copies] == [
        (i.text, i.source_id) for i in (first, second, third)
    ]
    assert {(u.item_id, u.status, u.plan_url) for u in Uptake.objects.filter(item__in=copies)} == {
        (copies[0].pk, "adopted", "https://pz.example/p"),
        (copies[2].pk, "in_progress", ""),
    }
    # The old version keeps its own records.
    assert Uptake.objects.filter(item__section__guideline=v1).count() == 2
    # Only the latest, published version is a base.
    with pytest.raises(ValidationError):
        guidelines.new_version(v1, by=regione_admin)
    with pytest.raises(ValidationError):
        guidelines.new_version(v2, by=regione_admin)

    # Recorded on v1 while v2 was a draft: publishing v2 brings it over.
    guidelines.record_uptake(item=second, zona=pratese, status="adopted", by=zona_officer)
    guidelines.record_uptake(item=third, zona=pratese, status="adopted", by=zona_officer)
    guidelines.publish(v2, by=regione_admin)
    assert sorted(Uptake.objects.filter(item__in=copies).values_list("status", flat=True)) == [
        "adopted",
        "adopted",
        "adopted",
    ]
    assert guidelines.latest_published(v1.slug) == v2
    # v1 is superseded: its records stay as they were.
    with pytest.raises(ValidationError):
        guidelines.record_uptake(item=first, zona=pratese, status="not_yet", by=zona_officer)
    assert Uptake.objects.get(item=first, zona=pratese).status == "adopted"
