"""The demo seals: made through the services, one in every state, marked as samples,
and the loader runs twice without duplicates."""

import pytest

from yinzheng.demo import seals as demo
from yinzheng.demo.loader import load_demo
from yinzheng.divisions.models import Division
from yinzheng.seals import selectors
from yinzheng.seals.choices import SealStatus
from yinzheng.seals.models import CollectionTask, Handover, Seal, TakeOut

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_has_a_seal_in_every_state_and_runs_twice():
    load_demo()
    states = set(Seal.objects.values_list("status", flat=True))
    assert states == set(SealStatus.values)
    count = Seal.objects.count()
    load_demo()
    assert Seal.objects.count() == count
    assert all(s.serial.startswith(demo.PREFIX) for s in Seal.objects.all())


def test_the_demo_has_a_pending_handover_a_takeout_and_a_collection_task():
    load_demo()
    current = Seal.objects.get(serial=demo.PREFIX + "长城-2024")
    assert selectors.usable(current)
    assert selectors.current_custodian(current).username == "yinzhang"
    assert Handover.objects.filter(status="open", committee_id=demo.COMMITTEE).exists()
    assert set(TakeOut.objects.values_list("status", flat=True)) == {
        "returned",
        "requested",
    }
    assert CollectionTask.objects.filter(
        committee_id=demo.ABOLISHED, closed_at__isnull=True
    ).exists()
    assert not Division.objects.get(code=demo.ABOLISHED).is_active
    lost = Seal.objects.get(serial=demo.PREFIX + "长城-2018")
    assert lost.status == SealStatus.LOST and lost.successors.get().replaces == lost


def test_the_demo_has_sealed_work_entries_and_a_request_in_every_step_REQ_055():
    from yinzheng.ledger.models import Entry
    from yinzheng.registers.services import books as registers
    from yinzheng.seals.choices import UseStatus
    from yinzheng.seals.models import UsageRequest

    load_demo()
    load_demo()
    from yinzheng.seals.choices import WORK_CATEGORIES

    # C1–C3 uses come from the demo certificate requests (certificates/demo.py).
    rows = UsageRequest.objects.filter(
        committee_id=demo.COMMITTEE, category__in=WORK_CATEGORIES
    )
    assert all(u.content.startswith("（示例）") for u in rows)
    statuses = sorted(rows.values_list("status", flat=True))
    assert statuses.count(UseStatus.SEALED) == 4
    assert statuses.count(UseStatus.SUBMITTED) == 1
    assert statuses.count(UseStatus.REVIEWED) == 1
    assert statuses.count(UseStatus.CLOSED) == 1
    noticed = rows.get(status=UseStatus.APPROVED, major_matter="notice")
    from yinzheng.core import clock
    from yinzheng.seals.services import usage

    assert usage.gate_problems(noticed, clock.today())  # still in its notice period
    work = Entry.objects.filter(
        event="register.entry",
        chain__kind=registers.chain_kind(registers.Register.WORK),
        chain__division_id=demo.COMMITTEE,
    )
    assert work.count() == 4
    certificate_uses = UsageRequest.objects.exclude(category__in=WORK_CATEGORIES)
    assert all(
        u.matter_ref.startswith("certificates.request:") for u in certificate_uses
    )
