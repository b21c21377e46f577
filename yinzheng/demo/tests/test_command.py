"""`yinzheng demo` fills only a database that is empty or already a demo (issue 13,
finding 8: it ran against any database and added a superuser with a published password)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command

from yinzheng.accounts.models import User
from yinzheng.core.tests import factories
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _demo(*args: str) -> None:
    call_command("demo", "--no-serve", *args)


def _markers() -> int:
    from yinzheng.demo.models import DemoMarker

    return DemoMarker.objects.count()


def test_demo_refuses_a_database_with_users_it_did_not_make():
    """issue 13: a real installation's accounts mean real work; no demo superuser there."""
    factories.user("wangwu")
    with pytest.raises(CommandError) as refused:
        _demo()
    assert refused.value.returncode != 0
    assert "演示" in str(refused.value) and "YINZHENG_DATA_DIR" in str(refused.value)
    assert not User.objects.filter(username="admin").exists()
    assert _markers() == 0


def test_demo_refuses_a_database_with_imported_divisions(tree):
    """issue 13: divisions below the national root were imported for real use."""
    with pytest.raises(CommandError):
        _demo()
    assert not User.objects.exists()


def test_the_loader_itself_refuses_a_database_in_use():
    """issue 13: the guard sits in the loader too, not only in the command."""
    factories.user("wangwu")
    from yinzheng.demo.safety import NotADemoDatabase

    with pytest.raises(NotADemoDatabase):
        load_demo()
    assert not User.objects.filter(username="admin").exists()


def test_demo_fills_an_empty_database_marks_it_and_runs_again(capsys):
    """issue 13: an empty database, then the demo's own, are fine."""
    _demo()
    assert _markers() == 1
    _demo()
    assert _markers() == 1
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in capsys.readouterr().out


def test_a_demo_database_from_before_the_marker_is_recognised():
    """issue 13: a database the demo filled before it left a marker keeps working; its
    superuser `admin` still has the published demo password."""
    from yinzheng.demo.safety import State, database_state

    factories.division("620725101001")
    User.objects.create(
        username="admin", is_superuser=True, password=make_password(DEMO_PASSWORD)
    )
    assert database_state() == State.DEMO_BEFORE_MARKER


def test_an_admin_with_another_password_is_not_taken_for_a_demo():
    """issue 13: the name `admin` alone proves nothing."""
    from yinzheng.demo.safety import State, database_state

    User.objects.create(
        username="admin", is_superuser=True, password=make_password("Real-Secret-42")
    )
    assert database_state() == State.IN_USE
    with pytest.raises(CommandError):
        _demo()
    assert User.objects.get(username="admin").check_password("Real-Secret-42")


@pytest.mark.parametrize(
    "bind, url",
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("192.168.1.20:9000", "http://192.168.1.20:9000"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_demo_public_url_follows_the_bind_address(bind, url):
    """issue 14: QR codes pointed at http://localhost:8000 whatever --bind said."""
    from yinzheng.demo.management.commands.demo import public_url_for

    assert public_url_for(bind) == url


def test_a_wildcard_bind_gives_an_address_phones_can_reach():
    from yinzheng.demo.management.commands.demo import public_url_for

    url = public_url_for("0.0.0.0:8000")
    assert url.startswith("http://") and url.endswith(":8000")
    assert "0.0.0.0" not in url


def test_the_demo_prints_the_address_its_qr_codes_use(capsys, monkeypatch):
    monkeypatch.delenv("YINZHENG_PUBLIC_URL", raising=False)
    _demo("--bind", "192.168.1.20:9000")
    assert "http://192.168.1.20:9000" in capsys.readouterr().out
