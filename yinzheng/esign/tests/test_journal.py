"""Departments' verification queries are sealed into the audit journal in batches
(issue 15, REQ-111): each query once, one entry a county and batch, every sealed row
checked by `ledger verify`, the rows append-only."""

import datetime as dt
import json
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from yinzheng.core import clock
from yinzheng.core.tests.workers import run_worker
from yinzheng.esign import journal
from yinzheng.esign.migrations._triggers import APPEND_ONLY
from yinzheng.esign.models import QuerySeal, VerificationQuery
from yinzheng.ledger import audit
from yinzheng.ledger.models import Entry
from yinzheng.registers.services import integrity

from . import factories as f

pytestmark = pytest.mark.django_db
BASIS = "《社会保险法》第五十九条"


@pytest.fixture
def document(eseal, people):
    return f.prepared(eseal, clerk=people.clerk)


def ask(requester, document=None, *, at: dt.datetime | None = None, n: int = 0):
    """A query row as verification_query writes it (what is journaled is the row)."""
    return VerificationQuery.objects.create(
        requester=requester,
        department="卫健",
        legal_basis=BASIS,
        purpose=f"核实居住情况 {n}",
        kind="serial",
        subject=document.serial if document else f"X-{n}",
        document=document,
        verdict="valid" if document else "unknown",
        name_matches=None,
        asked_at=at or clock.now(),
    )


def sealed_ids() -> list[int]:
    """Every query id the journal's sealing entries list, with repeats."""
    out: list[int] = []
    for entry in Entry.objects.filter(event=journal.SEALED_EVENT):
        out += [i for i, _d in entry.data["data"]["after"]["queries"]]
    return out


def problems() -> list[str]:
    return [b.problem for b in journal.verify()]


@pytest.fixture
def step_behind_triggers():
    """As someone with database access, past the append-only triggers."""

    def run(statement: str, params: list) -> None:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET session_replication_role = replica")
            else:
                for sql in APPEND_ONLY["sqlite_down"]:
                    cur.execute(sql)
            try:
                cur.execute(statement, params)
            finally:
                if connection.vendor == "postgresql":
                    cur.execute("SET session_replication_role = origin")
                else:
                    for sql in APPEND_ONLY["sqlite_up"]:
                        cur.execute(sql)

    return run


def test_a_batch_seals_each_county_s_queries_in_one_entry_of_its_audit_chain(
    health, document
):
    county = [ask(health, document, n=i) for i in range(3)]
    national = [ask(health, n=10 + i) for i in range(2)]
    assert journal.seal_pending() == 5
    by_chain = {
        e.chain.key: e.data["data"]["after"]
        for e in Entry.objects.filter(event=journal.SEALED_EVENT)
    }
    assert by_chain["audit:620725"]["queries"] == [
        [q.pk, journal.digest(journal.row_of(q))] for q in county
    ]
    assert [i for i, _d in by_chain["audit"]["queries"]] == [q.pk for q in national]
    assert QuerySeal.objects.count() == 5
    # Nothing left: a second sealing writes nothing.
    assert journal.seal_pending() == 0
    assert Entry.objects.filter(event=journal.SEALED_EVENT).count() == 2
    assert problems() == []


def test_the_entry_holds_digests_not_the_texts_of_the_query(health, document):
    ask(health, document)
    journal.seal_pending()
    entry = Entry.objects.get(event=journal.SEALED_EVENT)
    assert BASIS not in entry.body and "核实居住情况" not in entry.body


def test_a_process_asks_for_a_sealing_every_batch_of_queries_inline(
    health, document, settings, django_capture_on_commit_callbacks
):
    """Inline (the default) the request that completes a batch seals it; the queries
    before it wait."""
    settings.QUERY_SEAL_BATCH, settings.QUERY_SEAL_SECONDS = 3, 3600
    journal._since_sealing["count"] = 0
    client = APIClient()
    client.force_authenticate(health)
    body = {"serial": document.serial, "legal_basis": BASIS, "purpose": "核实"}
    for expected in (0, 0, 3, 3, 3, 6):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/esign/verifications/", body, format="json")
        assert response.status_code == 201
        assert QuerySeal.objects.count() == expected
    assert sorted(sealed_ids()) == sorted(
        VerificationQuery.objects.values_list("pk", flat=True)
    )


