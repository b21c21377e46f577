"""The journal: append-only, hash-chained, verifiable (design.md §4; REQ-069–074 build on it)."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from yinzheng.core.actors import SYSTEM
from yinzheng.ledger import audit, services
from yinzheng.ledger.canonical import canonical
from yinzheng.ledger.models import GENESIS_HASH, Chain, Entry

from .tamper import sql, triggers_disabled

ONLY_TEST_CHAIN = (
    "AND chain_id = (SELECT id FROM ledger_chain WHERE key = 'test:chain')"
)


def append(key="test:chain", n=1, **data):
    last = None
    for i in range(n):
        last = services.append(
            key=key,
            kind="test",
            division_code=None,
            event="test.event",
            subject=f"test:{i}",
            actor_id=None,
            data={"i": i, **data},
        )
    return last


def only_break(key="test:chain"):
    (report,) = services.verify(chain_key=key)
    assert not report.ok
    return report.breaks[0]


@pytest.mark.django_db
class TestAppend:
    def test_entries_are_numbered_from_one_and_linked_by_hash(self):
        append(n=3)
        entries = list(Entry.objects.filter(chain__key="test:chain").order_by("seq"))
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[0].prev_hash == GENESIS_HASH
        assert entries[1].prev_hash == entries[0].hash
        assert entries[2].prev_hash == entries[1].hash
        chain = Chain.objects.get(key="test:chain")
        assert (chain.head_seq, chain.head_hash) == (3, entries[2].hash)

    def test_chains_are_numbered_independently(self):
        append(key="a", n=2)
        append(key="b", n=1)
        assert Chain.objects.get(key="a").head_seq == 2
        assert Chain.objects.get(key="b").head_seq == 1

    def test_body_is_canonical_utf8_json(self):
        entry = append(name="长城社区")
        assert "长城社区" in entry.body
        assert entry.body == canonical(json.loads(entry.body))

    def test_update_of_an_entry_is_refused_by_the_database(self):
        entry = append()
        with pytest.raises(DatabaseError), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(event="forged")

    def test_delete_of_an_entry_is_refused_by_the_database(self):
        entry = append()
        with pytest.raises(DatabaseError), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).delete()

    def test_raw_sql_update_is_refused_too(self):
        entry = append()
        with pytest.raises(DatabaseError), transaction.atomic():
            sql("UPDATE ledger_entry SET body = '{}' WHERE id = %s", [entry.pk])


@pytest.mark.django_db
class TestVerify:
    def test_an_untouched_chain_verifies(self):
        append(n=5)
        (report,) = services.verify(chain_key="test:chain")
        assert report.ok and report.entries == 5

    def test_an_entry_altered_behind_the_triggers_is_named(self):
        append(n=5)
        target = Entry.objects.get(chain__key="test:chain", seq=3)
        with triggers_disabled():
            sql(
                "UPDATE ledger_entry SET body = %s WHERE id = %s",
                [target.body.replace('"i":2', '"i":9'), target.pk],
            )
        found = only_break()
        assert (found.seq, found.entry_id, found.problem) == (
            3,
            target.pk,
            "hash_mismatch",
        )

    def test_a_deleted_entry_is_named(self):
        append(n=5)
        with triggers_disabled():
            sql(
                "DELETE FROM ledger_entry WHERE seq = 2 AND chain_id = %s",
                [Chain.objects.get(key="test:chain").pk],
            )
        found = only_break()
        assert (found.seq, found.problem) == (3, "sequence_gap")
        assert found.expected == "2"

    def test_a_deleted_last_entry_is_caught_by_the_head(self):
        append(n=4)
        with triggers_disabled():
            sql(
                "DELETE FROM ledger_entry WHERE seq = 4 AND chain_id = %s",
                [Chain.objects.get(key="test:chain").pk],
            )
        assert only_break().problem == "head_mismatch"

    def test_two_reordered_entries_are_detected(self):
        append(n=5)
        with triggers_disabled():
            sql("UPDATE ledger_entry SET seq = 1000 WHERE seq = 2 " + ONLY_TEST_CHAIN)
            sql("UPDATE ledger_entry SET seq = 2 WHERE seq = 3 " + ONLY_TEST_CHAIN)
            sql("UPDATE ledger_entry SET seq = 3 WHERE seq = 1000 " + ONLY_TEST_CHAIN)
        found = only_break()
        assert found.seq == 2 and found.problem in {
            "prev_hash_mismatch",
            "hash_mismatch",
        }

    def test_an_inserted_entry_is_detected(self):
        append(n=3)
        first = Entry.objects.get(chain__key="test:chain", seq=1)
        with triggers_disabled():
            sql(
                "UPDATE ledger_entry SET seq = seq + 1000 WHERE seq >= 2 "
                + ONLY_TEST_CHAIN
            )
            sql(
                "UPDATE ledger_entry SET seq = seq - 999 WHERE seq >= 1000 "
                + ONLY_TEST_CHAIN
            )
        Entry.objects.create(
            chain=first.chain,
            seq=2,
            prev_hash=first.hash,
            hash="f" * 64,
            recorded_at=first.recorded_at,
            event="forged",
            subject="x",
            body="{}",
        )
        found = only_break()
        assert found.seq == 2

    def test_an_altered_index_column_is_detected(self):
        append(n=2)
        with triggers_disabled():
            sql(
                "UPDATE ledger_entry SET event = 'forged' WHERE seq = 1 "
                + ONLY_TEST_CHAIN
            )
        assert only_break().problem == "index_mismatch"

    def test_the_command_exits_1_and_names_the_broken_entry(self, capsys):
        append(n=3)
        target = Entry.objects.get(chain__key="test:chain", seq=2)
        with triggers_disabled():
            sql(
                "UPDATE ledger_entry SET hash = %s WHERE id = %s", ["0" * 64, target.pk]
            )
        with pytest.raises(SystemExit) as exit_info:
            call_command("ledger", "verify", "--json")
        assert exit_info.value.code == 1
        out = json.loads(capsys.readouterr().out)
        assert out["ok"] is False
        assert out["broken"][0]["entry_id"] == target.pk
        assert out["broken"][0]["chain"] == "test:chain"

    def test_the_command_succeeds_on_intact_chains(self, capsys):
        append(n=2)
        call_command("ledger", "verify", "--chain", "test:chain", "--json")
        out = json.loads(capsys.readouterr().out)
        assert out == {**out, "ok": True, "chains": 1, "entries": 2}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3
        ),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_any_single_altered_body_breaks_the_chain_at_that_entry(bodies, data):
    key = f"prop:{Chain.objects.count()}"
    for body in bodies:
        services.append(
            key=key,
            kind="test",
            division_code=None,
            event="e",
            subject="s",
            actor_id=None,
            data=body,
        )
    assert services.verify(chain_key=key)[0].ok
    seq = data.draw(st.integers(min_value=1, max_value=len(bodies)))
    entry = Entry.objects.get(chain__key=key, seq=seq)
    with triggers_disabled():
        sql(
            "UPDATE ledger_entry SET body = %s WHERE id = %s",
            [entry.body + " ", entry.pk],
        )
    (report,) = services.verify(chain_key=key)
    assert report.breaks[0].seq == seq


@pytest.mark.django_db
def test_audit_record_is_chained_per_county(tree):
    from yinzheng.divisions.models import Division

    committee = Division.objects.get(code=tree["A1a"])
    entry = audit.record(
        actor=SYSTEM,
        event="test.changed",
        subject=committee,
        before={"a": 1},
        after={"a": 2},
    )
    assert entry.chain.key == "audit:620725"
    assert entry.subject == f"divisions.division:{committee.code}"
    assert entry.data["data"]["before"] == {"a": 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_writers_leave_no_gap_and_no_fork():
    writers, each = 16, 12
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                services.append(
                    key="concurrent",
                    kind="test",
                    division_code=None,
                    event="w",
                    subject=f"w{n}",
                    actor_id=None,
                    data={"writer": n, "i": i},
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(
        Entry.objects.filter(chain__key="concurrent")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, writers * each + 1))
    (report,) = services.verify(chain_key="concurrent")
    assert report.ok


@pytest.mark.postgres
@pytest.mark.django_db
def test_truncating_the_journal_is_refused_on_postgresql():
    append(n=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("TRUNCATE ledger_entry, ledger_chain")


@settings(max_examples=300, deadline=None)
@given(
    chain=st.text(max_size=30),
    seq=st.integers(min_value=1, max_value=10**12),
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    at=st.text(max_size=40),
    body=st.text(max_size=200),
)
def test_the_spelled_out_hash_input_equals_the_canonical_encoding(
    chain, seq, prev, at, body
):
    from yinzheng.ledger.canonical import entry_material

    expected = canonical(
        {"chain": chain, "seq": seq, "prev": prev, "at": at, "body": body}
    ).encode("utf-8")
    assert entry_material(chain=chain, seq=seq, prev=prev, at=at, body=body) == expected


@settings(max_examples=300, deadline=None)
@given(
    event=st.text(max_size=30),
    subject=st.text(max_size=30),
    other_event=st.text(max_size=30),
    other_subject=st.text(max_size=30),
    actor=st.one_of(st.none(), st.integers(min_value=1, max_value=10**9)),
    other_actor=st.one_of(st.none(), st.integers(min_value=1, max_value=10**9)),
    data=st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=4),
)
def test_the_index_check_agrees_exactly_when_the_columns_match_the_body(
    event, subject, other_event, other_subject, actor, other_actor, data
):
    from yinzheng.ledger.canonical import index_agrees

    body = canonical({"event": event, "subject": subject, "actor": actor, "data": data})
    assert index_agrees(body, event, subject, actor)
    same = (other_event, other_subject, other_actor) == (event, subject, actor)
    assert index_agrees(body, other_event, other_subject, other_actor) == same
