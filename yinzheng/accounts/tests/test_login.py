"""Login and its throttling of failed attempts."""

import pytest
from django.test import override_settings

from yinzheng.core.tests import factories


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()


@pytest.mark.django_db
def test_login_page_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page


@pytest.mark.django_db
def test_correct_password_logs_in(client):
    factories.user("alice")
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "test-pass-123"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_from_one_address_make_it_wait_even_for_the_right_password(
    client,
):
    """The wait is per account and address (issue 13): see test_login_throttle."""
    factories.user("alice")
    for _ in range(3):
        page = client.post("/accounts/login/", {"username": "alice", "password": "bad"})
        assert "用户名或密码不正确" in page.content.decode()
    page = client.post(
        "/accounts/login/", {"username": "alice", "password": "test-pass-123"}
    )
    assert page.status_code == 200
    assert "登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_pages_until_it_switches(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.content.decode()