def test_a_process_asks_for_a_sealing_after_the_seconds_have_passed(
    health, document, settings, django_capture_on_commit_callbacks
):
    settings.QUERY_SEAL_BATCH, settings.QUERY_SEAL_SECONDS = 1000, 0
    journal._since_sealing["count"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        ask(health, document)
        journal.noted()
    assert QuerySeal.objects.count() == 1


def test_a_failed_sealing_does_not_fail_the_query(
    health, document, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.QUERY_SEAL_BATCH = 1

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(journal, "seal_pending", broken)
    client = APIClient()
    client.force_authenticate(health)
    body = {"serial": document.serial, "legal_basis": BASIS, "purpose": "核实"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/esign/verifications/", body, format="json")
    assert response.status_code == 201
    assert VerificationQuery.objects.count() == 1 and not QuerySeal.objects.exists()


def test_the_task_and_the_command_seal_what_is_pending(health, document, capsys):
    ask(health, document)
    assert journal.seal_queries.call(lookback=3600) == {"sealed": 1}
    ask(health, document, at=clock.now() - dt.timedelta(days=3))
    # The requests' sealing looks at the last two grace periods (two hours); the
    # cron job at everything.
    assert journal.seal_queries.call(lookback=86400) == {"sealed": 0}
    call_command("esign", "seal-queries")
    assert "1" in capsys.readouterr().out
    assert QuerySeal.objects.count() == 2


def test_a_refused_query_writes_nothing_to_seal(health, document):
    """REQ-111: without a legal basis there is no query, so nothing to journal."""
    client = APIClient()
    client.force_authenticate(health)
    response = client.post(
        "/api/esign/verifications/",
        {"serial": document.serial, "legal_basis": "  ", "purpose": "核实"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "legal_basis_required"
    assert journal.seal_pending() == 0
    assert not Entry.objects.filter(event=journal.SEALED_EVENT).exists()


def test_the_history_of_a_sealed_query_reads_as_its_own_event(health, document):
    query = ask(health, document)
    (waiting,) = journal.history(query)
    assert waiting.note == "尚未存证"
    journal.seal_pending()
    (event,) = journal.history(query)
    assert event.event == "esign.verification_query"
    assert event.actor == str(health) and event.at == query.asked_at
    assert event.after == {
        "department": "卫健",
        "legal_basis": BASIS,
        "purpose": "核实居住情况 0",
        "kind": "serial",
        "subject": document.serial,
        "verdict": "valid",
        "name_checked": False,
    }
    entry = Entry.objects.get(event=journal.SEALED_EVENT)
    assert event.note == f"已存证于审计链 audit:620725 第 {entry.seq} 条"


# Tamper evidence -----------------------------------------------------------------------


def test_a_query_row_altered_after_sealing_is_caught_by_ledger_verify(
    health, document, step_behind_triggers, capsys
):
    query = ask(health, document)
    journal.seal_pending()
    call_command("ledger", "verify", "--json")
    step_behind_triggers(
        "UPDATE esign_verificationquery SET legal_basis = %s WHERE id = %s",
        ["《随便》", query.pk],
    )
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger", "verify", "--json")
    assert exit_info.value.code == 1
    out = json.loads(capsys.readouterr().out)
    (found,) = out["queries"]
    entry = Entry.objects.get(event=journal.SEALED_EVENT)
    assert found["problem"] == "query_altered"
    assert (found["chain"], found["entry_id"], found["found"]) == (
        "audit:620725",
        entry.pk,
        str(query.pk),
    )


def test_a_query_deleted_after_sealing_is_caught(
    health, document, step_behind_triggers
):
    query = ask(health, document)
    journal.seal_pending()
    step_behind_triggers("DELETE FROM esign_queryseal WHERE query_id = %s", [query.pk])
    step_behind_triggers(
        "DELETE FROM esign_verificationquery WHERE id = %s", [query.pk]
    )
    assert problems() == ["query_missing"]


def test_a_query_left_unsealed_past_the_grace_period_is_reported(
    health, document, settings, capsys
):
    settings.QUERY_SEAL_GRACE = 3600
    ask(health, document, at=clock.now() - dt.timedelta(minutes=30))
    assert problems() == []
    late = ask(health, document, at=clock.now() - dt.timedelta(hours=2))
    assert [(b.problem, b.found) for b in journal.verify()] == [
        ("query_not_sealed", str(late.pk))
    ]
    with pytest.raises(SystemExit):
        call_command("ledger", "verify")
    assert "query_not_sealed" in capsys.readouterr().out
    journal.seal_pending()
    assert problems() == []


def test_a_forged_seal_cannot_hide_a_query_from_the_journal(
    health, document, settings, step_behind_triggers
):
    """A QuerySeal row the journal does not back (to keep a query from being sealed)
    is reported, and the query counts as unsealed."""
    settings.QUERY_SEAL_GRACE = 0
    sealed = ask(health, document)
    journal.seal_pending()
    entry = Entry.objects.get(event=journal.SEALED_EVENT)
    hidden = ask(health, document, at=clock.now() - dt.timedelta(hours=1))
    QuerySeal.objects.create(query=hidden, entry=entry)
    assert sorted(problems()) == ["query_not_sealed", "seal_not_in_journal"]
    assert journal.seal_pending() == 0  # the sealer trusts the seal rows …
    assert sealed.pk in sealed_ids()  # … `verify` trusts only the journal


def test_a_query_journaled_alone_before_batches_still_verifies(
    health, document, step_behind_triggers
):
    """Queries journaled one entry each (before issue 15; migration 0009 gives them
    their QuerySeal) are checked against the fields their entry holds."""
    query = ask(health, document)
    entry = audit.record(
        actor=health,
        event="esign.verification_query",
        subject=query,
        after={
            "department": query.department,
            "legal_basis": query.legal_basis,
            "purpose": query.purpose,
            "kind": query.kind,
            "subject": query.subject,
            "verdict": query.verdict,
            "name_checked": False,
        },
    )
    QuerySeal.objects.create(query=query, entry=entry)
    assert journal.seal_pending() == 0
    assert problems() == []
    assert journal.history(query)[0].after["legal_basis"] == BASIS
    step_behind_triggers(
        "UPDATE esign_verificationquery SET purpose = %s WHERE id = %s",
        ["别的", query.pk],
    )
    assert problems() == ["query_altered"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE esign_verificationquery SET legal_basis = 'x'",
        "DELETE FROM esign_verificationquery",
        "UPDATE esign_queryseal SET entry_id = entry_id",
        "DELETE FROM esign_queryseal",
    ],
)
def test_queries_and_their_seals_are_append_only(health, document, statement):
    ask(health, document)
    journal.seal_pending()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(statement)


def test_the_integrity_report_includes_the_queries(health, document, settings):
    settings.QUERY_SEAL_GRACE = 0
    ask(health, document, at=clock.now() - dt.timedelta(seconds=5))
    report = integrity.verify_all()
    assert [b.problem for b in report.queries] == ["query_not_sealed"]
    assert not report.ok


# Any order of queries and sealings --------------------------------------------------


@hsettings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("ask"), st.booleans(), st.integers(0, 3)),
            st.tuples(st.just("seal"), st.booleans(), st.just(0)),
        ),
        max_size=12,
    )
)
def test_any_interleaving_of_queries_and_sealings_seals_each_query_once(
    health, document, steps
):
    before = set(VerificationQuery.objects.values_list("pk", flat=True))
    for action, flag, count in steps:
        if action == "ask":
            for n in range(count):
                ask(health, document if flag else None, n=n)
        else:
            journal.seal_pending(
                since=clock.now() - journal.lookback() if flag else None
            )
    journal.seal_pending()
    ids = sealed_ids()
    assert len(ids) == len(set(ids))
    assert set(ids) == set(VerificationQuery.objects.values_list("pk", flat=True))
    assert QuerySeal.objects.count() == len(ids)
    new = set(ids) - before
    for entry in Entry.objects.filter(event=journal.SEALED_EVENT):
        listed = [i for i, _d in entry.data["data"]["after"]["queries"]]
        if set(listed) & new:
            counties = {
                (q.document.committee_id[:6] if q.document_id else None)
                for q in VerificationQuery.objects.filter(pk__in=listed)
            }
            assert len(counties) == 1
            assert entry.chain.key == ("audit" if None in counties else "audit:620725")
    assert problems() == []


