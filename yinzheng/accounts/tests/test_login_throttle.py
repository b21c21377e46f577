"""Login throttling per account and address, with growing delays and a per-address
limit on trying many accounts (issue 13, finding 4: five wrong passwords locked any
staff account for everybody; forty tries over ten accounts were never limited)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yinzheng.accounts import services
from yinzheng.accounts.choices import Role
from yinzheng.core.errors import LoginThrottled, NotAllowed, NotFound
from yinzheng.core.tests import factories
from yinzheng.ledger.models import Entry

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
VICTIM = "203.0.113.10"
RIGHT = "test-pass-123"


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_DELAY_SECONDS = 30
    settings.LOGIN_DELAY_MAX_SECONDS = 3600
    settings.LOGIN_SPRAY_LIMIT = 4
    settings.LOGIN_SPRAY_WINDOW_SECONDS = 15 * 60
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def now(clock_at):
    """The pinned time; `now.at(seconds)` moves it to that many seconds later."""
    start = clock_at(2026, 3, 2, 9)

    class Clock:
        def at(self, seconds: float) -> None:
            later = start + dt.timedelta(seconds=seconds)
            clock_at(*later.timetuple()[:6])

    return Clock()


def login(client, username: str, password: str, address: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_works_from_another_address_after_a_burst(
    client, limits, now
):
    """Issue 13: a guesser elsewhere no longer locks the account's owner out."""
    factories.user("alice")
    for _ in range(10):
        login(client, "alice", "wrong", ATTACKER)
    login(client, "alice", RIGHT, VICTIM)
    assert logged_in(client)


def test_the_same_address_waits_longer_after_each_failure(client, limits, now):
    """Growing delays for one account from one address, not a hard lock."""
    factories.user("alice")
    for _ in range(3):
        page = login(client, "alice", "wrong", ATTACKER)
        assert "用户名或密码不正确" in page.content.decode()
    refused = login(client, "alice", "wrong", ATTACKER).content.decode()
    assert "登录失败次数过多" in refused and "30 秒" in refused
    now.at(31)
    login(client, "alice", "wrong", ATTACKER)  # the fourth failure: 60 s
    now.at(31 + 59)
    assert (
        "登录失败次数过多" in login(client, "alice", "wrong", ATTACKER).content.decode()
    )
    now.at(31 + 61)
    login(client, "alice", "wrong", ATTACKER)  # the fifth: 2 minutes
    page = login(client, "alice", RIGHT, ATTACKER).content.decode()
    assert "2 分钟" in page
    assert not logged_in(client)


def test_the_delay_stops_at_its_ceiling():
    assert [services.login_delay(n) for n in range(1, 6)] == [0, 0, 0, 0, 15]
    assert services.login_delay(40) == services.login_delay(60)


def test_the_right_password_works_once_the_delay_has_passed(client, limits, now):
    factories.user("alice")
    for _ in range(3):
        login(client, "alice", "wrong", ATTACKER)
    now.at(30)
    login(client, "alice", RIGHT, ATTACKER)
    assert logged_in(client)


def test_a_login_clears_only_its_own_address(client, limits, now):
    """The owner's login does not reset the guesser's delay."""
    factories.user("alice")
    for _ in range(3):
        login(client, "alice", "wrong", ATTACKER)
    login(client, "alice", RIGHT, VICTIM)
    client.logout()
    assert (
        "登录失败次数过多" in login(client, "alice", RIGHT, ATTACKER).content.decode()
    )


def test_one_address_trying_many_accounts_is_limited(client, limits, now):
    """Issue 13: 40 tries over 10 accounts from one address were never limited."""
    for n in range(10):
        factories.user(f"staff{n}")
    refused = 0
    for attempt in range(40):
        page = login(client, f"staff{attempt % 10}", "wrong", ATTACKER)
        refused += "此地址" in page.content.decode()
    assert refused >= 40 - 4
    # the owner of one of them, elsewhere, is not affected
    login(client, "staff7", RIGHT, VICTIM)
    assert logged_in(client)


def test_the_spray_limit_lifts_as_the_window_slides(client, limits, now):
    for n in range(5):
        factories.user(f"staff{n}")
    for n in range(4):
        login(client, f"staff{n}", "wrong", ATTACKER)
    page = login(client, "staff4", RIGHT, ATTACKER).content.decode()
    assert "此地址" in page and "15 分钟" in page
    now.at(15 * 60 + 1)
    login(client, "staff4", RIGHT, ATTACKER)
    assert logged_in(client)


