"""Two heads' sessions appointing a custodian for the same seal at the same moment leave
exactly one current custodian (REQ-064). Needs PostgreSQL: real row locks and
concurrent connections."""

import threading

import pytest
from django.db import connection, transaction

from yinzheng.accounts.choices import Role
from yinzheng.core.errors import Conflict
from yinzheng.core.tests import factories as f
from yinzheng.seals import services
from yinzheng.seals.models import Custody

from . import factories


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_appointments_leave_exactly_one_current_custodian():
    committee = "620725101001"
    township = f.user("t", role=Role.TOWNSHIP, at="620725101")
    head = f.user("h", role=Role.HEAD, at=committee)
    candidates = [f.user(f"c{n}", role=Role.CUSTODIAN, at=committee) for n in range(2)]
    seal = factories.issued(officer=township, committee=committee)
    barrier = threading.Barrier(len(candidates))
    results: list[object] = []

    def appoint(user) -> None:
        try:
            barrier.wait()
            results.append(
                services.custody_appoint(
                    actor=head, seal_id=seal.pk, custodian_id=user.pk
                )
            )
        except Conflict as exc:
            results.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(u,)) for u in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].code == "custodian_exists", results
    assert Custody.objects.filter(seal=seal, until__isnull=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locking_a_seal_leaves_its_committee_and_township_free_issue_15(seal):
    """Found by the load test (issue 15): locking a seal locked the rows it joined
    too — its committee's and its issuing township's divisions — until the sealing
    committed, and locked the seal's row against foreign-key checks. Every intake in
    that township, and every verification opening a sealing request on that seal
    (the foreign-key check of the new row), then queued behind each sealing while
    holding the county's audit chain that the sealing needed next: deadlocks (500s)
    under concurrent issuing. A seal's lock is the seal's row alone, and lets rows
    naming it be written; a second lock of the seal still waits."""
    import psycopg

    from yinzheng.core.db import postgres_url
    from yinzheng.seals.models import Seal
    from yinzheng.seals.services.seal import lock_seal

    seals = Seal._meta.db_table
    divisions = Seal._meta.get_field("committee").related_model._meta.db_table
    with transaction.atomic():
        lock_seal(seal.pk)
        with psycopg.connect(postgres_url(), autocommit=True) as other:
            # What a foreign-key check of an insert takes on the row it names.
            for code in (seal.committee_id, seal.issuer_id):
                other.execute(
                    f"SELECT 1 FROM {divisions} WHERE code = %s FOR KEY SHARE NOWAIT",
                    [code],
                )
            other.execute(
                f"SELECT 1 FROM {seals} WHERE id = %s FOR KEY SHARE NOWAIT", [seal.pk]
            )
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    f"SELECT 1 FROM {seals} WHERE id = %s FOR UPDATE NOWAIT", [seal.pk]
                )