# Sealers at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_and_askers_seal_every_query_exactly_once(health, document):
    sealers, askers, each = 4, 3, 40
    errors: list[BaseException] = []
    barrier = threading.Barrier(sealers + askers)
    done = threading.Event()

    def seal() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                journal.seal_pending()
            journal.seal_pending()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def asker(k: int) -> None:
        try:
            barrier.wait()
            for n in range(each):
                ask(health, document if (n + k) % 2 else None, n=n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=seal) for _ in range(sealers)]
    asking = [threading.Thread(target=asker, args=(k,)) for k in range(askers)]
    for t in threads + asking:
        t.start()
    for t in asking:
        t.join()
    done.set()
    for t in threads:
        t.join()
    assert not errors
    journal.seal_pending()
    ids = sealed_ids()
    assert len(ids) == askers * each == len(set(ids))
    assert set(ids) == set(VerificationQuery.objects.values_list("pk", flat=True))
    assert QuerySeal.objects.count() == askers * each
    assert problems() == []
    assert integrity.verify_all().ok


@pytest.mark.django_db(transaction=True)
def test_a_sealing_queued_by_a_request_is_done_by_a_worker_as_inline(
    health, document, settings
):
    """With YINZHENG_TASKS=database the request that completes a batch queues the
    sealing; a `yinzheng db_worker` seals the same queries as inline."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.QUERY_SEAL_BATCH, settings.QUERY_SEAL_SECONDS = 2, 3600
    journal._since_sealing["count"] = 0
    client = APIClient()
    client.force_authenticate(health)
    body = {"serial": document.serial, "legal_basis": BASIS, "purpose": "核实"}
    for _ in range(2):
        assert client.post("/api/esign/verifications/", body).status_code == 201
    assert not QuerySeal.objects.exists()  # queued, not run
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (result,) = DBTaskResult.objects.all()
    assert (result.status, result.return_value) == ("SUCCESSFUL", {"sealed": 2})
    assert sorted(sealed_ids()) == sorted(
        VerificationQuery.objects.values_list("pk", flat=True)
    )
    assert problems() == []
