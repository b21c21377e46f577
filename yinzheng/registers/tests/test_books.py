"""The two seal-use registers, checkpoints and the year-end archive (REQ-056, REQ-069–074).

Proved here: REQ-056, REQ-069, REQ-071, REQ-072, REQ-073, REQ-074.
"""

import hashlib
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from yinzheng.accounts.choices import Role
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import png_bytes
from yinzheng.esign.models import KeyPair
from yinzheng.ledger import services
from yinzheng.ledger.canonical import entry_hash
from yinzheng.ledger.models import Archive, Chain, Checkpoint, Entry
from yinzheng.ledger.tests.tamper import sql, triggers_disabled
from yinzheng.registers.services import archives, checkpoints
from yinzheng.registers.services import books as registers

COMMITTEE = "620725101001"


def work_fields(n=1, **over):
    return {
        "sealed_at": f"2026-03-0{n} 10:00",
        "content": f"村民代表会议决议第{n}号",
        "copies": 2,
        "approver": "王主任",
        "handler": "李经办",
        "reviewer": "李经办",
        "custodian": "赵保管",
        "category": "W1",
        "seal": "620725101001-01",
        "document_sha256": "a" * 64,
        **over,
    }


def cert_fields(n=1, **over):
    return {
        "sealed_at": f"2026-03-0{n} 10:00",
        "requiring_unit": "县人社局",
        "purpose": "失业登记",
        "phone": "13800000000",
        "content": "居住情况证明",
        "copies": 1,
        "approver": "王主任",
        "handler": "李经办",
        "reviewer": "李经办",
        "custodian": "赵保管",
        "category": "C2",
        "seal": "620725101001-01",
        "document_sha256": "b" * 64,
        **over,
    }


def add(register="work", n=1, committee=COMMITTEE, **over):
    fields = work_fields(n, **over) if register == "work" else cert_fields(n, **over)
    return registers.register_append(
        actor=SYSTEM,
        committee_code=committee,
        register=register,
        matter=f"seals.usagerequest:{register}-{n}",
        fields=fields,
    )


@pytest.fixture
def in_2026(tree, clock_at):
    clock_at(2026, 3, 1, 10)


def test_entries_are_numbered_gap_free_per_committee_register_and_year(tree, clock_at):
    clock_at(2026, 12, 31, 23)
    assert [add("work", n).seq for n in (1, 2)] == [1, 2]
    assert add("certificate", 1).seq == 1  # REQ-069: its own register
    clock_at(2027, 1, 1, 8)
    assert add("work", 3).seq == 1  # a new year, a new book
    assert add("work", 4, committee="620725101201").seq == 1


def test_the_five_work_columns_are_required_REQ_071(in_2026):
    for column in ("sealed_at", "content", "copies", "approver", "handler"):
        with pytest.raises(InvalidInput) as exc:
            add("work", 1, **{column: ""})
        assert exc.value.code in {"register_fields_missing", "copies_invalid"}
    with pytest.raises(InvalidInput) as exc:
        add("work", 1, copies=0)
    assert exc.value.code == "copies_invalid"
    columns = [c.key for c in registers.WORK_COLUMNS[:5]]
    assert columns == ["sealed_at", "content", "copies", "approver", "handler"]


def test_the_four_certificate_columns_come_first_and_are_required_REQ_072(in_2026):
    columns = [c.key for c in registers.CERTIFICATE_COLUMNS[:4]]
    assert columns == ["sealed_at", "requiring_unit", "purpose", "phone"]
    for column in columns:
        with pytest.raises(InvalidInput):
            add("certificate", 1, **{column: " "})


def test_one_matter_one_entry_REQ_056(in_2026):
    add("work", 1)
    with pytest.raises(Conflict) as exc:
        add("work", 1)
    assert exc.value.code == "matter_already_registered"


