"""Year-end archive of a register (年终归档, REQ-074).

Closing a year renders the register book as a printable PDF (A4 landscape, the register's
columns) and an xlsx with the same columns, stores both, and signs a closing checkpoint
whose signature covers the chain head and the SHA-256 of both files. The chain is then
closed: no entry and no confirmation can be added to that year. `verify_archive` checks
the stored files against the signed hashes; `yinzheng ledger verify` runs it.

The archive also keeps the anchor: the township's newest signed checkpoint heads (its
sequence and each chain's), the closing one included, for a copy outside the database.

Certificate entries the resident has not confirmed (REQ-073) block the archive unless a
note explains them; the note is archived with the book.
"""

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, tasks, uploads
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.files import stored_sha256
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit, services
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger.models import Archive, Chain
from yinzheng.ledger.services import Break

from ..errors import RegisterCode
from . import books as registers
from . import checkpoints

# The files an archive keeps: the book, the sheet, and the anchor (may be absent on
# archives made before anchors existed).
ARCHIVE_FILES = {"pdf": uploads.PDF, "xlsx": uploads.XLSX, "anchor": uploads.JSON}


def serve_file(archive: Archive, fmt: str) -> FileResponse:
    """One of the archive's files as a download (404 when it has none)."""
    _r, register, code, year = archive.chain.key.split(":")
    field = {"pdf": archive.pdf, "xlsx": archive.xlsx, "anchor": archive.anchor}[fmt]
    suffix = "-anchor" if fmt == "anchor" else ""
    return uploads.serve(
        field,
        filename=f"{code}-{register}-{year}{suffix}",
        file_type=ARCHIVE_FILES[fmt],
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _header(register: str) -> list[str]:
    cols = [_("序号")] + [str(c.label) for c in registers.COLUMNS[register]]
    if register == registers.Register.CERTIFICATE:
        cols.append(_("居民确认"))
    return cols


def _table(chain: Chain, register: str) -> list[list[str]]:
    out = []
    for row in registers.rows(chain):
        line = [str(row.number)] + [
            _cell(row.fields.get(c.key)) for c in registers.COLUMNS[register]
        ]
        if row.confirmed is not None:
            line.append(_("已确认") if row.confirmed else _("未确认"))
        out.append(line)
    return out


def render_xlsx(chain: Chain, committee: Division, register: str, year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has one sheet
    ws.title = str(year)
    ws.append([f"{committee.name} {registers.Register.LABELS[register]}（{year}）"])
    ws.append(_header(register))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for line in _table(chain, register):
        ws.append(line)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # what was written, not a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_pdf(
    chain: Chain,
    committee: Division,
    register: str,
    year: int,
    *,
    made_at: dt.datetime | None = None,
) -> bytes:
    """The book as an A4 landscape PDF, dated `made_at` in its metadata (the closing
    time, issue 16; the same input, time included, gives the same bytes)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from yinzheng.core.pdf import cjk_font, date_pdf

    font = cjk_font()
    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{committee.name} {registers.Register.LABELS[register]} {year}",
        invariant=1,
    )
    # Paragraph reads its text as markup: a cell is text, "<" and "&" included.
    head = [Paragraph(escape(h), small) for h in _header(register)]
    body = [
        [Paragraph(escape(c), small) for c in line] for line in _table(chain, register)
    ]
    table = Table([head, *body], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(
            escape(
                f"{committee.name}（{committee.code}）"
                f"{registers.Register.LABELS[register]} {year} 年"
            ),
            title,
        ),
        Spacer(1, 4 * mm),
        table,
    ]
    if not body:
        story.append(Paragraph(_("本年度无用印记录。"), small))
    doc.build(story, onFirstPage=lambda canvas, _doc: date_pdf(canvas, made_at))
    return buf.getvalue()


def _archivable(
    *,
    actor: Actor,
    committee_code: str,
    register: str,
    year: int,
    unconfirmed_note: str,
) -> tuple[Division, Chain]:
    """The committee and its year's chain, locked, once every rule allows the archive
    (in a transaction)."""
    registers._check_register(register)
    committee = Division.objects.filter(code=committee_code).first()
    if committee is None:
        raise NotFound(_("村（居）委会不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, "register.archive", committee)
    if not registers.year_is_over(year):
        raise InvalidInput(
            _("%d 年尚未结束，不能归档") % year, code=RegisterCode.YEAR_NOT_OVER
        )
    key = registers.chain_key(register, committee_code, year)
    chain = services.chain_get_or_create(
        key=key, kind=registers.chain_kind(register), division_code=committee_code
    )
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    if chain.closed_at is not None:
        raise Conflict(
            _("%d 年的登记簿已归档") % year, code=RegisterCode.ALREADY_ARCHIVED
        )
    if register == registers.Register.CERTIFICATE:
        waiting = [r.number for r in registers.rows(chain) if not r.confirmed]
        if waiting and not unconfirmed_note.strip():
            raise Conflict(  # REQ-073
                _("尚有 %(n)d 条未经居民签字确认（序号 %(nos)s），请先确认或说明原因")
                % {"n": len(waiting), "nos": "、".join(map(str, waiting[:20]))},
                code=RegisterCode.UNCONFIRMED_ENTRIES,
                detail=waiting,
            )
    return committee, chain


@transaction.atomic
def register_archive(
    *,
    actor: Actor,
    committee_code: str,
    register: str,
    year: int,
    unconfirmed_note: str = "",
) -> Archive:
    """Close `year` of the committee's register: book, spreadsheet, closing checkpoint."""
    committee, chain = _archivable(
        actor=actor,
        committee_code=committee_code,
        register=register,
        year=year,
        unconfirmed_note=unconfirmed_note,
    )
    key = chain.key
    now = clock.now()
    pdf = render_pdf(chain, committee, register, year, made_at=now)
    xlsx = render_xlsx(chain, committee, register, year)
    pdf_sha, xlsx_sha = (
        hashlib.sha256(pdf).hexdigest(),
        hashlib.sha256(xlsx).hexdigest(),
    )
    checkpoint = checkpoints._sign(
        chain, closing=True, pdf_sha256=pdf_sha, xlsx_sha256=xlsx_sha
    )
    assert checkpoint is not None  # a closing checkpoint is always made
    archive = Archive(
        chain=chain,
        checkpoint=checkpoint,
        entries=chain.head_seq,
        unconfirmed_note=unconfirmed_note.strip(),
        closed_by_id=getattr(actor, "pk", None),
        closed_at=now,
    )
    stem = f"{committee_code}-{register}-{year}"
    archive.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    archive.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    # The township's signed checkpoint heads at closing, this one included: a copy
    # kept with the book proves a later rewrite (`yinzheng ledger verify --anchor`).
    held = journal_checkpoints.anchor(under=checkpoint.signer_id)
    archive.anchor.save(
        f"{stem}-anchor.json",
        ContentFile(json.dumps(held, ensure_ascii=False, indent=2).encode()),
        save=False,
    )
    archive.save()
    chain.closed_at = now
    chain.save(update_fields=["closed_at"])
    audit.record(
        actor=actor,
        event="register.archived",
        subject=archive,
        division_code=committee_code,
        after={
            "chain": key,
            "entries": chain.head_seq,
            "head_hash": chain.head_hash,
            "pdf_sha256": pdf_sha,
            "xlsx_sha256": xlsx_sha,
            "closed_at": timezone.localtime(now).isoformat(),
        },
        note=unconfirmed_note.strip(),
    )
    return archive


def verify_archive(chain: Chain) -> list[Break]:
    archive = Archive.objects.select_related("checkpoint").filter(chain=chain).first()
    if archive is None:
        if chain.closed_at is not None:
            return [Break(chain.key, None, None, "archive_missing")]
        return []
    breaks = []
    for name, field, signed in [
        ("pdf", archive.pdf, archive.checkpoint.pdf_sha256),
        ("xlsx", archive.xlsx, archive.checkpoint.xlsx_sha256),
    ]:
        found = stored_sha256(field)
        if found is None:
            breaks.append(Break(chain.key, None, None, f"archive_{name}_missing"))
        elif found != signed:
            breaks.append(
                Break(chain.key, None, None, f"archive_{name}_mismatch", signed, found)
            )
    return breaks


# The archive as a task (issue 15) ----------------------------------------------------


@dataclass(frozen=True)
class ArchiveRequest:
    """What asking for an archive gave: the archive made now (inline), or the task
    that makes it (queued; the same one when it was already waiting)."""

    archive: Archive | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class ArchiveTask:
    """The newest archive task of a register year, as pages show it."""

    task_id: str
    waiting: bool  # queued or being built
    error: str  # why it failed; "" unless it failed


def register_archive_request(
    *,
    actor: Actor,
    committee_code: str,
    register: str,
    year: int,
    unconfirmed_note: str = "",
) -> ArchiveRequest:
    """What the book page, the API and `yinzheng ledger archive` call. Inline (one
    process) the archive is made at once. With YINZHENG_TASKS=database every rule is
    checked now, so a refusal is answered at once, and `build_archive` is queued for
    a worker — once: the year's chain stays locked while an archive task of the same
    register year still waiting is looked for, so asking twice (a second click, two
    clerks) queues one task and makes one archive."""
    if not tasks.queued():
        return ArchiveRequest(
            archive=register_archive(
                actor=actor,
                committee_code=committee_code,
                register=register,
                year=year,
                unconfirmed_note=unconfirmed_note,
            )
        )
    note = unconfirmed_note.strip()
    with transaction.atomic():
        _archivable(
            actor=actor,
            committee_code=committee_code,
            register=register,
            year=year,
            unconfirmed_note=note,
        )
        row = tasks.waiting(
            build_archive, committee=committee_code, register=register, year=year
        )
        if row is not None:
            return ArchiveRequest(task_id=str(row.pk))
        # The row is written in this transaction: a worker sees it once the lock
        # is released, and the next request finds it.
        result = build_archive.enqueue(
            committee=committee_code,
            register=register,
            year=year,
            actor=tasks.actor_id(actor),
            note=note,
        )
    return ArchiveRequest(task_id=str(result.id))


def archive_task(committee_code: str, register: str, year: int) -> ArchiveTask | None:
    """The newest archive task of the register year (None inline, or when none was
    queued): waiting, or failed with its error, so the page can say so."""
    row = tasks.latest(
        build_archive, committee=committee_code, register=register, year=year
    )
    if row is None:
        return None
    return ArchiveTask(
        task_id=str(row.pk),
        waiting=row.status in tasks.WAITING,
        error=tasks.failure(row) if row.status == "FAILED" else "",
    )


@task()
def build_archive(
    *, committee: str, register: str, year: int, actor: int | None, note: str
) -> dict[str, Any]:
    """Make the archive a worker was asked for (register_archive_request), as the
    user who asked; its figures, as `yinzheng ledger archive` prints them. A rule
    broken meanwhile (the year archived by other means) fails the task, with the
    message kept on its row."""
    archive = register_archive(
        actor=tasks.actor_of(actor),
        committee_code=committee,
        register=register,
        year=year,
        unconfirmed_note=note,
    )
    return {
        "archive": archive.pk,
        "chain": archive.chain.key,
        "entries": archive.entries,
        "pdf_sha256": archive.checkpoint.pdf_sha256,
        "xlsx_sha256": archive.checkpoint.xlsx_sha256,
    }
