import collections

import pytest

from approdo.organizations.tests.factories import make_organization
from approdo.participation import figures
from approdo.participation.tests.factories import make_event, make_registration
from approdo.territory.models import ComuneZona

pytestmark = pytest.mark.django_db


def test_figures_equal_a_count_made_by_hand(prato, coop):
    firenze = make_organization("Comune di Firenze", "comune", seat_id="048017")
    event = make_event()
    people = [
        make_registration(event, organization=prato),
        make_registration(event, organization=prato),
        make_registration(event, organization=firenze),
        make_registration(event, organization=coop),  # no seat: no territory
        make_registration(event, organization_name="Gruppo informale"),
        make_registration(event, organization=coop, status="waiting"),  # not a participant
        make_registration(event, organization=firenze, status="cancelled"),
    ]

    result = figures.participation(event)

    counted = [p for p in people if p.status == "registered"]
    assert result.participants == len(counted) == 5
    assert result.organisations == 4  # Prato, Firenze, the cooperative, the informal group
    kinds = collections.Counter(p.organization.kind for p in counted if p.organization)
    assert sorted(n for _, n in result.by_kind) == sorted(kinds.values())
    zone = collections.Counter()
    for p in counted:
        if p.organization and p.organization.seat_id:
            link = ComuneZona.objects.valid_on().get(comune_id=p.organization.seat_id)
            zone[link.zona.name] += 1
    assert dict(result.by_zona) == dict(zone)
    assert sum(n for _, n in result.by_asl) == sum(zone.values())
    assert result.without_territory == 2
    assert not result.attendance_taken


def test_once_attendance_is_taken_only_those_present_count(prato):
    event = make_event()
    present = make_registration(event, organization=prato, attended=True)
    make_registration(event, organization=prato)

    result = figures.participation(event)

    assert result.attendance_taken
    assert result.participants == 1
    assert figures.participants(event).get() == present
