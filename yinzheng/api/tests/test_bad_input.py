"""Bad input gets a clear error, never a 500 (foundation issue, item 6)."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(factories.user("root", superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/divisions/?q=%00",
        "/api/divisions/?parent=%00",
        "/api/committees/?under=%00",
        "/api/committees/?status=%00",
        "/api/grants/?division=%00",
        "/api/ledger/verify/?chain=%00",
    ],
)
def test_a_nul_character_is_refused_with_the_error_shape(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_a_nul_character_on_a_page_is_a_400(client, tree):
    client.force_login(factories.user("root", superuser=True))
    assert client.get("/divisions/?q=a%00").status_code == 400
    assert client.get("/divisions/62%00/").status_code in (400, 404)


@pytest.mark.parametrize("level", ["²", "abc", "-1", "9", "1.0"])
def test_an_odd_level_filter_is_refused(api, level):
    """Issue 13: a value the schema rules out is a 400, not an empty list."""
    response = api.get("/api/divisions/", {"level": level})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_an_unknown_api_route_answers_json(api):
    response = api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_messages_follow_the_language(tree):
    response = APIClient().get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Please log in first"
    zh = APIClient().get("/api/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.json()["message"] == "请先登录"


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_the_admin_login_is_throttled_too(client, tree):
    factories.user("root", superuser=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "root", "password": "bad"})
    page = client.post(
        "/admin/login/", {"username": "root", "password": "test-pass-123"}
    )
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in page.content.decode()


def test_divisions_cannot_be_changed_in_the_admin(client, tree):
    client.force_login(factories.user("root", superuser=True))
    page = client.post(
        f"/admin/divisions/division/{tree['A1a']}/change/",
        {"status": "abolished", "name": "x", "level": 5},
    )
    assert page.status_code in (403, 200)
    from yinzheng.divisions.models import Division

    assert Division.objects.get(code=tree["A1a"]).status == "active"


def test_failures_from_one_address_do_not_lock_other_users(client, tree):
    """A spray from one address is limited at that address (issue 13); the victim,
    signing in from their own address, is not."""
    factories.user("victim", role=Role.CLERK, at=tree["A1a"])
    for n in range(30):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "x"})
    client.post(
        "/accounts/login/",
        {"username": "victim", "password": "test-pass-123"},
        REMOTE_ADDR="203.0.113.10",
    )
    assert "_auth_user_id" in client.session
