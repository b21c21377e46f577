"""The data folder and the keys in settings.py (issue 13, finding 8: a command run without
YINZHENG_DATA_DIR from another folder silently made a new secret key and master key in
./var of that folder, then failed with a traceback).

Keys are made only for a new installation: by `yinzheng demo`, by the test run, or in
an empty folder named by YINZHENG_DATA_DIR. Anything else stops with the fix.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from yinzheng import settings as project_settings

SETTINGS = project_settings.__file__


@pytest.fixture
def outside(monkeypatch, tmp_path):
    """A plain command in a folder that is no installation, outside the test run."""
    for name in list(os.environ):
        if name.startswith("YINZHENG_") or name == "PYTEST_VERSION":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["yinzheng", "ledger", "verify"])
    return tmp_path


def load(**env: str) -> dict:
    for name, value in env.items():
        os.environ[name] = value
    try:
        return runpy.run_path(SETTINGS)
    finally:
        for name in env:
            os.environ.pop(name, None)


def test_a_command_from_another_folder_makes_no_keys_and_says_how_to_fix_it(outside):
    """issue 13: the real command line, from a folder without ./var."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YINZHENG_") and k != "PYTEST_VERSION"
    }
    done = subprocess.run(
        [sys.executable, "-m", "yinzheng.cli", "check"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "YINZHENG_DATA_DIR" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (outside / "var").exists()


def test_a_missing_data_folder_stops_with_the_fix(outside):
    """issue 13."""
    with pytest.raises(SystemExit) as stopped:
        load()
    message = str(stopped.value.code)
    assert str(outside / "var") in message
    assert "YINZHENG_DATA_DIR" in message and "docs/operations.md" in message
    assert not (outside / "var").exists()


def test_a_named_folder_that_does_not_exist_is_not_made(outside):
    """issue 13: a typo in YINZHENG_DATA_DIR must not start a second installation."""
    with pytest.raises(SystemExit):
        load(YINZHENG_DATA_DIR=str(outside / "srv-typo"))
    assert not (outside / "srv-typo").exists()


def test_a_folder_that_lost_its_secret_key_is_not_given_a_new_one(outside):
    """issue 13: a database and files without their key mean a restore went wrong."""
    data = outside / "data"
    data.mkdir()
    (data / "yinzheng.sqlite3").write_bytes(b"")
    with pytest.raises(SystemExit) as stopped:
        load(YINZHENG_DATA_DIR=str(data))
    assert "secret_key" in str(stopped.value.code)
    assert sorted(p.name for p in data.iterdir()) == ["yinzheng.sqlite3"]


def test_a_folder_that_lost_its_master_key_is_not_given_a_new_one(outside):
    """issue 13: a new master key would leave every sealed signing key unreadable."""
    data = outside / "data"
    data.mkdir()
    (data / "secret_key").write_text("s" * 50)
    with pytest.raises(SystemExit) as stopped:
        load(YINZHENG_DATA_DIR=str(data))
    message = str(stopped.value.code)
    assert "YINZHENG_MASTER_KEY" in message and "YINZHENG_MASTER_KEY_FILE" in message
    assert not (data / "master_key").exists()


def test_an_empty_named_folder_becomes_a_new_installation(outside):
    """issue 13: the first-time setup is an empty folder named by YINZHENG_DATA_DIR."""
    data = outside / "new"
    data.mkdir()
    first = load(YINZHENG_DATA_DIR=str(data))
    assert (data / "secret_key").exists() and (data / "master_key").exists()
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    again = load(YINZHENG_DATA_DIR=str(data))
    assert (again["SECRET_KEY"], again["MASTER_KEY"]) == (
        first["SECRET_KEY"],
        first["MASTER_KEY"],
    )


def test_the_demo_makes_its_installation_in_a_fresh_clone(outside, monkeypatch):
    """issue 13: the README's `yinzheng demo` from a fresh clone still works."""
    monkeypatch.setattr(sys, "argv", ["yinzheng", "demo"])
    loaded = load()
    assert loaded["DATA_DIR"] == (outside / "var").resolve()
    assert (outside / "var" / "secret_key").exists()
    assert loaded["MASTER_KEY_FILE"] == (outside / "var" / "master_key").resolve()


def test_the_test_run_makes_its_installation(outside):
    """issue 13: the README's test command from a fresh clone still works."""
    load(PYTEST_VERSION="9")
    assert (outside / "var" / "secret_key").exists()


def test_keys_from_the_environment_need_no_key_files(outside):
    """issue 13: production supplies both keys; the folder holds only data."""
    data = outside / "data"
    (data / "files").mkdir(parents=True)
    loaded = load(
        YINZHENG_DATA_DIR=str(data),
        YINZHENG_SECRET_KEY="k" * 50,
        YINZHENG_MASTER_KEY="A" * 43,
    )
    assert loaded["MASTER_KEY"] == "A" * 43 and loaded["MASTER_KEY_FILE"] is None
    assert not (data / "secret_key").exists() and not (data / "master_key").exists()


def test_the_master_key_can_come_from_a_file_outside_the_data_folder(outside):
    """issue 13: YINZHENG_MASTER_KEY_FILE (a systemd credential, a mounted secret)."""
    data = outside / "data"
    data.mkdir()
    (data / "secret_key").write_text("s" * 50)
    key = outside / "credentials" / "master_key"
    key.parent.mkdir()
    key.write_text("B" * 43 + "\n")
    loaded = load(YINZHENG_DATA_DIR=str(data), YINZHENG_MASTER_KEY_FILE=str(key))
    assert loaded["MASTER_KEY"] == "B" * 43
    assert loaded["MASTER_KEY_FILE"] == key.resolve()
    assert not (data / "master_key").exists()


def test_a_master_key_file_that_is_missing_stops(outside):
    """issue 13: a wrong path is an error, never a fallback to another key."""
    data = outside / "data"
    data.mkdir()
    with pytest.raises(SystemExit) as stopped:
        load(
            YINZHENG_DATA_DIR=str(data),
            YINZHENG_MASTER_KEY_FILE=str(outside / "nowhere"),
        )
    assert "YINZHENG_MASTER_KEY_FILE" in str(stopped.value.code)


def test_two_sources_of_the_master_key_stop(outside):
    """issue 13: which key seals the signing keys must never be a guess."""
    key = outside / "master_key"
    key.write_text("B" * 43)
    with pytest.raises(SystemExit) as stopped:
        load(
            YINZHENG_DATA_DIR=str(outside),
            YINZHENG_SECRET_KEY="k" * 50,
            YINZHENG_MASTER_KEY="A" * 43,
            YINZHENG_MASTER_KEY_FILE=str(key),
        )
    assert "YINZHENG_MASTER_KEY_FILE" in str(stopped.value.code)


def test_this_test_run_has_its_keys():
    """The suite itself (PYTEST_VERSION set) runs from a fresh clone."""
    assert project_settings.SECRET_KEY and project_settings.MASTER_KEY
    assert Path(project_settings.DATA_DIR).is_dir()
