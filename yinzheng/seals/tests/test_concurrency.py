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


def _take_out(people, seal):
    import datetime as dt

    from yinzheng.core import clock

    takeout = services.takeout_request(
        actor=people.custodian,
        seal_id=seal.pk,
        purpose="村民代表会议现场用印",
        due_back_at=clock.now() + dt.timedelta(hours=4),
    )
    return lambda: services.takeout_decide(
        actor=people.head, takeout_id=takeout.pk, approve=True
    )


def _cancel_handover(people, seal):
    import datetime as dt

    handover = services.handover_open(
        actor=people.head,
        committee_code=seal.committee_id,
        trigger="term_election",
        trigger_date=dt.date.today(),
        outgoing_id=people.custodian.pk,
        incoming_id=people.custodian2.pk,
    )
    return lambda: services.handover_cancel(
        actor=people.head, handover_id=handover.pk, reason="发起有误"
    )


def _confirm_collection(people, seal):
    from yinzheng.divisions import services as divisions
    from yinzheng.seals.models import CollectionTask

    divisions.committee_abolish(
        actor=people.civil, code=seal.committee_id, reference="山政发〔2024〕3号"
    )
    task = CollectionTask.objects.get()
    return lambda: services.collection_task_confirm(
        actor=people.township, task_id=task.pk, note="已收回"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", [_take_out, _cancel_handover, _confirm_collection])
def test_a_custody_step_leaves_the_committee_free_for_new_rows_issue_15(
    people, seal, step
):
    """As lock_seal (above): a take-out decision, a handover's cancellation and a
    collection's confirmation lock their own row, not the committee's division row
    they read with it, so an intake or a sealing request for that committee (the
    foreign-key check of its new row) does not queue behind them."""
    import psycopg

    from yinzheng.core.db import postgres_url
    from yinzheng.divisions.models import Division

    run = step(people, seal)
    with transaction.atomic():
        run()
        with psycopg.connect(postgres_url(), autocommit=True) as other:
            other.execute(
                f"SELECT 1 FROM {Division._meta.db_table} "
                "WHERE code = %s FOR KEY SHARE NOWAIT",
                [seal.committee_id],
            )
