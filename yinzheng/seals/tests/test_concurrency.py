"""Two heads' sessions appointing a custodian for the same seal at the same moment leave
exactly one current custodian (REQ-064). Needs PostgreSQL: real row locks and
concurrent connections."""

import threading

import pytest
from django.db import connection

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
