"""Issue 13, finding 2: a sealed request whose register entry was deleted is noticed
(the registers' cross-check, filled by seals/registers_port.py)."""

import pytest

from yinzheng.ledger.models import Chain, Entry
from yinzheng.ledger.tests.tamper import sql, triggers_disabled
from yinzheng.registers.services import integrity, matters
from yinzheng.seals.services import usage

from .test_usage import through_approval


def test_a_sealed_request_and_its_register_entry_agree(people, seal):
    usage.usage_seal(actor=people.custodian, usage_id=through_approval(people, seal).pk)
    assert matters.verify_matters() == []


# Deleting a row a foreign key still names needs the foreign keys off, as
# session_replication_role = replica turns them off on PostgreSQL; SQLite's test
# database checks them at the end of the test.
@pytest.mark.postgres
def test_a_sealed_request_whose_register_entry_was_deleted_is_noticed(people, seal):
    """Deleted with the chain's head rewound (a superuser, foreign keys off on
    PostgreSQL): the chain itself is consistent again, the sealing is not."""
    first = usage.usage_seal(
        actor=people.custodian, usage_id=through_approval(people, seal).pk
    )
    sealed = usage.usage_seal(
        actor=people.custodian, usage_id=through_approval(people, seal).pk
    )
    entry = sealed.register_entry
    # The sealing was committed long ago: its deferred foreign-key checks are done.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    with triggers_disabled():
        sql("DELETE FROM ledger_entry WHERE id=%s", [entry.pk])
        sql(
            "UPDATE ledger_chain SET head_seq=%s, head_hash=%s WHERE id=%s",
            [entry.seq - 1, first.register_entry.hash, entry.chain_id],
        )
    chain = Chain.objects.get(pk=entry.chain_id)
    assert Entry.objects.filter(chain=chain).count() == 1

    report = integrity.verify_all()

    assert [(b.problem, b.entry_id, b.expected) for b in report.matters] == [
        ("register_entry_missing", entry.pk, f"seals.usagerequest:{sealed.pk}")
    ]
    assert not report.ok
