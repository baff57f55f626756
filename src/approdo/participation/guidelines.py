"""Guidelines for the zonal plans (piani integrati zonali) and their uptake per zona distretto.

A guideline is built from the recommendations of published synthesis reports: one section per
report, one item per recommendation, each item keeping its source statement (and so its report,
table and event). It is versioned: a published version is frozen, and `new_version` starts the
next one as a draft copy.

Uptake is recorded per item and zona, so it belongs to the version it was recorded on. A new
version copies the uptakes of the matching items (same section and item position, same source
statement, or the same text when there is none), and publishing it copies again whatever
officers recorded on the previous version in the meantime: officers keep their records while
the old version keeps its own history unchanged.

Figures: a zona that recorded nothing for an item counts as "not recorded", kept apart from
"not yet" (an officer's statement that the plan does not take it up yet), because the two mean
different things to whoever follows the plans. The adopted share is adopted items over the
items that apply to the zona (all items less those it declared "not applicable"); a
recommendation not recorded counts as not adopted. It is None when no item applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.core.history import record_history, save_tracked
from approdo.participation import permissions
from approdo.participation.models import (
    Guideline,
    GuidelineItem,
    GuidelineSection,
    Statement,
    SynthesisReport,
    Uptake,
)
from approdo.territory.models import ASL, Zona

STATUSES = [value for value, _label in Uptake.Status.choices]
NOT_RECORDED = "not_recorded"
# Paths of the guideline pages that a slug must not shadow.
RESERVED_SLUGS = frozenset({"nuova"})


def section_title(report: SynthesisReport) -> str:
    table = report.table
    return f"{table.event.title}: {table.number}. {table.title}"


# --- Writing a guideline ---------------------------------------------------------------------


def _require_draft(guideline: Guideline) -> None:
    if guideline.status != Guideline.Status.DRAFT:
        raise ValidationError(_("A published version cannot change: start a new version."))


@transaction.atomic
def create_guideline(*, slug: str, title: str, introduction: str = "", reports, by) -> Guideline:
    """Version 1 of a guideline, a draft, with one section per report (by event date and table
    number) holding that report's recommendations in their order."""
    if slug in RESERVED_SLUGS or Guideline.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This code is already used.")})
    reports = list(
        SynthesisReport.objects.filter(pk__in=[getattr(r, "pk", r) for r in reports])
        .select_related("table__event")
        .order_by("table__event__starts_at", "table__event__slug", "table__number")
    )
    if not reports:
        raise ValidationError({"reports": _("Choose at least one report.")})
    if any(report.status != SynthesisReport.Status.PUBLISHED for report in reports):
        raise ValidationError({"reports": _("Only published reports can feed a guideline.")})
    try:
        with transaction.atomic():
            guideline = Guideline.objects.create(slug=slug, title=title, introduction=introduction)
    except IntegrityError:  # created by somebody else at the same moment
        raise ValidationError({"slug": _("This code is already used.")}) from None
    guideline.reports.set(reports)
    recommendations = Statement.objects.filter(
        report__in=reports, kind=Statement.Kind.RECOMMENDATION
    ).order_by("order", "pk")
    by_report: dict[int, list[Statement]] = {}
    for statement in recommendations:
        by_report.setdefault(statement.report_id, []).append(statement)
    items = []
    for order, report in enumerate(reports, start=1):
        section = GuidelineSection.objects.create(
            guideline=guideline, order=order, title=section_title(report)[:300]
        )
        items += [
            GuidelineItem(section=section, order=n, text=statement.text, source=statement)
            for n, statement in enumerate(by_report.get(report.pk, []), start=1)
        ]
    GuidelineItem.objects.bulk_create(items)
    record_history(guideline, by=by, action="created")
    return guideline


@transaction.atomic
def update_guideline(guideline: Guideline, *, title: str, introduction: str, by) -> dict:
    _require_draft(guideline)
    return save_tracked(
        guideline,
        {"title": title, "introduction": introduction},
        ["title", "introduction"],
        by=by,
    )


