"""`yinzheng check --deploy` fails on a master key kept beside the data it protects
(issue 13, Deliver 7: a backup of the data folder held the database and the key that
opens every signing key in it)."""

from pathlib import Path

import pytest
from django.core.checks import Error, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from yinzheng.core import checks

MASTER_KEY_IN_DATA_DIR = "core.E001"


def _ids(*, deploy: bool) -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=deploy) if m.id}


def test_deploy_check_fails_on_the_generated_master_key_in_the_data_folder(settings):
    """issue 13: the zero-setup key (data folder/master_key) is for a demo only."""
    settings.MASTER_KEY_FILE = Path(settings.DATA_DIR) / "master_key"
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--deploy")
    assert MASTER_KEY_IN_DATA_DIR in str(failed.value)
    assert "YINZHENG_MASTER_KEY_FILE" in str(failed.value)


def test_deploy_check_fails_on_a_key_file_named_inside_the_data_folder(settings):
    """issue 13: naming a file in the data folder is the same trap."""
    settings.MASTER_KEY_FILE = Path(settings.DATA_DIR) / "keys" / "master.key"
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id]
    found = [m for m in errors if m.id == MASTER_KEY_IN_DATA_DIR]
    assert found and isinstance(found[0], Error)


def test_deploy_check_fails_on_a_key_file_beside_an_sqlite_database_elsewhere(
    tmp_path,
):
    """issue 13: "beside the database" wherever the SQLite file lives."""
    databases = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "db" / "yinzheng.sqlite3"),
        }
    }
    errors = checks.master_key_errors(
        key_file=tmp_path / "db" / "master_key",
        data_dir=tmp_path / "data",
        databases=databases,
    )
    assert [e.id for e in errors] == [MASTER_KEY_IN_DATA_DIR]
    assert not checks.master_key_errors(
        key_file=tmp_path / "keys" / "master_key",
        data_dir=tmp_path / "data",
        databases=databases,
    )


def test_deploy_check_passes_a_key_from_the_environment(settings):
    """issue 13: YINZHENG_MASTER_KEY (MASTER_KEY_FILE is None)."""
    settings.MASTER_KEY_FILE = None
    assert MASTER_KEY_IN_DATA_DIR not in _ids(deploy=True)


def test_deploy_check_passes_a_key_file_outside_the_data_folder(settings, tmp_path):
    """issue 13: YINZHENG_MASTER_KEY_FILE=/run/credentials/yinzheng/master_key."""
    settings.MASTER_KEY_FILE = tmp_path / "credentials" / "master_key"
    assert MASTER_KEY_IN_DATA_DIR not in _ids(deploy=True)


def test_the_plain_check_leaves_the_demo_key_alone(settings):
    """issue 13: a demo or a development machine is not a deployment."""
    settings.MASTER_KEY_FILE = Path(settings.DATA_DIR) / "master_key"
    assert MASTER_KEY_IN_DATA_DIR not in _ids(deploy=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://0.0.0.0:8000",
        "http://[::1]/",
    ],
)
def test_deploy_check_warns_on_a_public_url_only_this_machine_reaches(settings, url):
    """issue 14: QR codes pointed at http://localhost:8000."""
    settings.PUBLIC_URL = url
    assert "core.W001" in _ids(deploy=True)
    assert "core.W001" not in _ids(deploy=False)


def test_deploy_check_accepts_a_real_public_url(settings):
    settings.PUBLIC_URL = "https://yinzheng.shandan.gov.cn"
    assert "core.W001" not in _ids(deploy=True)


def _s3(endpoint: str) -> dict:
    return {
        "default": {
            "BACKEND": "yinzheng.core.object_storage.PrivateS3Storage",
            "OPTIONS": {"bucket_name": "files", "endpoint_url": endpoint},
        }
    }


@pytest.mark.parametrize("endpoint", ["http://10.0.0.9:9000", "http://minio:9000"])
def test_deploy_check_warns_on_an_object_store_over_plain_http(endpoint):
    """issue 15: the files hold names and ID numbers."""
    [warning] = checks.object_store_warnings(_s3(endpoint))
    assert warning.id == "core.W002" and endpoint in warning.msg


@pytest.mark.parametrize(
    "endpoint",
    ["https://10.0.0.9:9000", "http://127.0.0.1:9000", "http://localhost:9000", None],
)
def test_deploy_check_accepts_tls_loopback_or_aws(endpoint):
    assert checks.object_store_warnings(_s3(endpoint)) == []


def test_deploy_check_has_nothing_to_say_about_files_in_the_data_folder(settings):
    assert "core.W002" not in _ids(deploy=True)
    settings.STORAGES = {**settings.STORAGES, **_s3("http://10.0.0.9:9000")}
    assert "core.W002" in _ids(deploy=True)
    assert "core.W002" not in _ids(deploy=False)