def test_a_signature_that_only_starts_like_a_png_is_refused_issue_13(in_2026):
    entry = add("certificate", 1)
    fake = SimpleUploadedFile("sig.png", b"\x89PNG\r\n\x1a\n<script>", "image/png")

    with pytest.raises(InvalidInput) as refused:
        registers.confirm(
            actor=SYSTEM, entry_id=entry.pk, method="screen", signature=fake
        )

    assert refused.value.code == "file_type_invalid"
    assert [r.confirmed for r in registers.rows(entry.chain)] == [False]


def test_a_certificate_entry_stays_unconfirmed_until_the_resident_signs_REQ_073(
    in_2026,
):
    entry = add("certificate", 1)
    chain = entry.chain
    assert [r.confirmed for r in registers.rows(chain)] == [False]
    with pytest.raises(InvalidInput):
        registers.confirm(actor=SYSTEM, entry_id=entry.pk, method="screen")
    drawn = png_bytes()
    png = SimpleUploadedFile("sig.png", drawn, "image/png")
    confirmation = registers.confirm(
        actor=SYSTEM, entry_id=entry.pk, method="screen", signature=png
    )
    assert confirmation.signature_sha256 == hashlib.sha256(drawn).hexdigest()
    assert [r.confirmed for r in registers.rows(chain)] == [True]
    with pytest.raises(Conflict):
        registers.confirm(
            actor=SYSTEM, entry_id=entry.pk, method="paper", paper_reference="第3页"
        )


def test_work_entries_cannot_be_confirmed(in_2026):
    entry = add("work", 1)
    with pytest.raises(Exception) as exc:
        registers.confirm(
            actor=SYSTEM, entry_id=entry.pk, method="paper", paper_reference="p1"
        )
    assert getattr(exc.value, "code", "") == "entry_not_found"


def test_the_township_signs_checkpoints_with_its_authority_key(in_2026):
    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoint = checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    assert checkpoint.signer_id == "620725101"
    assert checkpoint.key.division_id == "620725101"
    assert checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key) is None  # no growth
    add("work", 2)
    assert checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key).seq == 2
    (report,) = services.verify(chain_key=key)
    assert report.ok, report.breaks


def test_only_the_township_signs_checkpoints(in_2026):
    add("work", 1)
    clerk = people.user("clerk", role=Role.CLERK, at=COMMITTEE)
    other = people.user("zhen2", role=Role.TOWNSHIP, at="620725102")
    key = registers.chain_key("work", COMMITTEE, 2026)
    for user in (clerk, other):
        with pytest.raises(NotAllowed):
            checkpoints.checkpoint_sign(actor=user, chain_key=key)
    zhen = people.user("zhen", role=Role.TOWNSHIP, at="620725101")
    assert checkpoints.checkpoint_sign(actor=zhen, chain_key=key) is not None


def test_signing_a_checkpoint_is_journaled_with_the_officer_who_signed(in_2026):
    """A checkpoint names the township, not the person: the audit entry does."""
    add("work", 1)
    zhen = people.user("zhen", role=Role.TOWNSHIP, at="620725101")
    key = registers.chain_key("work", COMMITTEE, 2026)

    checkpoint = checkpoints.checkpoint_sign(actor=zhen, chain_key=key)

    entry = Entry.objects.get(event="register.checkpoint_signed")
    assert entry.actor_id == zhen.pk
    assert entry.subject == f"ledger.checkpoint:{checkpoint.pk}"
    assert entry.data["data"]["after"]["chain"] == key
    assert entry.data["data"]["after"]["seq"] == 1
    assert entry.chain.key == "audit:620725"


