import pytest
from django.contrib.auth.models import AnonymousUser

from approdo.organizations import permissions
from approdo.organizations.models import Membership, Organization, Role
from approdo.organizations.tests.factories import make_organization, make_user
from approdo.territory.models import ASL

pytestmark = pytest.mark.django_db


def test_roles_are_read_once_per_user_object(prato_member, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert permissions.roles_of(prato_member) == {"org_manager"}
        permissions.is_regional(prato_member)
        permissions.can_read_everything(prato_member)
        permissions.organizations_of(prato_member)
        permissions.territory_scope(prato_member)


def test_anonymous_has_no_roles():
    anonymous = AnonymousUser()
    assert permissions.roles_of(anonymous) == set()
    assert not permissions.is_regional(anonymous)
    assert not permissions.can_read_everything(anonymous)
    assert not permissions.requires_two_factor(anonymous)
    assert permissions.grantable_roles(anonymous, None) == []


def test_role_predicates(regione_admin, anci_coordinator, analyst, prato_member, zona_officer):
    assert permissions.is_regional(regione_admin)
    assert permissions.is_regional(anci_coordinator)
    assert not permissions.is_regional(analyst)
    assert permissions.can_read_everything(analyst)
    assert not permissions.can_read_everything(prato_member)
    assert permissions.requires_two_factor(regione_admin)
    assert permissions.requires_two_factor(anci_coordinator)
    assert not permissions.requires_two_factor(analyst)
    assert not permissions.requires_two_factor(prato_member)


def test_superuser_requires_two_factor(db):
    root = make_user("root@example.org")
    root.is_superuser = True
    assert permissions.requires_two_factor(root)
    assert permissions.is_regional(root)


def test_organizations_of_and_territory_scope(prato_member, prato, zona_officer):
    assert list(permissions.organizations_of(prato_member)) == [prato]
    zona_ids, asl_ids = permissions.territory_scope(zona_officer)
    assert len(zona_ids) == 1 and asl_ids == set()
    assert permissions.territory_scope(prato_member) == (set(), set())


def test_staff_roles_see_every_organisation(regione_admin, analyst, prato, coop, other_coop):
    every = set(Organization.objects.all())
    assert set(Organization.objects.visible_to(regione_admin)) == every
    assert set(Organization.objects.visible_to(analyst)) == every


def test_members_see_only_their_organisation(prato_member, prato, coop, other_coop):
    assert list(Organization.objects.visible_to(prato_member)) == [prato]


def test_territory_officer_sees_organisations_seated_in_the_zona(zona_officer, prato, coop):
    pisa = make_organization("Comune di Pisa", "comune", seat_id="050026")
    visible = set(Organization.objects.visible_to(zona_officer))
    assert prato in visible
    assert pisa not in visible
    assert coop not in visible
    assert permissions.organizations_of(zona_officer).get().name.startswith("Società")


def test_territory_officer_by_asl_sees_the_whole_asl(prato):
    sds = make_organization("Azienda USL Toscana centro", "asl")
    officer = make_user(
        "asl@example.org",
        organization=sds,
        role="territory_viewer",
        asl=ASL.objects.get(slug="centro"),
    )
    firenze = make_organization("Comune di Firenze", "comune", seat_id="048017")
    pisa = make_organization("Comune di Pisa", "comune", seat_id="050026")
    visible = set(Organization.objects.visible_to(officer))
    assert {prato, firenze, sds} <= visible
    assert pisa not in visible


def test_anonymous_sees_no_organisation(prato):
    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_editable_by(
    regione_admin,
    anci_coordinator,
    analyst,
    prato_member,
    other_coop_member,
    prato,
    coop,
    other_coop,
):
    every = set(Organization.objects.all())
    assert set(Organization.objects.editable_by(regione_admin)) == every
    assert set(Organization.objects.editable_by(anci_coordinator)) == every
    assert not Organization.objects.editable_by(analyst).exists()
    assert list(Organization.objects.editable_by(prato_member)) == [prato]
    # An org_member does not edit their organisation.
    assert not Organization.objects.editable_by(other_coop_member).exists()


def test_grantable_roles(
    regione_admin,
    anci_coordinator,
    analyst,
    prato_member,
    zona_officer,
    other_coop_member,
    prato,
    coop,
    other_coop,
):
    assert permissions.grantable_roles(regione_admin, coop) == list(Role)
    assert Role.REGIONAL_ADMIN not in permissions.grantable_roles(anci_coordinator, coop)
    assert Role.COORDINATOR in permissions.grantable_roles(anci_coordinator, coop)
    assert permissions.grantable_roles(prato_member, prato) == [Role.ORG_MANAGER, Role.ORG_MEMBER]
    assert permissions.grantable_roles(prato_member, coop) == []
    assert permissions.grantable_roles(analyst, prato) == []
    assert permissions.grantable_roles(zona_officer, prato) == []
    assert permissions.grantable_roles(other_coop_member, other_coop) == []


def test_manageable_memberships(
    regione_admin, anci_coordinator, prato_member, coop_member, analyst, prato
):
    colleague = make_user("collega@comune.prato.it", organization=prato, role="org_member")
    colleague_membership = colleague.memberships.get()
    admin_membership = regione_admin.memberships.get()
    assert set(Membership.objects.manageable_by(regione_admin)) == set(Membership.objects.all())
    coordinator_sees = set(Membership.objects.manageable_by(anci_coordinator))
    assert admin_membership not in coordinator_sees
    assert colleague_membership in coordinator_sees
    assert set(Membership.objects.manageable_by(prato_member)) == {
        colleague_membership,
        prato_member.memberships.get(),
    }
    assert not Membership.objects.manageable_by(coop_member).filter(organization=prato).exists()
    assert not Membership.objects.manageable_by(analyst).exists()


def test_org_manager_cannot_manage_a_regional_role_in_their_organisation(prato_member, prato):
    seconded = make_user("distaccato@regione.toscana.it", organization=prato, role="coordinator")
    assert not Membership.objects.manageable_by(prato_member).filter(user=seconded).exists()


def test_organization_of_member_needs_one_of_the_roles_in_that_organisation(
    prato, prato_member, coop
):
    roles = {permissions.ORG_MEMBER, permissions.ORG_MANAGER}
    assert permissions.organization_of_member(prato_member, prato.pk, roles) == prato
    assert permissions.organization_of_member(prato_member, coop.pk, roles) is None
    assert permissions.organization_of_member(prato_member, prato.pk, {"coordinator"}) is None
    assert permissions.organization_of_member(prato_member, prato.pk, set()) is None
    assert permissions.organization_of_member(AnonymousUser(), prato.pk, roles) is None
