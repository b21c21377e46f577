"""policy.scope(): where a user may take an action, and the Scope it answers with."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from yinzheng.accounts import policy, services
from yinzheng.accounts.choices import Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import COUNTRY_CODE
from yinzheng.core.tests import factories
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.ledger.models import Entry

A1A, A1B, A2A, B1A = "620725101001", "620725101201", "620725102001", "440804001001"

# Codes of every level below two counties, as the statistical tree writes them.
codes = st.sampled_from(
    [
        "62",
        "6207",
        "620725",
        "620725101",
        A1A,
        A1B,
        "620725102",
        A2A,
        "44",
        "4408",
        "440804",
        "440804001",
        B1A,
    ]
)


@given(st.lists(codes, max_size=6), codes)
def test_a_scope_covers_exactly_the_subtrees_of_its_codes(granted, code):
    scope = policy.Scope.of(granted)
    assert scope.covers(code) is any(code.startswith(g) for g in granted)
    # Reduced to top nodes: none lies inside another.
    assert all(
        not (a != b and a.startswith(b)) for a in scope.codes for b in scope.codes
    )
    assert policy.Scope.of(scope.codes) == scope


@given(st.lists(codes, max_size=4), st.lists(codes, max_size=4), codes)
def test_the_union_of_scopes_covers_what_either_covers(left, right, code):
    a, b = policy.Scope.of(left), policy.Scope.of(right)
    assert (a | b).covers(code) is (a.covers(code) or b.covers(code))


@given(st.lists(codes, max_size=4), codes)
def test_a_scope_reads_the_chain_above_its_nodes_but_not_beside(granted, code):
    scope = policy.Scope.of(granted)
    above = any(g.startswith(code) and g != code for g in granted)
    assert scope.covers_chain_of(code) is (scope.covers(code) or above)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "granted", [[], [A1A], ["620725101"], ["620725", "44"], [COUNTRY_CODE]]
)
def test_the_scope_filter_selects_what_the_scope_covers(tree, granted):
    scope = policy.Scope.of(granted)
    filtered = set(
        Division.objects.filter(scope.q("code")).values_list("code", flat=True)
    )
    every = set(Division.objects.values_list("code", flat=True))
    assert filtered == {c for c in every if scope.covers(c)}


@pytest.mark.django_db
def test_the_system_and_superusers_act_everywhere_and_the_anonymous_nowhere(tree):
    root = factories.user("root", superuser=True)
    assert policy.scope(SYSTEM, "grant.manage") == policy.EVERYWHERE
    assert policy.scope(root, "grant.manage") == policy.EVERYWHERE
    assert policy.can(SYSTEM, "certificate.seal", A1A)
    assert policy.scope(AnonymousUser(), "division.view").nowhere
    assert policy.scope(None, "division.view").nowhere
    root.is_active = False
    assert policy.scope(root, "grant.manage").nowhere


@pytest.mark.django_db
def test_a_scope_holds_only_the_grants_whose_role_the_action_allows(tree):
    user = factories.user("two-hats", role=Role.CLERK, at=A1A)
    factories.user("two-hats", role=Role.INSPECTOR, at="620725102")
    assert policy.scope(user, "division.view").codes == (A1A, "620725102")
    assert policy.scope(user, "certificate.handle").codes == (A1A,)
    assert policy.scope(user, "audit.view").codes == ("620725102",)
    assert policy.scope(user, "grant.manage").nowhere


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        policy.scope(SYSTEM, "no.such_action")


@pytest.mark.django_db
def test_the_audit_trail_names_the_system_and_refuses_no_actor(tree):
    division = Division.objects.get(code=A1A)
    entry = audit.record(actor=SYSTEM, event="test.system", subject=division)
    assert entry.actor_id is None and entry.data["data"]["actor_name"] == "system"
    with pytest.raises(TypeError):
        audit.record(actor=None, event="test.nobody", subject=division)
    assert not Entry.objects.filter(event="test.nobody").exists()


@pytest.mark.django_db
def test_a_new_grant_widens_the_scope_once_the_cached_one_is_forgotten(tree):
    user = factories.user("grows", role=Role.CLERK, at=A1A)
    assert policy.scope(user, "division.view").codes == (A1A,)
    services.grant_role(  # forgets the user's cached grants and scopes
        actor=SYSTEM, user=user, role=Role.CLERK, division_code=A1B
    )
    assert policy.scope(user, "division.view").codes == (A1A, A1B)