@transaction.atomic
def update_item(item: GuidelineItem, *, text: str, by) -> bool:
    """Reword a recommendation of a draft; its source stays. True when it changed."""
    guideline = item.section.guideline
    _require_draft(guideline)
    if not text.strip():
        raise ValidationError({"text": _("A recommendation cannot be empty.")})
    if item.text == text:
        return False
    old = item.text
    item.text = text
    item.save(update_fields=["text"])
    record_history(
        guideline,
        by=by,
        action="updated",
        changes={f"item {item.section.order}.{item.order}": [old, text]},
    )
    return True


@transaction.atomic
def add_section(guideline: Guideline, *, title: str, by) -> GuidelineSection:
    _require_draft(guideline)
    last = guideline.sections.aggregate(last=Max("order"))["last"] or 0
    section = GuidelineSection.objects.create(guideline=guideline, order=last + 1, title=title)
    record_history(guideline, by=by, action="updated", changes={"section": [None, title]})
    return section


@transaction.atomic
def update_section(section: GuidelineSection, *, title: str, by) -> bool:
    _require_draft(section.guideline)
    if not title.strip():
        raise ValidationError({"title": _("A section needs a title.")})
    if section.title == title:
        return False
    old = section.title
    section.title = title
    section.save(update_fields=["title"])
    record_history(
        section.guideline,
        by=by,
        action="updated",
        changes={f"section {section.order}": [old, title]},
    )
    return True


def latest_version(slug: str) -> Guideline | None:
    return Guideline.objects.filter(slug=slug).order_by("-version").first()


