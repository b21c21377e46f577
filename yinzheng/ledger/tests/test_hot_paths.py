"""The journal's hot paths (issue 15): the one-statement append with its head hint,
the one-matter rule held by a unique index (REQ-056), and the database's own walk of
a chain, which must judge every chain exactly as the Python walk does."""

import datetime as dt
import json
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yinzheng.ledger import services
from yinzheng.ledger.canonical import entry_hash
from yinzheng.ledger.models import MATTER_EVENT, Chain, Entry

from .tamper import sql, triggers_disabled


def add(key="hot:chain", subject="s", event="test.event", actor_id=None, **data):
    return services.append(
        key=key,
        kind="test",
        division_code=None,
        event=event,
        subject=subject,
        actor_id=actor_id,
        data=data,
    )


def walk_finds_nothing(chain: Chain) -> bool:
    return not list(services._walk(chain))


@pytest.mark.django_db
class TestAppend:
    def test_a_known_head_appends_in_one_statement_inside_a_transaction(self):
        add(n=0)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            add(n=1)
        statements = [
            q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]
        ]
        # PostgreSQL: one WITH … UPDATE … INSERT; SQLite: the UPDATE and the INSERT.
        assert len(statements) == (1 if connection.vendor == "postgresql" else 2)

    def test_a_stale_head_hint_is_corrected_without_a_fork(self):
        add(n=0)
        add(n=1)
        where = next(k for k in services._heads if k[2] == "hot:chain")
        # Another process appended meanwhile: this process's hint is one behind.
        hint = services._heads[where]
        services._heads[where] = services._Head(hint.id, hint.key, 1, "f" * 64)
        entry = add(n=2)
        assert entry.seq == 3
        chain = Chain.objects.get(key="hot:chain")
        assert (chain.head_seq, chain.head_hash) == (3, entry.hash)
        assert walk_finds_nothing(chain)

    def test_a_rolled_back_append_leaves_no_trace_and_the_next_one_follows_the_head(
        self,
    ):
        add(n=0)
        with pytest.raises(RuntimeError), transaction.atomic():
            add(n=1)
            raise RuntimeError("the caller failed after appending")
        entry = add(n=2)
        assert entry.seq == 2
        assert walk_finds_nothing(Chain.objects.get(key="hot:chain"))

    def test_a_hint_for_another_chain_with_the_same_id_is_never_used(self):
        first = add(key="hot:a")
        where = next(k for k in services._heads if k[2] == "hot:a")
        # The hint names chain id and state of hot:a but is filed under hot:b.
        services._heads[(where[0], where[1], "hot:b")] = services._heads[where]
        entry = add(key="hot:b")
        assert entry.chain.key == "hot:b" and entry.seq == 1
        assert Entry.objects.filter(chain_id=first.chain_id).count() == 1

    def test_a_closed_chain_takes_no_entry_even_with_a_warm_hint(self):
        add(n=0)
        Chain.objects.filter(key="hot:chain").update(closed_at=dt.datetime.now(dt.UTC))
        with pytest.raises(services.ChainClosed):
            add(n=1)
        assert Entry.objects.filter(chain__key="hot:chain").count() == 1

    def test_the_returned_entry_is_the_stored_one(self):
        entry = add(actor_id=7, n=1)
        stored = Entry.objects.get(pk=entry.pk)
        assert (stored.seq, stored.hash, stored.body, stored.actor_id) == (
            entry.seq,
            entry.hash,
            entry.body,
            7,
        )
        assert stored.recorded_at == entry.recorded_at


@pytest.mark.django_db
class TestOneMatterOnce:
    """REQ-056: one matter, one registration — held by the index entry_matter_once."""

    def test_a_second_entry_for_a_matter_is_refused_and_the_head_stays(self):
        add(key="hot:one", subject="seals.usagerequest:1", event=MATTER_EVENT)
        with pytest.raises(services.SubjectRecorded):
            add(key="hot:two", subject="seals.usagerequest:1", event=MATTER_EVENT)
        two = Chain.objects.filter(key="hot:two").first()
        assert two is None or (
            two.head_seq,
            Entry.objects.filter(chain=two).count(),
        ) == (
            0,
            0,
        )

    def test_other_events_may_name_a_subject_many_times(self):
        add(subject="x", event="audit.changed")
        add(subject="x", event="audit.changed")
        assert Entry.objects.filter(subject="x").count() == 2

    def test_the_database_refuses_a_second_matter_entry_written_around_the_service(
        self,
    ):
        from django.db import IntegrityError

        first = add(key="hot:one", subject="m:1", event=MATTER_EVENT)
        with pytest.raises(IntegrityError), transaction.atomic():
            Entry.objects.create(
                chain_id=first.chain_id,
                seq=99,
                prev_hash=first.hash,
                hash="a" * 64,
                recorded_at=first.recorded_at,
                event=MATTER_EVENT,
                subject="m:1",
                body="{}",
            )


# The database's walk ------------------------------------------------------------------

