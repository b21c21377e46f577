"""Staff pages of the journal: the audit chains, and the committees' seal-use registers
(用印登记簿, REQ-069–074).

The township, civil affairs and inspectors see the committees of their subtrees that keep
registers: entries this year, certificate entries still waiting for the resident's
signature (REQ-073), the last checkpoint and the archived years; the township signs
checkpoints of its registers with one button. A committee's page shows its two registers
year by year, and each year's book in exactly the register's columns (REQ-071,
REQ-072), phone and ID numbers masked (their full values are sealed, and shown to
those the policy allows, with a reason that goes into the audit trail). The
committee's custodian or clerk records the
resident's confirmation, by the page of the printed book or by a signature drawn on
screen; after the year is over the custodian or the township archives it (REQ-074), and
its PDF and xlsx are downloaded here, through the policy, never from a public URL.

Every write is one call to ledger.registers, ledger.archives or ledger.checkpoints; a
refusal comes back as a DomainError shown on the form. A committee outside the user's
subtrees is 404; an action the policy refuses is 403.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock, uploads
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Archive, Chain, Entry

from . import selectors
from .forms import (
    SIGNATURE_DATA_URL_MAX_CHARS,
    ArchiveForm,
    ConfirmPaperForm,
    ConfirmScreenForm,
    RevealForm,
)
from .services import archives, checkpoints, integrity
from .services import books as registers
from .services.books import Register

FIRST_YEAR = 2000


@login_required
def index(request):
    if not policy.can(request.user, "audit.view"):
        raise NotAllowed()
    chains = selectors.chains_for_audit(request.user)
    report = None
    if request.GET.get("verify"):
        report = integrity.verify_chains(list(chains[:200]))
    return render(
        request, "registers/index.html", {"chains": chains[:200], "report": report}
    )


# The seal-use registers (REQ-069–074) ------------------------------------------------


def _committee_or_404(user: Any, code: str) -> Division:
    committee = selectors.register_committee(user, code)
    if committee is None:
        raise Http404
    if not policy.can(user, "register.view", committee):
        raise PermissionDenied
    return committee


def _check_book(register: str, year: int) -> None:
    if register not in Register.ALL or not FIRST_YEAR <= year <= clock.today().year:
        raise Http404


def _pages(entries: int) -> int:
    return max(1, -(-entries // registers.BOOK_PAGE))


def _entry_url(code: str, register: str, year: int, number: int) -> str:
    """The book page showing entry `number`, at the entry."""
    return _book_url(code, register, year) + registers.entry_fragment(number)


def _page_asked(request, pages: int) -> int:
    """The page asked for (?page=N, or `last`); the last, newest, by default; a page
    out of range or not a number shows the nearest one."""
    asked = request.GET.get("page", "last")
    if asked == "last":
        return pages
    try:
        return min(max(int(asked), 1), pages)
    except ValueError:
        return pages


def _book_url(code: str, register: str, year: int) -> str:
    return reverse("registers:register_book", args=[code, register, year])


@login_required
def registers_index(request):
    user = request.user
    if not policy.can(user, "register.view"):
        raise PermissionDenied
    codes = policy.scope(user, "register.view").codes
    if len(codes) == 1 and len(codes[0]) == 12:  # a committee's own staff
        return redirect("registers:register_committee", code=codes[0])
    page = Paginator(selectors.committees_with_registers(user), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registers/registers.html",
        {
            "page": page,
            "rows": selectors.committee_overview(list(page)),
            "year": clock.today().year,
            "may_checkpoint": policy.can(user, "register.checkpoint"),
        },
    )


@login_required
@require_POST
def registers_checkpoint(request):
    """The township signs the heads of its registers now (design.md §4)."""
    user = request.user
    if not policy.can(user, "register.checkpoint"):
        raise PermissionDenied
    made = []
    try:
        for under in selectors.checkpoint_scopes(user):
            made += checkpoints.checkpoint_all(actor=user, under=under)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registers:registers")
    if made:
        messages.success(request, _("已签署 %d 个检查点") % len(made))
    else:
        messages.success(request, _("自上次签署以来没有新的登记，无需签署"))
    return redirect("registers:registers")


@login_required
def register_committee(request, code: str):
    committee = _committee_or_404(request.user, code)
    today = clock.today()
    books = [
        {
            "register": register,
            "label": Register.LABELS[register],
            "years": selectors.year_states(code, register, today),
        }
        for register in Register.ALL
    ]
    return render(
        request,
        "registers/register_committee.html",
        {
            "committee": committee,
            "chain": committee.chain()[:-1],
            "books": books,
            "keeper": selectors.keeper(code),
            "current_year": today.year,
        },
    )


def _cells(register: str, fields: dict[str, Any]) -> list[dict[str, str]]:
    """The row's cells in the register's columns (`fields` as printed: personal data
    masked, books.shown_fields)."""
    cells = []
    for column in registers.COLUMNS[register]:
        value = archives._cell(fields.get(column.key))
        title = ""
        if column.key == "document_sha256" and len(value) > 12:
            value, title = value[:12] + "…", value
        # The label goes on the cell too: on a phone each row is a card (issue 16).
        cells.append({"text": value, "title": title, "label": str(column.label)})
    return cells


def _book_response(
    request,
    committee: Division,
    register: str,
    year: int,
    archive_form: ArchiveForm | None = None,
):
    user = request.user
    state = selectors.year_state(committee.code, register, year)
    head = state.chain.head_seq if state.chain else 0
    pages = _pages(head)
    page = _page_asked(request, pages)
    first = (page - 1) * registers.BOOK_PAGE + 1
    shown = (
        registers.rows(state.chain, first=first, last=first + registers.BOOK_PAGE - 1)
        if state.chain
        else []
    )
    rows = [
        {
            "number": row.number,
            "entry_id": row.entry.pk,
            "cells": _cells(register, row.fields),
            "confirmed": row.confirmed,
            "sealed": row.sealed,
        }
        for row in shown
    ]
    is_open = state.closed_at is None
    over = registers.year_is_over(year)
    # Queued for a worker (YINZHENG_TASKS=database): being built, or failed.
    archive_task = (
        archives.archive_task(committee.code, register, year)
        if is_open and over
        else None
    )
    may_archive = (
        is_open
        and over
        and not (archive_task and archive_task.waiting)
        and policy.can(user, "register.archive", committee)
    )
    return render(
        request,
        "registers/register_book.html",
        {
            "committee": committee,
            "register": register,
            "label": Register.LABELS[register],
            "year": year,
            "state": state,
            "columns": registers.COLUMNS[register],
            "rows": rows,
            "pager": _pager(page, pages) if pages > 1 else None,
            "certificate": register == Register.CERTIFICATE,
            "keeper": selectors.keeper(committee.code, state.chain)
            if state.chain
            else selectors.keeper(committee.code),
            "may_confirm": is_open
            and register == Register.CERTIFICATE
            and policy.can(user, "register.confirm", committee),
            "may_archive": may_archive,
            "archive_task": archive_task,
            "may_reveal": policy.can(user, "register.reveal", committee),
            "archive_form": archive_form or (ArchiveForm() if may_archive else None),
        },
    )


def _pager(page: int, pages: int) -> dict[str, Any]:
    """The book's page links: first, previous, the pages around this one, next, last."""
    near = range(max(1, page - 3), min(pages, page + 3) + 1)
    return {
        "page": page,
        "pages": pages,
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
        "near": list(near),
        "first_row": (page - 1) * registers.BOOK_PAGE + 1,
    }


