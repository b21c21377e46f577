"""Issue 13, finding 2: a database superuser rewriting the registers is caught.

Each test steps behind the append-only triggers as such a user would (on PostgreSQL
`session_replication_role = replica`, which also turns off foreign keys; on SQLite the
triggers are dropped), rewrites or deletes rows with raw SQL, and expects `ledger
verify` to name what changed: an audit chain rewritten with every hash recomputed, a
chain's checkpoints deleted and its tail truncated, a certificate register rewritten
between checkpoints, a signer's sequence rewound (only a kept anchor shows it).
"""

import json

import pytest
from django.core.management import call_command

from yinzheng.core.actors import SYSTEM
from yinzheng.divisions.models import Division
from yinzheng.esign import keys
from yinzheng.ledger import audit, services
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger.canonical import entry_hash
from yinzheng.ledger.models import Chain, Checkpoint, CheckpointSeries, Entry
from yinzheng.ledger.tests.tamper import sql, triggers_disabled
from yinzheng.registers.services import books as registers
from yinzheng.registers.services import checkpoints, integrity, matters

from .test_books import add

COMMITTEE = "620725101001"
TOWNSHIP = "620725101"


@pytest.fixture
def in_2026(tree, clock_at):
    clock_at(2026, 5, 1, 9)


@pytest.fixture(autouse=True)
def _no_matter_sources(monkeypatch):
    """These registers are written directly, for matters no request stands behind;
    the cross-check has its own test here and in the seal registry's."""
    monkeypatch.setattr(matters, "_sources", {})


def audit_entries(n: int, tree) -> Chain:
    committee = Division.objects.get(code=tree["A1a"])
    for i in range(n):
        audit.record(
            actor=SYSTEM,
            event="test.changed",
            subject=committee,
            before={"i": i},
            after={"i": i + 1},
        )
    return Chain.objects.get(key="audit:620725")


def rewrite_from(key: str, first: int, change) -> None:
    """Rewrite entries from `first` on, recomputing every hash and the head, as a
    superuser would: the chain is internally consistent again."""
    chain = Chain.objects.get(key=key)
    prev = "0" * 64
    with triggers_disabled():
        for entry in Entry.objects.filter(chain=chain).order_by("seq"):
            body = change(entry.body) if entry.seq == first else entry.body
            digest = entry_hash(
                chain=key,
                seq=entry.seq,
                prev=prev,
                at=services._at_text(entry.recorded_at),
                body=body,
            )
            if entry.seq >= first:
                sql(
                    "UPDATE ledger_entry SET body=%s, prev_hash=%s, hash=%s "
                    "WHERE id=%s",
                    [body, prev, digest, entry.pk],
                )
            prev = digest
        sql("UPDATE ledger_chain SET head_hash=%s WHERE id=%s", [prev, chain.pk])


def truncate_last(key: str) -> None:
    """Delete the chain's last entry and rewind its head to the one before."""
    chain = Chain.objects.get(key=key)
    before = Entry.objects.get(chain=chain, seq=chain.head_seq - 1)
    with triggers_disabled():
        sql(
            "DELETE FROM ledger_entry WHERE chain_id=%s AND seq=%s",
            [chain.pk, chain.head_seq],
        )
        sql(
            "UPDATE ledger_chain SET head_seq=%s, head_hash=%s WHERE id=%s",
            [before.seq, before.hash, chain.pk],
        )


def problems(report) -> list[str]:
    return [b.problem for b in report.breaks]


def test_a_rewritten_audit_chain_is_named_at_its_first_altered_entry(tree):
    """Finding: rewriting audit:<county> from seq 10 passed (no audit checkpoints)."""
    chain = audit_entries(30, tree)
    checkpoints.checkpoint_everything(actor=SYSTEM)  # the daily run
    cp = Checkpoint.objects.get(chain=chain)
    assert (cp.signer_id, cp.seq, cp.number) == ("620725", 30, 1)
    assert cp.key.purpose == "root" and cp.key.certificate_pem  # on the trust list

    rewrite_from("audit:620725", 10, lambda body: body.replace('"i":10', '"i":99'))

    report = integrity.verify_all()
    (found,) = [b for b in report.breaks if b.chain == "audit:620725"]
    assert (found.seq, found.problem, found.checkpoint_id) == (
        10,
        "altered_since_checkpoint",
        cp.pk,
    )
    assert found.entry_id == Entry.objects.get(chain=chain, seq=10).pk
    assert found.last_good_seq == 9


