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


# --- help text (issue 16) -------------------------------------------------------------

CJK = __import__("re").compile(r"[\u4e00-\u9fff]")


def _our_commands():
    from django.core.management import get_commands

    return sorted(
        name for name, app in get_commands().items() if app.startswith("yinzheng.")
    )


def _parsers(parser, path):
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_option_of_every_command_has_chinese_help():
    """`yinzheng demo --help` was half English and --bind had no help: every option
    of every yinzheng command, Django's own included, says in Chinese what it does."""
    import argparse

    from django.core.management import load_command_class

    missing = []
    commands = _our_commands()
    assert "demo" in commands and "stats" in commands
    for name in commands:
        from django.core.management import get_commands

        command = load_command_class(get_commands()[name], name)
        for path, parser in _parsers(command.create_parser("yinzheng", name), name):
            for action in parser._actions:
                if action.help is argparse.SUPPRESS:
                    continue
                if not action.help or not CJK.search(str(action.help)):
                    missing.append(f"{path}: {action.option_strings or action.dest}")
        assert CJK.search(str(command.help)), name
    assert not missing, "\n".join(missing)


def test_demo_help_reads_chinese(capsys):
    from yinzheng import cli

    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    out = capsys.readouterr().out
    assert "--bind" in out and "监听地址" in out
    for english in ("show this help", "Verbosity level", "Skip system", "options:"):
        assert english not in out


def test_the_top_level_help_reads_chinese(capsys):
    from yinzheng import cli

    cli.main(["--help"])
    out = capsys.readouterr().out
    assert "yinzheng demo" in out and "演示" in out
    assert "demo county, accounts, serve" not in out