def latest_published(slug: str) -> Guideline | None:
    return (
        Guideline.objects.filter(slug=slug, status=Guideline.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def publish(guideline: Guideline, *, by) -> Guideline:
    """Publish a draft. From version 2 on, what officers recorded on the previous version
    since this draft was copied is brought over, so no record is lost."""
    guideline = Guideline.objects.select_for_update().get(pk=guideline.pk)
    _require_draft(guideline)
    if not GuidelineItem.objects.filter(section__guideline=guideline).exists():
        raise ValidationError(_("A guideline needs at least one recommendation."))
    previous = (
        Guideline.objects.filter(
            slug=guideline.slug, version__lt=guideline.version, status=Guideline.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )
    if previous is not None:
        carry_uptakes(previous, guideline)
    guideline.status = Guideline.Status.PUBLISHED
    guideline.published_at = timezone.now()
    guideline.save(update_fields=["status", "published_at", "updated_at"])
    record_history(guideline, by=by, action="published")
    return guideline


@transaction.atomic
def new_version(guideline: Guideline, *, by) -> Guideline:
    """A draft copy of the latest version (which must be published) as version + 1, with its
    sections, items and the uptakes recorded on them."""
    latest = Guideline.objects.select_for_update().filter(slug=guideline.slug)
    latest = latest.order_by("-version").first()
    if latest.pk != guideline.pk:
        raise ValidationError(_("Only the latest version can be the base of a new one."))
    if guideline.status != Guideline.Status.PUBLISHED:
        raise ValidationError(_("This version is still a draft: edit it instead."))
    try:
        # The lock above serialises callers that read the same latest version; one that read
        # it after another's commit still meets the unique version here.
        with transaction.atomic():
            copy = Guideline.objects.create(
                slug=guideline.slug,
                version=guideline.version + 1,
                title=guideline.title,
                introduction=guideline.introduction,
            )
    except IntegrityError:
        raise ValidationError(_("Another version was created meanwhile.")) from None
    copy.reports.set(guideline.reports.all())
    for section in guideline.sections.prefetch_related("items"):
        new_section = GuidelineSection.objects.create(
            guideline=copy, order=section.order, title=section.title
        )
        GuidelineItem.objects.bulk_create(
            GuidelineItem(section=new_section, order=i.order, text=i.text, source_id=i.source_id)
            for i in section.items.all()
        )
    carry_uptakes(guideline, copy)
    record_history(copy, by=by, action="created", note=f"v{guideline.version}")
    return copy


def _item_key(item: GuidelineItem) -> tuple:
    # The source tells items apart; an item without one (added by hand) is known by its text.
    return (item.section.order, item.order, item.source_id or item.text)


def carry_uptakes(old: Guideline, new: Guideline) -> int:
    """Copy onto `new`'s matching items the uptakes of `old` that `new` lacks or that changed
    after `new`'s copy; returns how many were written."""
    new_items = {
        _item_key(item): item
        for item in GuidelineItem.objects.filter(section__guideline=new).select_related("section")
    }
    old_uptakes = Uptake.objects.filter(item__section__guideline=old).select_related(
        "item__section"
    )
    existing = {
        (u.item_id, u.zona_id): u for u in Uptake.objects.filter(item__section__guideline=new)
    }
    create, update = [], []
    for uptake in old_uptakes:
        target = new_items.get(_item_key(uptake.item))
        if target is None:
            continue
        current = existing.get((target.pk, uptake.zona_id))
        values = {
            "status": uptake.status,
            "note": uptake.note,
            "plan_url": uptake.plan_url,
            "updated_by_id": uptake.updated_by_id,
        }
        if current is None:
            create.append(Uptake(item=target, zona_id=uptake.zona_id, **values))
        elif uptake.updated_at > current.updated_at and any(
            getattr(current, k) != v for k, v in values.items()
        ):
            for name, value in values.items():
                setattr(current, name, value)
            update.append(current)
    Uptake.objects.bulk_create(create)
    # bulk_update skips auto_now: set it so a later carry sees these as the newest.
    now = timezone.now()
    for uptake in update:
        uptake.updated_at = now
    Uptake.objects.bulk_update(update, ["status", "note", "plan_url", "updated_by", "updated_at"])
    return len(create) + len(update)


# --- Uptake ----------------------------------------------------------------------------------

_url = URLValidator(schemes=["http", "https"])


@transaction.atomic
def record_uptake(
    *, item: GuidelineItem, zona: Zona, status: str, note: str = "", plan_url: str = "", by
) -> Uptake:
    """Create or update the uptake of `item` in `zona` (on the latest published version)."""
    if not permissions.can_record_uptake(by, zona):
        raise PermissionDenied(_("You cannot record the uptake of this zona distretto."))
    guideline = item.section.guideline
    if guideline.status != Guideline.Status.PUBLISHED:
        raise ValidationError(_("Uptake is recorded on published guidelines only."))
    # A superseded version keeps the records it had: they are history, carried to the next.
    if Guideline.objects.filter(
        slug=guideline.slug, version__gt=guideline.version, status=Guideline.Status.PUBLISHED
    ).exists():
        raise ValidationError(_("A newer version is published: record the uptake there."))
    if status not in STATUSES:
        raise ValidationError({"status": _("Choose a valid status.")})
    if plan_url:
        _url(plan_url)
    values = {"status": status, "note": note, "plan_url": plan_url, "updated_by": by}
    uptake, created = Uptake.objects.get_or_create(item=item, zona=zona, defaults=values)
    if created:
        record_history(
            uptake,
            by=by,
            action="created",
            changes={"status": [None, status], "note": [None, note], "plan_url": [None, plan_url]},
        )
        return uptake
    uptake = Uptake.objects.select_for_update().get(pk=uptake.pk)
    if (uptake.status, uptake.note, uptake.plan_url) != (status, note, plan_url):
        save_tracked(uptake, values, ["status", "note", "plan_url"], by=by)
    return uptake


@transaction.atomic
def record_uptakes(*, zona: Zona, entries: list[dict], by) -> int:
    """Record several items of one zona at once (the zona's page): each entry holds item,
    status, note, plan_url. All or nothing; returns how many were written."""
    written = 0
    for entry in entries:
        record_uptake(zona=zona, by=by, **entry)
        written += 1
    return written


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class UptakeRow:
    """The uptake of a guideline in one area (a zona or an ASL)."""

    slug: str
    name: str
    items: int  # recommendations the area answers for (per zona: the guideline's items)
    counts: dict[str, int] = field(default_factory=dict)  # status -> items
    asl_slug: str = ""
    asl_name: str = ""
    zone: int = 1

    @property
    def not_recorded(self) -> int:
        return self.items - sum(self.counts.values())

    @property
    def applicable(self) -> int:
        return self.items - self.counts.get(Uptake.Status.NOT_APPLICABLE, 0)

    @property
    def adopted(self) -> int:
        return self.counts.get(Uptake.Status.ADOPTED, 0)

    @property
    def adopted_share(self) -> float | None:
        return self.adopted / self.applicable if self.applicable else None

    @property
    def ordered_counts(self) -> list[tuple[str, int]]:
        others = [(status, self.counts.get(status, 0)) for status in STATUSES]
        return [(NOT_RECORDED, self.not_recorded), *others]


def _status_counts() -> dict:
    return {status: Count("pk", filter=Q(status=status)) for status in STATUSES}


def item_count(guideline: Guideline) -> int:
    return GuidelineItem.objects.filter(section__guideline=guideline).count()


def uptake_by_zona(guideline: Guideline) -> list[UptakeRow]:
    """Every zona (by ASL, then name), with its counts per status; zone that recorded nothing
    are listed too. Three queries."""
    items = item_count(guideline)
    grouped = {
        row.pop("zona_id"): row
        for row in Uptake.objects.filter(item__section__guideline=guideline)
        .order_by()
        .values("zona_id")
        .annotate(**_status_counts())
    }
    return [
        UptakeRow(
            slug=zona.slug,
            name=zona.name,
            items=items,
            counts=grouped.get(zona.pk, dict.fromkeys(STATUSES, 0)),
            asl_slug=zona.asl.slug,
            asl_name=zona.asl.name,
        )
        for zona in Zona.objects.defer("geometry", "asl__geometry")
        .select_related("asl")
        .order_by("asl__name", "name")
    ]


def uptake_by_asl(guideline: Guideline) -> list[UptakeRow]:
    """Every ASL with the counts of its zone summed: an ASL answers for items x zone."""
    items = item_count(guideline)
    grouped = {
        row.pop("zona__asl_id"): row
        for row in Uptake.objects.filter(item__section__guideline=guideline)
        .order_by()
        .values("zona__asl_id")
        .annotate(**_status_counts())
    }
    return [
        UptakeRow(
            slug=asl.slug,
            name=asl.name,
            items=items * asl.zone_count,
            counts=grouped.get(asl.pk, dict.fromkeys(STATUSES, 0)),
            zone=asl.zone_count,
        )
        for asl in ASL.objects.defer("geometry").annotate(zone_count=Count("zone")).order_by("name")
    ]


def uptake_data(guideline: Guideline) -> list[dict]:
    """The uptake of `guideline` per zona distretto, for the API. Stable shape, one dict per
    zona (all of them, by ASL then name):

    {"zona": slug, "name": str, "asl": ASL slug, "asl_name": str,
     "items": recommendations in the guideline, "not_recorded": int, "not_yet": int,
     "in_progress": int, "adopted": int, "not_applicable": int,
     "adopted_share": adopted / (items - not_applicable) as a float in [0, 1], or None}

    The six counts add up to "items"."""
    return [
        {
            "zona": row.slug,
            "name": row.name,
            "asl": row.asl_slug,
            "asl_name": row.asl_name,
            "items": row.items,
            "not_recorded": row.not_recorded,
            **{status: row.counts.get(status, 0) for status in STATUSES},
            "adopted_share": row.adopted_share,
        }
        for row in uptake_by_zona(guideline)
    ]


def last_updated(guideline: Guideline) -> datetime.datetime | None:
    return Uptake.objects.filter(item__section__guideline=guideline).aggregate(
        last=Max("updated_at")
    )["last"]