def test_deleting_a_chains_checkpoints_and_truncating_it_is_detected(in_2026):
    """Finding: checkpoints deleted (replica mode), then the last entry truncated,
    passed. The signer's sequence now has a gap where they were."""
    for n in (1, 2, 3):
        add("work", n)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    add("certificate", 1)  # another chain of the township, checkpointed after
    checkpoints.checkpoint_sign(
        actor=SYSTEM, chain_key=registers.chain_key("certificate", COMMITTEE, 2026)
    )
    assert integrity.verify_all().ok

    chain = Chain.objects.get(key=key)
    with triggers_disabled():
        sql("DELETE FROM ledger_checkpoint WHERE chain_id=%s", [chain.pk])
    truncate_last(key)

    report = integrity.verify_all()
    assert report.series[f"checkpoints:{TOWNSHIP}"][0].problem == "checkpoint_missing"
    assert report.series[f"checkpoints:{TOWNSHIP}"][0].seq == 1


def test_a_chain_shorter_than_its_checkpoint_is_truncated_whatever_its_head(in_2026):
    for n in (1, 2, 3):
        add("work", n)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    truncate_last(key)
    (report,) = services.verify(chain_key=key)
    assert problems(report) == ["truncated_below_checkpoint"]
    assert (report.breaks[0].seq, report.breaks[0].expected) == (3, "3")


def test_a_rewritten_certificate_register_names_the_first_altered_entry(
    in_2026, monkeypatch, django_capture_on_commit_callbacks
):
    """Finding: a rewritten certificate register was caught only at the next
    checkpoint, without naming the entry. The append checkpoints every N entries
    (after commit), with a digest of each entry, so the entry itself is named."""
    monkeypatch.setattr(services, "CHECKPOINT_EVERY", 4)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 10):
            add("certificate", n)
    key = registers.chain_key("certificate", COMMITTEE, 2026)
    made = list(Checkpoint.objects.filter(chain__key=key).order_by("seq"))
    assert [(c.seq, c.from_seq, c.number) for c in made] == [(4, 0, 1), (8, 4, 2)]

    rewrite_from(key, 6, lambda body: body.replace("县人社局", "县公安局"))

    (report,) = services.verify(chain_key=key)
    (found,) = report.breaks
    assert (found.seq, found.problem) == (6, "altered_since_checkpoint")
    assert found.checkpoint_id == made[1].pk and found.last_good_seq == 5


def test_an_entry_after_the_last_checkpoint_is_caught_by_the_head_only(in_2026):
    """Past the newest checkpoint the chain's own hashes are all there is: a rewrite
    there is named by the cross-check, the next checkpoint or a kept anchor."""
    for n in (1, 2):
        add("work", n)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    add("work", 3)
    rewrite_from(key, 3, lambda body: body.replace("第3号", "第9号"))
    (report,) = services.verify(chain_key=key)
    assert report.ok


def test_a_deleted_checkpoint_in_the_middle_of_the_sequence_is_a_gap(in_2026):
    key = registers.chain_key("work", COMMITTEE, 2026)
    for n in (1, 2, 3):
        add("work", n)
        checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    second = Checkpoint.objects.get(chain__key=key, number=2)
    with triggers_disabled():
        sql("DELETE FROM ledger_checkpoint WHERE id=%s", [second.pk])
    found = journal_checkpoints.verify_series()[f"checkpoints:{TOWNSHIP}"]
    assert [(b.problem, b.seq) for b in found] == [("checkpoint_missing", 2)]


def test_an_altered_checkpoint_breaks_its_sequence_and_its_signature(in_2026):
    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    cp = checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    with triggers_disabled():
        sql("UPDATE ledger_checkpoint SET seq=0 WHERE id=%s", [cp.pk])
    report = integrity.verify_all()
    assert [b.problem for b in report.series[f"checkpoints:{TOWNSHIP}"]] == [
        "checkpoint_altered"
    ]
    assert "checkpoint_signature_invalid" in [b.problem for b in report.breaks]


