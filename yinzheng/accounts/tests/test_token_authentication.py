"""API tokens (issue 15): the token, its user and the user's active grants are read in
one statement, and the policy then asks the database nothing more about the caller;
unknown tokens and inactive users are refused as DRF refuses them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from yinzheng.accounts import policy, services
from yinzheng.accounts.api.authentication import TokenAuthentication
from yinzheng.accounts.choices import Department, Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(tree):
    u = f.user(
        "weijian", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    f.user("weijian", role=Role.INSPECTOR, at="620725")
    return u


def test_one_statement_reads_the_token_its_user_and_the_grants_the_policy_uses(
    department,
):
    key = Token.objects.create(user=department).key
    with CaptureQueriesContext(connection) as queries:
        user, token = TokenAuthentication().authenticate_credentials(key)
        grants = policy.grants_of(user)
        assert policy.can(user, "esign.verify")
    assert len(queries) == 1 and token.key == key and user == department
    fresh = type(department).objects.get(pk=department.pk)
    assert sorted(grants) == sorted(policy.grants_of(fresh))
    assert sorted(grants) == [
        (Role.DEPARTMENT, "620725", Department.HEALTH),
        (Role.INSPECTOR, "620725", ""),
    ]


def test_a_revoked_grant_is_not_read_with_the_token(department):
    grant = department.grants.get(role=Role.INSPECTOR)
    services.grant_revoke(actor=SYSTEM, grant_id=grant.pk)
    user, _token = TokenAuthentication().authenticate_credentials(
        Token.objects.create(user=department).key
    )
    assert policy.grants_of(user) == [(Role.DEPARTMENT, "620725", Department.HEALTH)]


def test_a_user_without_grants_has_none(tree):
    user = f.user("nobody")
    user, _token = TokenAuthentication().authenticate_credentials(
        Token.objects.create(user=user).key
    )
    assert policy.grants_of(user) == []


def test_an_unknown_token_and_an_inactive_user_are_refused_as_drf_refuses(department):
    drf = authentication.TokenAuthentication()
    refusals = []
    for key in ("0" * 40, Token.objects.create(user=department).key):
        type(department).objects.filter(pk=department.pk).update(is_active=False)
        for auth in (TokenAuthentication(), drf):
            with pytest.raises(AuthenticationFailed) as refused:
                auth.authenticate_credentials(key)
            refusals.append(str(refused.value.detail))
    assert refusals[0] == refusals[1] and refusals[2] == refusals[3]
    assert refusals[0] != refusals[2]
