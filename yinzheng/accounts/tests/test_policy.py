"""The one policy: actions, roles and where grants may sit."""

import pytest

from yinzheng.accounts import policy, services
from yinzheng.accounts.choices import Department, Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories
from yinzheng.ledger.models import Entry

A1A, A1B = "620725101001", "620725101201"


def test_every_action_names_known_roles():
    for action in policy.actions():
        assert action.roles <= set(Role.values), action.code
        assert str(action.description)


@pytest.mark.django_db
def test_clerk_cannot_change_a_committee_status(tree):
    clerk = factories.user("c", role=Role.CLERK, at=A1A)
    assert not policy.can(clerk, "division.change_status", A1A)
    with pytest.raises(NotAllowed):
        policy.require(clerk, "division.change_status", A1A)


@pytest.mark.django_db
def test_civil_affairs_may_change_status_only_in_its_county(tree):
    officer = factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    assert policy.can(officer, "division.change_status", A1A)
    assert not policy.can(officer, "division.change_status", "440804001001")


@pytest.mark.django_db
def test_superuser_may_do_everything_and_inactive_user_nothing(tree):
    root = factories.user("root", superuser=True)
    assert policy.can(root, "grant.manage", A1A)
    root.is_active = False
    assert not policy.can(root, "grant.manage", A1A)


@pytest.mark.django_db
def test_committee_roles_cannot_be_granted_at_a_township(tree):
    user = factories.user("x")
    with pytest.raises(InvalidInput) as exc:
        services.grant_role(
            actor=SYSTEM, user=user, role=Role.CLERK, division_code="620725101"
        )
    assert exc.value.code == "role_level_invalid"


@pytest.mark.django_db
def test_department_role_needs_its_department(tree):
    user = factories.user("x")
    with pytest.raises(InvalidInput) as exc:
        services.grant_role(
            actor=SYSTEM, user=user, role=Role.DEPARTMENT, division_code="620725"
        )
    assert exc.value.code == "department_required"
    grant = services.grant_role(
        actor=SYSTEM,
        user=user,
        role=Role.DEPARTMENT,
        division_code="620725",
        department=Department.HEALTH,
    )
    assert grant.department == Department.HEALTH


@pytest.mark.django_db
def test_a_grant_is_given_once_and_audited(tree):
    user = factories.user("x")
    services.grant_role(actor=SYSTEM, user=user, role=Role.CLERK, division_code=A1A)
    with pytest.raises(Conflict):
        services.grant_role(actor=SYSTEM, user=user, role=Role.CLERK, division_code=A1A)
    assert (
        Entry.objects.filter(event="grant.created", chain__key="audit:620725").count()
        == 1
    )


@pytest.mark.django_db
def test_civil_affairs_may_grant_in_its_county_but_not_elsewhere(tree):
    officer = factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    user = factories.user("new")
    services.grant_role(actor=officer, user=user, role=Role.CLERK, division_code=A1B)
    with pytest.raises(NotAllowed):
        services.grant_role(
            actor=officer, user=user, role=Role.CLERK, division_code="440804001001"
        )


@pytest.mark.django_db
def test_revoked_grant_no_longer_shows_data(tree):
    clerk = factories.user("c", role=Role.CLERK, at=A1A)
    assert policy.scope(clerk, "division.view").covers(A1A)
    grant = clerk.grants.get()
    services.grant_revoke(actor=SYSTEM, grant_id=grant.pk)
    policy.forget(clerk)
    assert not policy.scope(clerk, "division.view").covers(A1A)
    events = list(
        Entry.objects.filter(subject=f"accounts.rolegrant:{grant.pk}").values_list(
            "event", flat=True
        )
    )
    assert events == ["grant.created", "grant.revoked"]


@pytest.mark.django_db
def test_township_is_told_which_committees_lack_a_head_or_custodian(tree, client):
    from yinzheng.divisions.selectors import committees_missing_staff

    township = factories.user("t", role=Role.TOWNSHIP, at="620725101")
    factories.user("h", role=Role.HEAD, at=A1A)
    factories.user("k", role=Role.CUSTODIAN, at=A1A)
    factories.user("h2", role=Role.HEAD, at=A1B)
    assert [d.code for d in committees_missing_staff(township)] == [A1B]
    client.force_login(township)
    home = client.get("/").content.decode()
    assert "未配齐主任和印章管理人" in home
    page = client.get("/accounts/staffing/", follow=True).content.decode()
    assert A1B in page and A1A not in page


@pytest.mark.django_db
def test_a_clerk_is_not_shown_the_staffing_list(tree):
    from yinzheng.divisions.selectors import committees_missing_staff

    clerk = factories.user("c", role=Role.CLERK, at=A1A)
    assert not committees_missing_staff(clerk).exists()


def test_an_action_limited_to_levels_ignores_grants_above_them(tree):
    """REQ-098: a write that counts county grants only; the province reads, never writes."""
    from yinzheng.core.codes import Level

    spec = policy.Action(
        "test.county_write",
        "county write",
        frozenset({Role.CIVIL_AFFAIRS}),
        frozenset({Level.COUNTY}),
    )
    policy.register(spec)
    county = factories.user("county-ca", role=Role.CIVIL_AFFAIRS, at="620725")
    province = factories.user("province-ca", role=Role.CIVIL_AFFAIRS, at="62")
    assert policy.can(county, "test.county_write", tree["A1a"])
    assert not policy.can(province, "test.county_write", tree["A1a"])
    assert policy.scope(province, "test.county_write").nowhere
    assert policy.can(province, "division.view", tree["A1a"])