def _rewrite_chain(key: str, new_content: str) -> None:
    """Someone with database access rewrites entry 1 and recomputes every hash after
    it, and the head: the chain is internally consistent again."""
    chain = Chain.objects.get(key=key)
    prev = "0" * 64
    with triggers_disabled():
        for entry in Entry.objects.filter(chain=chain).order_by("seq"):
            body = entry.body
            if entry.seq == 1:
                body = body.replace("村民代表会议决议第1号", new_content)
            digest = entry_hash(
                chain=key,
                seq=entry.seq,
                prev=prev,
                at=services._at_text(entry.recorded_at),
                body=body,
            )
            sql(
                "UPDATE ledger_entry SET body=%s, prev_hash=%s, hash=%s WHERE id=%s",
                [body, prev, digest, entry.pk],
            )
            prev = digest
        sql("UPDATE ledger_chain SET head_hash=%s WHERE id=%s", [prev, chain.pk])


def test_a_rewritten_chain_fails_against_the_townships_checkpoint(in_2026):
    add("work", 1)
    add("work", 2)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    _rewrite_chain(key, "伪造的内容")
    (report,) = services.verify(chain_key=key)
    problems = [b.problem for b in report.breaks]
    # The hashes alone agree again; the checkpoint's digests name the first rewrite.
    assert problems == ["altered_since_checkpoint"]
    assert report.breaks[0].seq == 1
    assert report.breaks[0].last_good_seq == 0


def test_a_forged_checkpoint_signature_is_detected(in_2026):
    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoint = checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    with triggers_disabled():
        sql(
            "UPDATE ledger_checkpoint SET head_hash=%s WHERE id=%s",
            ["f" * 64, checkpoint.pk],
        )
    (report,) = services.verify(chain_key=key)
    assert [b.problem for b in report.breaks] == ["checkpoint_signature_invalid"]


def test_checkpoints_refuse_update_and_delete(in_2026):
    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoint = checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    for statement in (
        "UPDATE ledger_checkpoint SET seq = 9 WHERE id = %s",
        "DELETE FROM ledger_checkpoint WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            sql(statement, [checkpoint.pk])


def test_archiving_needs_the_year_to_be_over_REQ_074(in_2026):
    add("work", 1)
    with pytest.raises(InvalidInput) as exc:
        archives.register_archive(
            actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
        )
    assert exc.value.code == "year_not_over"


def test_the_archive_closes_the_year_with_book_sheet_and_signed_hashes_REQ_074(
    tree, clock_at
):
    clock_at(2026, 6, 1, 9)
    add("work", 1)
    add("work", 2)
    clock_at(2027, 1, 4, 9)
    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )
    pdf, xlsx = archive.pdf.read(), archive.xlsx.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == archive.checkpoint.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == archive.checkpoint.xlsx_sha256
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in ws[2]][:6] == [
        "序号",
        "用印时间",
        "用印内容",
        "用印份数",
        "签批人员",
        "经办人员",
    ]
    assert ws.cell(row=3, column=3).value == "村民代表会议决议第1号"
    assert ws.max_row == 4
    # The archived year takes nothing more, and verifies.
    with pytest.raises(Conflict) as exc:
        archives.register_archive(
            actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
        )
    assert exc.value.code == "already_archived"
    (report,) = services.verify(chain_key=registers.chain_key("work", COMMITTEE, 2026))
    assert report.ok, report.breaks


def test_a_year_whose_entries_hold_angle_brackets_is_archived_as_written_REQ_074(
    tree, clock_at
):
    """Found in review: the book's cells went to ReportLab as markup, so "x<y" made the
    year impossible to archive (a 500) and "<font size=0>" could hide a word in it."""
    clock_at(2026, 6, 1, 9)
    add("work", 1, content="关于 x<y 的说明")
    add("work", 2, content='<font size="0">隐去</font>的文字 <b>加粗</b> & 符号')
    clock_at(2027, 1, 4, 9)

    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )

    assert archive.pdf.read().startswith(b"%PDF")
    assert not archives.verify_archive(archive.chain)


