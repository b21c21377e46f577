"""Concurrent clerks and heads on real row locks: serials stay gap-free and distinct, and
a certificate is approved once. Needs PostgreSQL (concurrent connections)."""

import threading

import pytest
from django.db import connection

from yinzheng.accounts.choices import Role
from yinzheng.certificates import services
from yinzheng.certificates.models import CertificateRequest, SerialCounter
from yinzheng.core.errors import Conflict
from yinzheng.core.tests import factories as f

from . import factories

A1A = "620725101001"


def _run_together(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
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
def test_concurrent_verifications_get_distinct_gap_free_serials_and_one_approval():
    tree = {"A1a": A1A, "A1b": "620725101201"}
    for code in tree.values():
        f.division(code)
    people = factories.committee_people(tree)
    factories.committee_seal(people, A1A)
    catalogue = factories.county_catalogue()
    clerks = [people.clerk, people.clerk2] + [
        f.user(f"clerk{n}", role=Role.CLERK, at=A1A) for n in range(2)
    ]
    requests = [
        factories.request(actor=clerk, committee=A1A, item=catalogue.simple)
        for clerk in clerks
    ]

    results = _run_together(
        [
            (
                lambda clerk=clerk, req=req: services.request_verify(
                    actor=clerk, request_id=req.pk, what="居住事实", how="入户查看"
                )
            )
            for clerk, req in zip(clerks, requests, strict=True)
        ]
    )

    assert all(isinstance(r, CertificateRequest) for r in results), results
    serials = sorted(r.serial for r in results)
    year = serials[0].split("-")[1]
    assert serials == [f"{A1A}-{year}-{n:06d}" for n in range(1, 5)]
    assert SerialCounter.objects.get(committee_id=A1A, kind="certificate").last == 4

    second_head = f.user("zhuren2", role=Role.HEAD, at=A1A)
    target = requests[0]
    results = _run_together(
        [
            lambda head=head: services.request_approve(actor=head, request_id=target.pk)
            for head in (people.head, second_head)
        ]
    )
    approved = [r for r in results if isinstance(r, CertificateRequest)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert refused[0].code == "request_wrong_status"
    target.refresh_from_db()
    target.usage.refresh_from_db()
    assert target.status == "approved"
    assert target.usage.approver_id == approved[0].approved_by_id