def test_a_rewound_sequence_is_caught_by_a_kept_anchor(in_2026, tmp_path, capsys):
    """Deleting the newest checkpoint, rewinding the signer's head and truncating the
    chain leaves a consistent database; the anchor kept outside it does not agree."""
    key = registers.chain_key("work", COMMITTEE, 2026)
    add("work", 1)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    add("work", 2)
    newest = checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    held = tmp_path / "anchor.json"
    call_command("ledger", "anchor", "--under", TOWNSHIP, "--out", str(held))
    first = Checkpoint.objects.get(chain__key=key, number=1)
    with triggers_disabled():
        sql("DELETE FROM ledger_checkpoint WHERE id=%s", [newest.pk])
        sql(
            "UPDATE ledger_checkpointseries SET head_number=1, head_hash=%s "
            "WHERE signer_id=%s",
            [first.hash, TOWNSHIP],
        )
    truncate_last(key)
    # Audit entries of the signing, kept out of the picture here.
    assert integrity.verify_all(chain_key=key).ok
    assert not journal_checkpoints.verify_series()[f"checkpoints:{TOWNSHIP}"]

    with pytest.raises(SystemExit):
        call_command("ledger", "verify", "--json", "--anchor", str(held))
    out = json.loads(capsys.readouterr().out)
    assert [b["problem"] for b in out["anchor"]] == [
        "anchored_checkpoint_missing",
        "anchored_entry_missing",
    ]


def test_the_anchor_verifies_offline_with_the_published_certificate(in_2026):
    """A resident's or township's copy needs no database: the signed text, its
    signature and the authority's public key from the trust list."""
    from yinzheng.esign import trustlist

    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    published = trustlist.build()
    (series,) = [
        s for s in published["checkpoints"]["series"] if s["signer"] == TOWNSHIP
    ]
    (authority,) = [
        a for a in published["authorities"] if a["key_id"] == series["key_id"]
    ]
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_der_x509_certificate(
        __import__("base64").b64decode(authority["certificate"])
    )
    pem = (
        cert.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    signed = series["signed"].encode()
    assert keys.verify(pem, signed, series["signature"])
    assert json.loads(signed)["chain"] == key


def test_the_year_end_archive_keeps_the_anchor(tree, clock_at):
    from yinzheng.registers.services import archives

    clock_at(2026, 5, 1, 9)
    add("work", 1)
    clock_at(2027, 1, 2, 9)
    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )
    held = json.loads(archive.anchor.read())
    (township,) = [s for s in held["series"] if s["signer"] == TOWNSHIP]
    assert township["number"] == archive.checkpoint.number
    assert township["hash"] == archive.checkpoint.hash
    assert not journal_checkpoints.anchor_breaks(held)


def test_appends_checkpoint_audit_chains_too(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "CHECKPOINT_EVERY", 5)
    with django_capture_on_commit_callbacks(execute=True):
        chain = audit_entries(11, tree)
    assert list(
        Checkpoint.objects.filter(chain=chain).values_list("seq", "signer_id")
    ) == [(5, "620725"), (10, "620725")]
    series = CheckpointSeries.objects.get(signer_id="620725")
    assert series.head_number == 2
    assert integrity.verify_all().ok


def test_a_failed_automatic_checkpoint_never_fails_the_append(
    tree, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(services, "CHECKPOINT_EVERY", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("no master key")

    monkeypatch.setattr(checkpoints, "signing_key", broken)
    with django_capture_on_commit_callbacks(execute=True):
        audit_entries(1, tree)
    assert Entry.objects.filter(chain__key="audit:620725").count() == 1
    assert "checkpoint of chain" in caplog.text


def test_register_entries_are_cross_checked_with_their_matters(in_2026, monkeypatch):
    entry = add("certificate", 1)
    other = add("work", 2)
    listed = [
        matters.Matter("x:1", COMMITTEE, "certificate", entry.pk, entry.subject, ""),
        matters.Matter("x:2", COMMITTEE, "work", None, "x:2"),
        matters.Matter("x:3", COMMITTEE, "work", 10**9, "x:3"),
        matters.Matter("x:4", COMMITTEE, "work", other.pk, "x:other"),
        matters.Matter(
            "x:5", COMMITTEE, "certificate", entry.pk, entry.subject, "2026-001"
        ),
    ]
    monkeypatch.setattr(
        matters, "_sources", {"test": (lambda: listed, "seals.usagerequest:")}
    )
    found = [(b.problem, b.entry_id) for b in matters.verify_matters()]
    assert found == [
        ("matter_without_entry", None),
        ("register_entry_missing", 10**9),
        ("register_entry_other_matter", other.pk),
        ("register_entry_serial_differs", entry.pk),
    ]
    listed.pop(3)
    found = [(b.problem, b.entry_id) for b in matters.verify_matters()]
    assert ("register_entry_without_matter", other.pk) in found
