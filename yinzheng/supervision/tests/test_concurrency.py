"""Two handlers moving the same case at the same moment, and two scans of the same
county at once: one wins, nothing is lost or written twice. Needs PostgreSQL: real row
locks and concurrent connections."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from yinzheng.core.errors import Conflict
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry
from yinzheng.supervision import services
from yinzheng.supervision.choices import CaseStatus
from yinzheng.supervision.models import Alert, Case

from .factories import people, register_entry, reported


def _together(calls: list[Callable[[], Any]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - the test looks at them
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_handlers_verifying_one_case_verify_it_once(tree):
    staff = people(tree)
    case = reported()
    results = _together(
        [
            lambda: services.case_verify(
                case_id=case.pk, actor=staff.civil, founded=True, note="甲核实"
            ),
            lambda: services.case_verify(
                case_id=case.pk, actor=staff.inspector, founded=False, note="乙核实"
            ),
        ]
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    case.refresh_from_db()
    assert case.status in (CaseStatus.VERIFIED, CaseStatus.UNFOUNDED)
    verified = Entry.objects.filter(event="supervision.case_verified")
    assert verified.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_each_alert_once(tree, clock_at):
    clock_at(2026, 11, 3, 22)
    for n in range(3):
        register_entry(tree["A1a"] if n % 2 else tree["A1b"])
    f.division(tree["A2a"])
    clock_at(2026, 11, 6, 10)
    results = _together(
        [lambda: services.scan(county_codes=["620725"]) for _ in range(2)]
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Alert.objects.count() == 2
    assert sum(r.raised for r in results) == 2
    assert Entry.objects.filter(event="supervision.alert_raised").count() == 2
