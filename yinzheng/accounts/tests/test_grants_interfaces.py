"""Granting roles by page, API and command: same service, same refusals."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from yinzheng.accounts import services
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant
from yinzheng.core.errors import NotAllowed, NotFound
from yinzheng.core.tests import factories


@pytest.fixture
def officer(tree):
    return factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")


def test_officer_grants_a_clerk_by_api_and_revokes_it(tree, officer):
    factories.user("newclerk")
    api = APIClient()
    api.force_authenticate(officer)
    created = api.post(
        "/api/grants/",
        {"username": "newclerk", "role": "clerk", "division": tree["A1a"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    listed = api.get("/api/grants/", {"division": tree["A1a"]}).json()["results"]
    assert [g["username"] for g in listed] == ["newclerk"]
    revoked = api.post(f"/api/grants/{created.json()['id']}/revoke/")
    assert revoked.status_code == 200
    assert not RoleGrant.objects.active().filter(user__username="newclerk").exists()


def test_grants_outside_the_officers_county_are_invisible_and_refused(tree, officer):
    other = factories.user("o", role=Role.CLERK, at=tree["B1a"])
    api = APIClient()
    api.force_authenticate(officer)
    listed = {g["username"] for g in api.get("/api/grants/").json()["results"]}
    assert "o" not in listed and "m" in listed
    grant_id = other.grants.get().pk
    assert api.post(f"/api/grants/{grant_id}/revoke/").status_code == 404
    refused = api.post(
        "/api/grants/",
        {"username": "o", "role": "head", "division": tree["B1a"]},
        format="json",
    )
    assert refused.status_code == 403


def test_a_clerk_sees_no_grants_and_cannot_grant(tree):
    clerk = factories.user("c", role=Role.CLERK, at=tree["A1a"])
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.get("/api/grants/").json()["count"] == 0
    response = api.post(
        "/api/grants/",
        {"username": "c", "role": "head", "division": tree["A1a"]},
        format="json",
    )
    assert response.status_code == 403


def test_the_division_page_grants_a_role_and_shows_refusals(tree, officer, client):
    factories.user("newhead")
    client.force_login(officer)
    url = f"/accounts/grants/{tree['A1a']}/"
    client.post(url, {"grant-username": "newhead", "grant-role": "head"})
    assert RoleGrant.objects.active().filter(user__username="newhead").exists()
    page = client.post(
        url, {"grant-username": "newhead", "grant-role": "township"}, follow=True
    )
    assert "不能在" in page.content.decode()


def test_the_grant_section_is_hidden_from_a_clerk(tree, client):
    client.force_login(factories.user("c", role=Role.CLERK, at=tree["A1a"]))
    page = client.get(f"/divisions/{tree['A1a']}/").content.decode()
    assert "授予岗位" not in page
    response = client.post(
        f"/accounts/grants/{tree['A1a']}/",
        {"grant-username": "c", "grant-role": "head"},
        follow=True,
    )
    assert "您无权执行此操作" in response.content.decode()


def test_grant_command_creates_user_and_grant_then_revokes(tree, capsys):
    call_command("grant", "wang", "township", "620725101", "--full-name", "王")
    assert RoleGrant.objects.active().filter(user__username="wang").count() == 1
    call_command("grant", "wang", "township", "620725101", "--revoke")
    assert RoleGrant.objects.active().filter(user__username="wang").count() == 0
    with pytest.raises(CommandError):
        call_command("grant", "wang", "clerk", "620725101")


def test_token_command_prints_a_reusable_token(tree, capsys):
    factories.user("t", role=Role.CLERK, at=tree["A1a"])
    call_command("token", "t")
    first = capsys.readouterr().out.strip()
    call_command("token", "t")
    assert capsys.readouterr().out.strip() == first and len(first) == 40


def test_nobody_grants_themselves_a_role(tree, officer):
    with pytest.raises(NotAllowed) as exc:
        services.grant_role(
            actor=officer, user=officer, role=Role.HEAD, division_code=tree["A1a"]
        )
    assert exc.value.code == "self_grant"


def test_only_a_superuser_grants_the_admin_role_or_creates_a_superuser(tree, officer):
    clerk = factories.user("c", role=Role.CLERK, at=tree["A1a"])
    with pytest.raises(NotAllowed):
        services.grant_role(
            actor=officer, user=clerk, role=Role.ADMIN, division_code="620725"
        )
    with pytest.raises(NotAllowed):
        services.user_create(
            actor=officer, username="evil", password="x", is_superuser=True
        )


def test_usernames_and_grant_ids_outside_the_scope_reveal_nothing(tree):
    potou = factories.user("p", role=Role.CLERK, at=tree["B1a"])
    officer = factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    api = APIClient()
    api.force_authenticate(potou)
    body = {"role": "head", "division": tree["A1a"]}
    known = api.post("/api/grants/", {**body, "username": "m"}, format="json")
    unknown = api.post("/api/grants/", {**body, "username": "nobody"}, format="json")
    assert known.status_code == unknown.status_code == 403
    grant_id = officer.grants.get().pk
    assert api.post(f"/api/grants/{grant_id}/revoke/").status_code == 404
    with pytest.raises(NotFound):
        services.grant_revoke(actor=potou, grant_id=grant_id)