@login_required
def register_book(request, code: str, register: str, year: int):
    committee = _committee_or_404(request.user, code)
    _check_book(register, year)
    return _book_response(request, committee, register, year)


@login_required
def register_personal(request, code: str, register: str, year: int, entry_id: int):
    """An entry's full personal data, for those the policy allows, with a reason."""
    committee = _committee_or_404(request.user, code)
    _check_book(register, year)
    entry = Entry.objects.filter(
        pk=entry_id, chain__key=registers.chain_key(register, code, year)
    ).first()
    if entry is None:
        raise Http404
    if not policy.can(request.user, "register.reveal", committee):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        try:
            revealed = registers.reveal_personal(
                actor=request.user,
                entry_id=entry.pk,
                reason=form.cleaned_data["reason"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
    shown = registers.shown_fields(entry.data["data"]["fields"])
    sealed = registers.sealed_tokens(entry.data["data"]["fields"])
    return render(
        request,
        "registers/register_personal.html",
        {
            "committee": committee,
            "label": Register.LABELS[register],
            "year": year,
            "entry": entry,
            "form": form,
            "lines": [
                (c.label, shown[c.key], (revealed or {}).get(c.key))
                for c in registers.COLUMNS[register]
                if c.key in sealed
            ],
            "revealed": revealed is not None,
            "book_url": _entry_url(code, register, year, entry.seq),
        },
    )


@login_required
def register_export(request, code: str, register: str, year: int):
    """The year's book as xlsx, rendered now (the year may still be open)."""
    committee = _committee_or_404(request.user, code)
    _check_book(register, year)
    chain = Chain.objects.filter(key=registers.chain_key(register, code, year)).first()
    if chain is None:
        raise Http404
    return uploads.serve_bytes(
        archives.render_xlsx(chain, committee, register, year),
        file_type=uploads.XLSX,
        filename=f"{code}-{register}-{year}.xlsx",
    )


@login_required
def register_archive_file(request, code: str, register: str, year: int, fmt: str):
    """The archived book (PDF) or spreadsheet (xlsx), as signed at year end, or the
    anchor kept with them (JSON)."""
    _committee_or_404(request.user, code)
    _check_book(register, year)
    archive = Archive.objects.filter(
        chain__key=registers.chain_key(register, code, year)
    ).first()
    if archive is None or fmt not in archives.ARCHIVE_FILES:
        raise Http404
    return archives.serve_file(archive, fmt)


@login_required
@require_POST
def register_archive(request, code: str, register: str, year: int):
    committee = _committee_or_404(request.user, code)
    _check_book(register, year)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            asked = archives.register_archive_request(
                actor=request.user,
                committee_code=code,
                register=register,
                year=year,
                unconfirmed_note=form.cleaned_data["unconfirmed_note"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if asked.archive is not None:
                messages.success(request, _("已完成 %d 年度登记簿归档") % year)
            else:
                messages.info(
                    request,
                    _("%d 年度登记簿归档已排队生成，完成后刷新本页即可下载") % year,
                )
            return redirect(_book_url(code, register, year))
    return _book_response(request, committee, register, year, archive_form=form)


@login_required
def register_confirm(request, code: str, year: int, entry_id: int):
    """The resident confirms a certificate entry (REQ-073): the page of the printed
    book where they signed, or a signature drawn on this screen."""
    user = request.user
    committee = _committee_or_404(user, code)
    _check_book(Register.CERTIFICATE, year)
    entry = (
        Entry.objects.select_related("chain")
        .filter(
            pk=entry_id,
            chain__key=registers.chain_key(Register.CERTIFICATE, code, year),
            event="register.entry",
        )
        .first()
    )
    if entry is None:
        raise Http404
    if not policy.can(user, "register.confirm", committee):
        raise PermissionDenied
    paper_form = ConfirmPaperForm(prefix="paper")
    screen_form = ConfirmScreenForm(prefix="screen")
    if request.method == "POST":
        form: ConfirmPaperForm | ConfirmScreenForm
        if "paper-method" in request.POST:
            form = paper_form = ConfirmPaperForm(request.POST, prefix="paper")
        else:
            form = screen_form = ConfirmScreenForm(request.POST, prefix="screen")
        if form.is_valid():
            data = form.cleaned_data
            try:
                registers.confirm(
                    actor=user,
                    entry_id=entry.pk,
                    method=data["method"],
                    signature=data.get("signature"),
                    paper_reference=data.get("paper_reference", ""),
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("第 %d 条已登记居民签字确认") % entry.seq)
                return redirect(_entry_url(code, Register.CERTIFICATE, year, entry.seq))
    fields = registers.shown_fields(entry.data["data"]["fields"])
    confirmation = getattr(entry, "confirmation", None)
    return render(
        request,
        "registers/register_confirm.html",
        {
            "committee": committee,
            "year": year,
            "entry": entry,
            "summary": [
                (column.label, cell["text"])
                for column, cell in zip(
                    registers.CERTIFICATE_COLUMNS,
                    _cells(Register.CERTIFICATE, fields),
                    strict=True,
                )
                if column.key
                in {"sealed_at", "requiring_unit", "purpose", "phone", "content"}
            ],
            "confirmation": confirmation,
            "closed": entry.chain.closed_at is not None,
            "paper_form": paper_form,
            "screen_form": screen_form,
            "book_url": _book_url(code, Register.CERTIFICATE, year),
            # What the browser may send: the form's limit, within Django's own.
            "signature_max_chars": min(
                SIGNATURE_DATA_URL_MAX_CHARS,
                (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1 << 40) - 4096,
            ),
        },
    )
