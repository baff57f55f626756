"""Builders shared by the catalogue tests: practices written straight to the database, then
indexed as the editorial actions do (search.reindex)."""

import datetime

from django.utils import timezone

from approdo.practices import search
from approdo.practices.models import Practice
from approdo.territory.models import ComuneZona


def make_practice(
    title: str,
    lead,
    *,
    summary: str = "",
    description: str = "",
    zone=(),
    comuni=(),
    actions=(),
    targets=(),
    partners=(),
    status: str = "ongoing",
    start_date: datetime.date | None = datetime.date(2022, 3, 1),
    end_date: datetime.date | None = None,
    funding=(),
    published: bool = True,
    **fields,
) -> Practice:
    practice = Practice.objects.create(
        title=title,
        summary=summary,
        description=description,
        lead_organization=lead,
        status=status,
        start_date=start_date,
        end_date=end_date,
        funding_sources=list(funding),
        published_at=timezone.now() - datetime.timedelta(hours=1) if published else None,
        **fields,
    )
    practice.comuni.set(comuni)
    zona_ids = set(
        ComuneZona.objects.valid_on().filter(comune__in=comuni).values_list("zona_id", flat=True)
    )
    from approdo.territory.models import Zona

    zona_ids |= set(Zona.objects.filter(slug__in=zone).values_list("pk", flat=True))
    practice.zone.set(zona_ids)
    practice.actions.set(actions)
    practice.targets.set(targets)
    practice.partners.set(partners)
    search.reindex([practice.pk])
    return practice