def test_each_failure_is_kept_for_the_administrator(client, limits, now):
    from yinzheng.accounts.models import LoginFailure

    factories.user("alice")
    login(client, "alice", "wrong", ATTACKER)
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.address) == ("alice", ATTACKER)


def test_the_admin_login_is_throttled_the_same_way(client, limits, now):
    factories.user("root", superuser=True)
    for _ in range(3):
        client.post(
            "/admin/login/", {"username": "root", "password": "x"}, REMOTE_ADDR=ATTACKER
        )
    client.post(
        "/admin/login/", {"username": "root", "password": RIGHT}, REMOTE_ADDR=VICTIM
    )
    assert logged_in(client)


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_apart(
    client, limits, now
):
    limits.TRUSTED_PROXIES = ["10.0.0.1"]
    factories.user("alice")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    client.post(
        "/accounts/login/",
        {"username": "alice", "password": RIGHT},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=VICTIM,
    )
    assert logged_in(client)


# Unlocking ---------------------------------------------------------------------------


def locked_out(username: str = "alice", address: str = ATTACKER) -> None:
    for _ in range(3):
        services.login_failed(username=username, address=address)


def test_an_administrator_clears_a_lockout(client, limits, now):
    admin = factories.user("root", superuser=True)
    alice = factories.user("alice")
    locked_out()
    with pytest.raises(LoginThrottled):
        services.login_check(username="alice", address=ATTACKER)
    services.login_unlock(actor=admin, username="alice")
    services.login_check(username="alice", address=ATTACKER)
    login(client, "alice", RIGHT, ATTACKER)
    assert logged_in(client)
    entry = Entry.objects.filter(event="user.login_unlocked").get()
    assert entry.subject == f"accounts.user:{alice.pk}"


def test_a_civil_affairs_officer_unlocks_staff_in_their_county(limits, now, tree):
    officer = factories.user("county", role=Role.CIVIL_AFFAIRS, at=tree["A1a"][:6])
    factories.user("clerk", role=Role.CLERK, at=tree["A1a"])
    locked_out("clerk")
    services.login_unlock(actor=officer, username="clerk")
    services.login_check(username="clerk", address=ATTACKER)


def test_an_officer_cannot_unlock_staff_of_another_county(limits, now, tree):
    officer = factories.user("county", role=Role.CIVIL_AFFAIRS, at=tree["A1a"][:6])
    factories.user("far", role=Role.CLERK, at=tree["B1a"])
    locked_out("far")
    with pytest.raises(NotFound):
        services.login_unlock(actor=officer, username="far")
    with pytest.raises(LoginThrottled):
        services.login_check(username="far", address=ATTACKER)


def test_a_clerk_cannot_unlock_anybody(limits, now, tree):
    clerk = factories.user("clerk", role=Role.CLERK, at=tree["A1a"])
    factories.user("other", role=Role.CLERK, at=tree["A1a"])
    with pytest.raises(NotAllowed):
        services.login_unlock(actor=clerk, username="other")


def test_an_administrator_clears_an_address(client, limits, now):
    admin = factories.user("root", superuser=True)
    for n in range(4):
        services.login_failed(username=f"u{n}", address=ATTACKER)
    with pytest.raises(LoginThrottled):
        services.login_check(username="someone", address=ATTACKER)
    services.login_address_unlock(actor=admin, address=ATTACKER)
    services.login_check(username="someone", address=ATTACKER)


def test_the_unlock_command(limits, now, capsys):
    factories.user("alice")
    locked_out()
    call_command("unlock", "alice")
    services.login_check(username="alice", address=ATTACKER)
    assert "alice" in capsys.readouterr().out


def test_the_unlock_command_clears_an_address(limits, now):
    for n in range(4):
        services.login_failed(username=f"u{n}", address=ATTACKER)
    call_command("unlock", "--address", ATTACKER)
    services.login_check(username="someone", address=ATTACKER)


def test_the_unlock_command_names_an_unknown_user(limits, now):
    with pytest.raises(CommandError, match="nobody"):
        call_command("unlock", "nobody")


def test_the_admin_action_clears_a_lockout(client, limits, now):
    admin = factories.user("root", superuser=True)
    alice = factories.user("alice")
    locked_out()
    client.force_login(admin)
    page = client.post(
        "/admin/accounts/user/",
        {"action": "unlock_logins", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert page.status_code == 200
    services.login_check(username="alice", address=ATTACKER)
