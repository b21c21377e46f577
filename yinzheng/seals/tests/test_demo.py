"""The demo seals: made through the services, one in every state, marked as samples,
and the loader runs twice without duplicates."""

import pytest

from yinzheng.core.demo import load_demo
from yinzheng.divisions.models import Division
from yinzheng.seals import demo, selectors
from yinzheng.seals.choices import SealStatus
from yinzheng.seals.models import CollectionTask, Handover, Seal, TakeOut

pytestmark = pytest.mark.django_db


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
