"""The visibility matrix: a user at committee A never sees committee B's data, by page or
by API, for every role (REQ-001; design.md §1: a grant covers its subtree)."""

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories
from yinzheng.divisions.models import Division

A1A, A1B, A2A, B1A = "620725101001", "620725101201", "620725102001", "440804001001"
ALL = {A1A, A1B, A2A, B1A}

# role, where it is granted, the committees whose data it must see (and no others)
MATRIX = [
    (Role.CLERK, A1A, {A1A}),
    (Role.HEAD, A1A, {A1A}),
    (Role.CUSTODIAN, A1A, {A1A}),
    (Role.CLERK, B1A, {B1A}),
    (Role.TOWNSHIP, "620725101", {A1A, A1B}),
    (Role.CIVIL_AFFAIRS, "620725", {A1A, A1B, A2A}),
    (Role.DEPARTMENT, "620725", {A1A, A1B, A2A}),
    (Role.INSPECTOR, "6207", {A1A, A1B, A2A}),
    (Role.INSPECTOR, "620725102", {A2A}),
    (Role.ADMIN, "44", {B1A}),
    (Role.ADMIN, "CN", ALL),
    (None, None, set()),
]
IDS = [f"{r or 'none'}@{at or '-'}" for r, at, _ in MATRIX]


@pytest.fixture
def committees(db):
    for code in ALL:
        factories.division(code)


def make_user(role, at):
    department = Department.PUBLIC_SECURITY if role == Role.DEPARTMENT else ""
    return factories.user(
        f"u-{role or 'none'}-{at or 'x'}", role=role, at=at, department=department
    )


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_policy_filter_shows_exactly_the_subtree(committees, role, at, sees):
    user = make_user(role, at)
    visible = set(
        Division.objects.committees().visible_to(user).values_list("code", flat=True)
    )
    assert visible == sees
    where = policy.scope(user, "division.view")
    for code in ALL:
        assert where.covers(code) is (code in sees)
        assert policy.can(user, "division.view", code) is (code in sees)


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_api_lists_and_details_only_the_subtree(committees, role, at, sees):
    client = APIClient()
    client.force_authenticate(make_user(role, at))
    listed = client.get("/api/committees/", {"page_size": 500}).json()
    assert {c["code"] for c in listed["results"]} == sees
    for code in ALL:
        response = client.get(f"/api/committees/{code}/")
        assert response.status_code == (200 if code in sees else 404), code
        if code not in sees:
            assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_pages_show_only_the_subtree(committees, client, role, at, sees):
    client.force_login(make_user(role, at))
    for code in ALL:
        response = client.get(f"/divisions/{code}/")
        assert response.status_code == (200 if code in sees else 404), code
    search = client.get("/divisions/", {"q": "村委会"}).content.decode()
    for code in ALL - sees:
        assert code not in search


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_division_api_shows_subtree_and_the_chain_above_only(
    committees, role, at, sees
):
    client = APIClient()
    client.force_authenticate(make_user(role, at))
    codes = {
        d["code"]
        for d in client.get("/api/divisions/", {"page_size": 500}).json()["results"]
    }
    committees_seen = {c for c in codes if len(c) == 12}
    assert committees_seen == sees
    for code in sees:  # the chain above a visible committee is named
        assert {code[:2], code[:4], code[:6], code[:9]} <= codes


def test_township_page_lists_only_the_users_own_committee(committees, client):
    client.force_login(make_user(Role.CLERK, A1A))
    page = client.get("/divisions/620725101/").content.decode()
    assert A1A in page and A1B not in page


def test_anonymous_gets_401_from_the_api_and_a_login_redirect_from_pages(committees):
    response = APIClient().get("/api/committees/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}
    from django.test import Client

    page = Client().get(f"/divisions/{A1A}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_division_owned_rows_are_visible_exactly_where_the_action_allows(
    committees, role, at, sees
):
    """Seals as the example of every ScopedQuerySet: `visible_to(user)` keeps the rows
    of the subtrees where the user holds a role of the model's view action."""
    from yinzheng.seals.models import Seal
    from yinzheng.seals.tests import factories as seal_factories

    root = factories.user("root", superuser=True)
    for code in ALL:
        seal_factories.issued(officer=root, committee=code)
    user = make_user(role, at)
    may_view = role is not None and role in policy.action("seal.view").roles
    expected = sees if may_view else set()
    seen = set(Seal.objects.visible_to(user).values_list("committee_id", flat=True))
    assert seen == expected
    assert seen == {c for c in ALL if policy.scope(user, "seal.view").covers(c)}