def test_the_archived_spreadsheet_keeps_a_cell_beginning_with_equals_as_text_REQ_074(
    tree, clock_at
):
    """Found in review: openpyxl stores a string beginning with "=" as a formula, so the
    archived book showed a computed value or a live link instead of what was written."""
    clock_at(2026, 6, 1, 9)
    written = '=HYPERLINK("http://example.invalid","点此查看")'
    add("work", 1, content=written)
    clock_at(2027, 1, 4, 9)

    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )

    from openpyxl import load_workbook

    row = load_workbook(io.BytesIO(archive.xlsx.read())).active[3]
    cell = row[2]  # 序号, 用印时间, 用印内容
    assert (cell.value, cell.data_type) == (written, "s")


def test_an_archived_year_refuses_new_entries_and_confirmations_REQ_074(tree, clock_at):
    clock_at(2026, 12, 31, 23, 59)
    entry = add("certificate", 1)
    clock_at(2027, 1, 2, 9)
    archives.register_archive(
        actor=SYSTEM,
        committee_code=COMMITTEE,
        register="certificate",
        year=2026,
        unconfirmed_note="居民外出务工，无法签字",
    )
    with pytest.raises(Conflict) as exc:
        registers.confirm(
            actor=SYSTEM, entry_id=entry.pk, method="paper", paper_reference="p1"
        )
    assert exc.value.code == "register_year_archived"
    clock_at(2026, 12, 31, 23, 59, 59)  # a late writer with a skewed clock
    with pytest.raises(Conflict) as exc:
        add("certificate", 2)
    assert exc.value.code == "register_year_archived"


def test_unconfirmed_certificate_entries_block_the_archive_without_a_note_REQ_073(
    tree, clock_at
):
    clock_at(2026, 5, 1, 9)
    add("certificate", 1)
    clock_at(2027, 1, 2, 9)
    with pytest.raises(Conflict) as exc:
        archives.register_archive(
            actor=SYSTEM, committee_code=COMMITTEE, register="certificate", year=2026
        )
    assert exc.value.code == "unconfirmed_entries"
    assert exc.value.detail == [1]


def test_a_year_without_entries_is_archived_as_an_empty_book(tree, clock_at):
    clock_at(2027, 1, 2, 9)
    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )
    assert archive.entries == 0
    assert archive.pdf.read().startswith(b"%PDF")


def test_a_changed_archive_file_or_appended_entry_fails_verification(tree, clock_at):
    clock_at(2026, 5, 1, 9)
    add("work", 1)
    clock_at(2027, 1, 2, 9)
    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="work", year=2026
    )
    with open(archive.pdf.path, "ab") as fh:
        fh.write(b"%tampered")
    key = registers.chain_key("work", COMMITTEE, 2026)
    (report,) = services.verify(chain_key=key)
    assert [b.problem for b in report.breaks] == ["archive_pdf_mismatch"]
    # Re-opening the chain behind the service and appending is caught as well.
    with triggers_disabled():
        sql("UPDATE ledger_chain SET closed_at = NULL WHERE key = %s", [key])
    clock_at(2026, 12, 31, 12)
    add("work", 2)
    (report,) = services.verify(chain_key=key)
    assert "appended_after_archive" in [b.problem for b in report.breaks]


def test_the_verify_command_checks_checkpoints_and_archives(tree, clock_at, capsys):
    clock_at(2026, 5, 1, 9)
    add("work", 1)
    key = registers.chain_key("work", COMMITTEE, 2026)
    checkpoints.checkpoint_sign(actor=SYSTEM, chain_key=key)
    _rewrite_chain(key, "改写")
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "verify", "--json")
    assert exc.value.code == 1
    assert "altered_since_checkpoint" in capsys.readouterr().out


def test_master_key_encrypts_the_private_key_at_rest(in_2026):
    add("work", 1)
    checkpoints.checkpoint_sign(
        actor=SYSTEM, chain_key=registers.chain_key("work", COMMITTEE, 2026)
    )
    row = KeyPair.objects.get(division_id="620725101")
    assert b"PRIVATE" not in bytes(row.private_key_encrypted)
    assert len(row.master_key_id) == 16