# PostgreSQL text holds every character but NUL.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@pytest.mark.postgres
@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    key=texts,
    event=texts,
    subject=texts,
    actor=st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1),
    note=texts,
    micro=st.integers(min_value=0, max_value=999_999),
)
def test_the_database_spells_the_hash_input_as_python_does(
    key, event, subject, actor, note, micro
):
    """Any text in the key, event, subject and data, any actor and any microsecond:
    the database's walk accepts what `append` wrote (so its hash input is Python's,
    byte for byte), and a one-character change in the stored body is caught by both
    walks."""
    assume(event != MATTER_EVENT)
    key = f"hyp:{uuid.uuid4().hex[:8]}:{key}"
    chain = Chain.objects.create(key=key, kind="test")
    at = dt.datetime(2026, 3, 1, 8, 0, 0, micro, tzinfo=dt.UTC)
    body = json.dumps(
        {"actor": actor, "data": {"note": note}, "event": event, "subject": subject},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = entry_hash(
        chain=key,
        seq=1,
        prev="0" * 64,
        at=at.isoformat(timespec="microseconds"),
        body=body,
    )
    Entry.objects.create(
        chain=chain,
        seq=1,
        prev_hash="0" * 64,
        hash=digest,
        recorded_at=at,
        event=event,
        subject=subject,
        actor_id=actor,
        body=body,
    )
    Chain.objects.filter(pk=chain.pk).update(head_seq=1, head_hash=digest)
    chain.refresh_from_db()
    assert services._fast_ok(chain, set()) is True
    assert walk_finds_nothing(chain)
    with triggers_disabled():
        sql(
            "UPDATE ledger_entry SET body = %s WHERE chain_id = %s",
            [body.replace('"note":', '"notE":'), chain.pk],
        )
    assert services._fast_ok(chain, set()) is False
    assert not walk_finds_nothing(chain)


TAMPERS = {
    "body": "UPDATE ledger_entry SET body = replace(body, '\"i\":', '\"j\":') WHERE {row}",
    "event": "UPDATE ledger_entry SET event = 'forged' WHERE {row}",
    "subject": "UPDATE ledger_entry SET subject = subject || 'x' WHERE {row}",
    "actor": "UPDATE ledger_entry SET actor_id = -1 WHERE {row}",
    "time": "UPDATE ledger_entry SET recorded_at = recorded_at + interval '1 microsecond'"
    " WHERE {row}",
    "prev": "UPDATE ledger_entry SET prev_hash = repeat('1', 64) WHERE {row}",
    "hash": "UPDATE ledger_entry SET hash = repeat('2', 64) WHERE {row}",
    "delete": "DELETE FROM ledger_entry WHERE {row}",
    "renumber": "UPDATE ledger_entry SET seq = seq + 100 WHERE {row}",
    "head": "UPDATE ledger_chain SET head_seq = head_seq + 1 WHERE id = {chain}",
    "head_hash": "UPDATE ledger_chain SET head_hash = repeat('3', 64) WHERE id = {chain}",
}


@pytest.mark.postgres
@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    length=st.integers(min_value=1, max_value=12),
    tamper=st.sampled_from(sorted(TAMPERS)) | st.none(),
    data=st.data(),
)
def test_the_database_walk_and_the_python_walk_always_agree(length, tamper, data):
    # A key of its own per example: the examples share one test transaction, and a
    # drawn value may repeat (CI runs hypothesis derandomized).
    key = f"agree:{uuid.uuid4()}"
    for i in range(length):
        services.append(
            key=key,
            kind="test",
            division_code=None,
            event="test.event",
            subject=f"s{i}",
            actor_id=i or None,
            data={"i": i, "text": 'a "quoted" \\ line\n'},
        )
    chain = Chain.objects.get(key=key)
    if tamper is not None:
        seq = data.draw(st.integers(min_value=1, max_value=length))
        row = f"chain_id = {chain.pk} AND seq = {seq}"
        with triggers_disabled():
            sql(TAMPERS[tamper].format(row=row, chain=chain.pk))
        chain.refresh_from_db()
    assert services._fast_ok(chain, set()) == walk_finds_nothing(chain)
    assert services._fast_ok(chain, set()) == (tamper is None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_chains_and_ranges_are_read_side_by_side(monkeypatch):
    """The command line's path: ranges on their own connections, in threads."""
    monkeypatch.setattr(services, "FAST_RANGE", 10)
    monkeypatch.setattr(services, "FAST_WORKERS", 3)
    for i in range(45):
        add(key="side:a", subject=f"a{i}", i=i)
    for i in range(5):
        add(key="side:b", subject=f"b{i}", i=i)
    reports = [r for r in services.verify() if r.chain.startswith("side:")]
    assert [(r.chain, r.ok, r.entries) for r in reports] == [
        ("side:a", True, 45),
        ("side:b", True, 5),
    ]
    with triggers_disabled():
        sql(
            "UPDATE ledger_entry SET body = replace(body, '\"i\":33', '\"i\":34')"
            " WHERE chain_id = (SELECT id FROM ledger_chain WHERE key = 'side:a')"
        )
    (report,) = services.verify(chain_key="side:a")
    assert [(b.seq, b.problem) for b in report.breaks] == [(34, "hash_mismatch")]
