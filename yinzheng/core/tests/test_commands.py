"""The `yinzheng` console command and the operator commands behind it."""

import pytest
from django.core.management import CommandError, call_command

from yinzheng import cli
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import User
from yinzheng.demo.loader import ACCOUNTS, load_demo
from yinzheng.ledger import services as ledger


def test_help_lists_the_subcommands(capsys):
    cli.main([])
    out = capsys.readouterr().out
    for word in [
        "serve",
        "demo",
        "migrate",
        "import-divisions",
        "createadmin",
        "ledger verify",
    ]:
        assert word in out


@pytest.mark.django_db
def test_hyphenated_subcommands_reach_their_management_command(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["import-divisions", "--help"])
    assert exc.value.code == 0
    assert "--under" in capsys.readouterr().out


@pytest.mark.django_db
def test_createadmin_makes_a_superuser_with_a_national_admin_grant(monkeypatch):
    monkeypatch.setenv("YINZHENG_ADMIN_PASSWORD", "a-Long-enough-passw0rd")
    call_command("createadmin", "root")
    user = User.objects.get(username="root")
    assert user.is_superuser and user.check_password("a-Long-enough-passw0rd")
    assert user.grants.get().role == Role.ADMIN


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("YINZHENG_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createadmin", "root")
    assert not User.objects.filter(username="root").exists()


@pytest.mark.django_db
def test_demo_gives_every_role_an_account_and_is_safe_to_run_twice():
    load_demo()
    load_demo()
    assert {a.role for a in ACCOUNTS} == set(Role.values)
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.grants.active().filter(role=account.role).count() == 1
    assert all(report.ok for report in ledger.verify())