@settings(max_examples=25, deadline=None)
@given(plan=st.lists(st.sampled_from(["work", "certificate"]), max_size=12))
@pytest.mark.django_db
def test_numbers_are_consecutive_whatever_the_order_of_appends(plan):
    from yinzheng.core.tests import factories

    factories.division(COMMITTEE)
    year = clock.today().year
    start = {
        r: Chain.objects.filter(key=registers.chain_key(r, COMMITTEE, year))
        .values_list("head_seq", flat=True)
        .first()
        or 0
        for r in registers.Register.ALL
    }
    import uuid

    seen = {r: [] for r in registers.Register.ALL}
    for register in plan:
        fields = work_fields() if register == "work" else cert_fields()
        entry = registers.register_append(
            actor=SYSTEM,
            committee_code=COMMITTEE,
            register=register,
            matter=f"m:{uuid.uuid4()}",
            fields=fields,
        )
        seen[register].append(entry.seq)
    for register, numbers in seen.items():
        assert numbers == list(
            range(start[register] + 1, start[register] + 1 + len(numbers))
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_two_concurrent_writers_leave_no_gap_and_no_fork(clock_at):
    from yinzheng.core.tests import factories

    clock_at(2026, 3, 1, 10)
    factories.division(COMMITTEE)
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                registers.register_append(
                    actor=SYSTEM,
                    committee_code=COMMITTEE,
                    register="work",
                    matter=f"m:{n}:{i}",
                    fields=work_fields(),
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    key = registers.chain_key("work", COMMITTEE, 2026)
    seqs = list(
        Entry.objects.filter(chain__key=key)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 161))
    (report,) = services.verify(chain_key=key)
    assert report.ok, report.breaks
    # The append asked for one checkpoint (at entry 100), signed after its commit
    # while the others went on writing.
    assert list(
        Checkpoint.objects.filter(chain__key=key).values_list("seq", "number")
    ) == [(100, 1)]
    assert Archive.objects.count() == 0


def test_the_archive_and_checkpoint_commands(tree, clock_at, capsys):
    clock_at(2026, 5, 1, 9)
    add("work", 1)
    call_command("ledger", "checkpoint", "--under", "620725")
    out = capsys.readouterr().out
    # The register by its township, then the county's audit chain (which holds the
    # "checkpoint signed" entry) by the county.
    assert "register:work:620725101001:2026: 签署至序号 1" in out
    assert "audit:620725: 签署至序号 1" in out
    assert "共签署 2 个检查点" in out
    clock_at(2027, 1, 2, 9)
    call_command(
        "ledger",
        "archive",
        "--year",
        "2026",
        "--committee",
        COMMITTEE,
        "--register",
        "work",
    )
    assert f"{COMMITTEE} work 2026: 1 条" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command(
            "ledger",
            "archive",
            "--year",
            "2026",
            "--committee",
            COMMITTEE,
            "--register",
            "work",
        )
    assert "已归档" in capsys.readouterr().err


def test_only_the_committees_custodian_or_clerk_records_a_confirmation_REQ_073(
    in_2026,
):
    entry = add("certificate", 1)
    head = people.user("head", role=Role.HEAD, at=COMMITTEE)
    outsider = people.user("clerk2", role=Role.CLERK, at="620725101201")
    for user in (head, outsider):
        with pytest.raises(NotAllowed):
            registers.confirm(
                actor=user, entry_id=entry.pk, method="paper", paper_reference="p1"
            )
    custodian = people.user("keeper", role=Role.CUSTODIAN, at=COMMITTEE)
    confirmation = registers.confirm(
        actor=custodian, entry_id=entry.pk, method="paper", paper_reference="第1页"
    )
    assert confirmation.recorded_by_id == custodian.pk
