"""Merging and abolishing committees (REQ-001; REQ-063 hooks on the signal)."""

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories
from yinzheng.divisions import services
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Entry


@pytest.fixture
def officer(tree):
    return factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")


def test_merge_records_target_reference_and_audit(tree, officer):
    services.committee_merge(
        actor=officer,
        code=tree["A1b"],
        into_code=tree["A1a"],
        reference="山政发〔2026〕1号",
    )
    merged = Division.objects.get(code=tree["A1b"])
    assert merged.status == CommitteeStatus.MERGED
    assert merged.merged_into_id == tree["A1a"]
    entry = Entry.objects.get(event="committee.merged")
    assert entry.actor_id == officer.pk
    assert entry.data["data"]["before"]["status"] == "active"
    assert entry.data["data"]["after"]["status"] == "merged"


def test_abolish_sends_the_deactivation_signal_in_the_transaction(tree, officer):
    seen = []

    def receiver(sender, committee, actor, **kwargs):
        seen.append((committee.code, actor))

    services.committee_deactivated.connect(receiver)
    try:
        services.committee_abolish(actor=officer, code=tree["A2a"], reference="文号")
    finally:
        services.committee_deactivated.disconnect(receiver)
    assert seen == [(tree["A2a"], officer)]


def test_an_inactive_committee_cannot_change_again(tree, officer):
    services.committee_abolish(actor=officer, code=tree["A2a"], reference="文号")
    with pytest.raises(Conflict):
        services.committee_abolish(actor=officer, code=tree["A2a"], reference="文号")
    with pytest.raises(Conflict):
        services.committee_merge(
            actor=officer, code=tree["A1a"], into_code=tree["A2a"], reference="文号"
        )


def test_reference_is_required_and_self_merge_refused(tree, officer):
    with pytest.raises(InvalidInput):
        services.committee_abolish(actor=officer, code=tree["A1a"], reference=" ")
    with pytest.raises(InvalidInput):
        services.committee_merge(
            actor=officer, code=tree["A1a"], into_code=tree["A1a"], reference="x"
        )


def test_only_committees_can_be_merged(tree, officer):
    with pytest.raises(InvalidInput):
        services.committee_abolish(actor=officer, code="620725101", reference="x")


def test_clerk_and_other_county_are_refused(tree):
    clerk = factories.user("c", role=Role.CLERK, at=tree["A1a"])
    with pytest.raises(NotAllowed):
        services.committee_abolish(actor=clerk, code=tree["A1a"], reference="x")
    other = factories.user("o", role=Role.CIVIL_AFFAIRS, at="440804")
    with pytest.raises(NotAllowed):
        services.committee_abolish(actor=other, code=tree["A1a"], reference="x")
    assert Division.objects.get(code=tree["A1a"]).status == CommitteeStatus.ACTIVE


def test_chain_runs_from_country_to_committee(tree):
    chain = Division.objects.get(code=tree["A1a"]).chain()
    assert [d.code for d in chain] == [
        "CN",
        "62",
        "6207",
        "620725",
        "620725101",
        tree["A1a"],
    ]
