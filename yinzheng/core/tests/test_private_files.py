"""Personal data at rest (issue 13, finding 7): uploads and generated documents are the
server user's alone (0600), a file written in a transaction that rolls back does not
stay on disk, and pages and API answers with personal data are never cached."""

import stat

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings

from yinzheng.core.storage import PrivateFileStorage, sweep_rolled_back


@pytest.fixture
def storage(tmp_path):
    return PrivateFileStorage(location=tmp_path / "files")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_stored_files_are_readable_by_the_server_user_only(storage, tmp_path):
    name = storage.save("2026/12/姓名.pdf", ContentFile(b"%PDF-1.4"))

    assert _mode(tmp_path / "files" / name) == 0o600
    assert _mode(tmp_path / "files" / "2026") == 0o700


def test_the_default_storage_is_the_private_one():
    from django.core.files.storage import default_storage

    assert isinstance(default_storage._wrapped, PrivateFileStorage) or isinstance(
        default_storage, PrivateFileStorage
    )


@pytest.mark.django_db(transaction=True)
def test_a_file_of_a_rolled_back_transaction_is_removed(storage, tmp_path):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            name = storage.save("张三-承诺书.pdf", ContentFile(b"%PDF-1.4"))
            assert (tmp_path / "files" / name).exists()
            raise RuntimeError("the issuance failed after the file was written")

    sweep_rolled_back()

    assert not (tmp_path / "files" / name).exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_of_a_rolled_back_savepoint_is_removed_and_the_outer_one_kept(
    storage, tmp_path
):
    with transaction.atomic():
        kept = storage.save("kept.pdf", ContentFile(b"1"))
        try:
            with transaction.atomic():
                dropped = storage.save("dropped.pdf", ContentFile(b"2"))
                raise RuntimeError
        except RuntimeError:
            pass
        sweep_rolled_back()
        assert not (tmp_path / "files" / dropped).exists()
        assert (tmp_path / "files" / kept).exists()

    sweep_rolled_back()

    assert (tmp_path / "files" / kept).exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_stays(storage, tmp_path):
    with transaction.atomic():
        name = storage.save("issued.pdf", ContentFile(b"%PDF-1.4"))

    sweep_rolled_back()

    assert (tmp_path / "files" / name).exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_write_sweeps_a_rollback_before_it(storage, tmp_path):
    with pytest.raises(RuntimeError), transaction.atomic():
        name = storage.save("first.pdf", ContentFile(b"1"))
        raise RuntimeError

    storage.save("second.pdf", ContentFile(b"2"))

    assert not (tmp_path / "files" / name).exists()


@pytest.mark.django_db
def test_staff_pages_are_never_cached(client, tree):
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories

    client.force_login(factories.user("nostore", role=Role.CLERK, at=tree["A1a"]))

    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_api_answers_are_never_cached_even_to_a_token_caller(tree):
    from rest_framework.test import APIClient

    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories

    api = APIClient()
    api.force_authenticate(
        factories.user("nostore-api", role=Role.CLERK, at=tree["A1a"])
    )

    response = api.get("/api/divisions/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="zh-hans")
def test_public_pages_keep_their_own_caching(client, tree):
    """The public catalogue shows no personal data; it is not forced to no-store."""
    response = client.get("/catalogue/")

    assert "no-store" not in response.get("Cache-Control", "")
