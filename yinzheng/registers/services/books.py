"""The committees' two seal-use registers (用印登记簿, REQ-069–074) as journal chains.

Each committee keeps a work register (工作用印登记簿) and a certificate register
(出具证明事项登记簿). A register year is one chain, `register:<kind>:<committee>:<year>`,
so an entry's number is its sequence in that chain: gap-free per committee, register and
year, and never forked (the chain head's row lock). An entry holds the columns of REQ-071
or REQ-072 — the required ones first, in the order the seed names them — and concerns
exactly one matter (REQ-056: `subject` names the matter; a second entry for it is
refused). Certificate entries stay "unconfirmed" until the resident's confirmation is
recorded (REQ-073). A year closed by its archive takes no more entries (REQ-074).

Who may write is the sealing service's concern (the custodian, REQ-070); this module
keeps the shape and the invariants of the book.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, uploads
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.masking import (
    holds_personal_number,
    mask_personal_in,
    mask_phones_in,
)
from yinzheng.ledger import audit, personal, services
from yinzheng.ledger.models import MATTER_EVENT, Chain, Confirmation, Entry

from ..errors import RegisterCode


class Register:
    WORK = "work"
    CERTIFICATE = "certificate"
    LABELS = {
        "work": gettext_lazy("工作用印登记簿"),
        "certificate": gettext_lazy("出具证明事项登记簿"),
    }
    ALL = ("work", "certificate")


# Which columns hold personal data (issue 13): ALWAYS is sealed whenever it is filled;
# IF_FOUND is free text, sealed when it holds an ID or phone number (ledger/personal.py).
ALWAYS, IF_FOUND = "always", "if_found"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    required: bool = False
    personal: str = ""


# REQ-071: time, content, copies, approver, handler — in this order — then the rest.
WORK_COLUMNS = (
    Column("sealed_at", gettext_lazy("用印时间"), True),
    Column("content", gettext_lazy("用印内容"), True, IF_FOUND),
    Column("copies", gettext_lazy("用印份数"), True),
    Column("approver", gettext_lazy("签批人员"), True),
    Column("handler", gettext_lazy("经办人员"), True),
    Column("reviewer", gettext_lazy("审核人员"), True),
    Column("custodian", gettext_lazy("印章管理人"), True),
    Column("category", gettext_lazy("用印类别"), True),
    Column("seal", gettext_lazy("印章"), True),
    Column("document_sha256", gettext_lazy("文件 SHA-256"), True),
    Column("notice", gettext_lazy("公示或表决"), personal=IF_FOUND),
)
# REQ-072: time, requiring unit, purpose, phone first, then the other necessary items.
CERTIFICATE_COLUMNS = (
    Column("sealed_at", gettext_lazy("用印时间"), True),
    Column("requiring_unit", gettext_lazy("需要单位"), True, IF_FOUND),
    Column("purpose", gettext_lazy("用途"), True, IF_FOUND),
    Column("phone", gettext_lazy("联系电话"), True, ALWAYS),
    Column("content", gettext_lazy("证明事项及内容"), True, IF_FOUND),
    Column("certificate_no", gettext_lazy("证明编号")),
    Column("copies", gettext_lazy("用印份数"), True),
    Column("approver", gettext_lazy("签批人员"), True),
    Column("handler", gettext_lazy("经办人员"), True),
    Column("reviewer", gettext_lazy("审核人员"), True),
    Column("custodian", gettext_lazy("印章管理人"), True),
    Column("category", gettext_lazy("用印类别"), True),
    Column("seal", gettext_lazy("印章"), True),
    Column("document_sha256", gettext_lazy("文件 SHA-256"), True),
    # REQ-038: a negative-list exception's retained materials, by name and SHA-256.
    Column(
        "retained_materials",
        gettext_lazy("留存资料（文件名及 SHA-256）"),
        False,
        IF_FOUND,
    ),
)
COLUMNS = {Register.WORK: WORK_COLUMNS, Register.CERTIFICATE: CERTIFICATE_COLUMNS}


class RegisterYearClosed(Conflict):
    code = RegisterCode.REGISTER_YEAR_ARCHIVED


def chain_key(register: str, committee_code: str, year: int) -> str:
    return f"register:{register}:{committee_code}:{year}"


def chain_kind(register: str) -> str:
    return f"register_{register}"


def _check_register(register: str) -> None:
    if register not in Register.ALL:
        raise InvalidInput(_("登记簿类型无效"), code=RegisterCode.REGISTER_INVALID)


def _clean(register: str, fields: dict[str, Any]) -> dict[str, Any]:
    columns = COLUMNS[register]
    known = {c.key for c in columns}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise InvalidInput(code=RegisterCode.REGISTER_FIELD_UNKNOWN, detail=unknown)
    missing = [
        str(c.label)
        for c in columns
        if c.required
        and (fields.get(c.key) is None or str(fields[c.key]).strip() == "")
    ]
    if missing:  # REQ-071, REQ-072
        raise InvalidInput(
            _("登记内容不完整，缺少：%s") % "、".join(missing),
            code=RegisterCode.REGISTER_FIELDS_MISSING,
            detail=missing,
        )
    copies = fields.get("copies")
    if not isinstance(copies, int) or isinstance(copies, bool) or copies < 1:
        raise InvalidInput(_("用印份数须为正整数"), code=CoreCode.COPIES_INVALID)
    return {c.key: fields[c.key] for c in columns if c.key in fields}


def _seal_personal(register: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with their personal data replaced by sealed tokens, so the entry
    (kept forever, hashed into the chain) holds no phone or ID number in the clear."""
    out = dict(fields)
    for column in COLUMNS[register]:
        value = out.get(column.key)
        if not isinstance(value, str) or not value.strip():
            continue
        if column.personal == ALWAYS:
            out[column.key] = personal.seal(value, shown=mask_phones_in(value))
        elif column.personal == IF_FOUND and holds_personal_number(value):
            out[column.key] = personal.seal(value, shown=mask_personal_in(value))
    return out


def shown_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """An entry's fields as pages, exports and archives print them: each sealed value
    masked (entries written before sealing keep a phone in the clear: masked too)."""
    out = {key: personal.shown(value) for key, value in fields.items()}
    if out.get("phone"):
        out["phone"] = mask_phones_in(str(out["phone"]))
    return out


def sealed_tokens(fields: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The fields whose values are sealed, with their tokens."""
    return {key: value for key, value in fields.items() if personal.is_token(value)}


@transaction.atomic
def register_append(
    *,
    actor: Actor,
    committee_code: str,
    register: str,
    matter: str,
    fields: dict[str, Any],
) -> Entry:
    """Write one matter into the committee's register for the current year."""
    _check_register(register)
    fields = _clean(register, fields)
    year = timezone.localtime(clock.now()).year
    try:
        return services.append(
            key=chain_key(register, committee_code, year),
            kind=chain_kind(register),
            division_code=committee_code,
            event=MATTER_EVENT,
            subject=matter,
            actor_id=getattr(actor, "pk", None),
            data={
                "register": register,
                "year": year,
                "fields": _seal_personal(register, fields),
            },
        )
    except services.ChainClosed:  # REQ-074
        raise RegisterYearClosed(_("%d 年的登记簿已归档，不能再登记") % year) from None
    except services.SubjectRecorded:  # REQ-056, held by the index entry_matter_once
        raise Conflict(
            _("该事项已登记，一事一登记"), code=RegisterCode.MATTER_ALREADY_REGISTERED
        ) from None


def register_chains(committee_code: str, register: str) -> QuerySet[Chain]:
    return Chain.objects.filter(
        key__startswith=f"register:{register}:{committee_code}:"
    ).order_by("key")


def year_of(chain: Chain) -> int:
    return int(chain.key.rsplit(":", 1)[1])


@dataclass
class Row:
    number: int
    entry: Entry
    fields: dict[str, Any]  # as printed: personal data masked
    confirmed: bool | None  # None: the work register has no confirmation
    sealed: tuple[str, ...] = ()  # the columns whose full value is sealed


# Rows on a page of the register book: a busy community's year holds thousands, and
# one page of them all weighed 3.6 MB and took seconds (issue 15, benchmarks/README
# "Province dataset").
BOOK_PAGE = 200


def page_of(number: int) -> int:
    """The book page that shows entry `number`."""
    return max(1, -(-number // BOOK_PAGE))


def entry_fragment(number: int) -> str:
    """What follows a book's address to show entry `number`: its page, at the row."""
    return f"?page={page_of(number)}#entry-{number}"


def rows(chain: Chain, *, first: int = 1, last: int | None = None) -> list[Row]:
    """The book's rows in order; with `first`/`last`, those numbered between (a page
    of a busy committee's year, issue 15)."""
    register = chain.key.split(":")[1]
    entries = chain.entries.filter(seq__gte=first)
    if last is not None:
        entries = entries.filter(seq__lte=last)
    entries = entries.order_by("seq").select_related("confirmation")
    out = []
    for entry in entries:
        confirmed = None
        if register == Register.CERTIFICATE:
            confirmed = hasattr(entry, "confirmation")
        stored = entry.data["data"]["fields"]
        tokens = sealed_tokens(stored)
        sealed = tuple(c.key for c in COLUMNS[register] if c.key in tokens)
        out.append(Row(entry.seq, entry, shown_fields(stored), confirmed, sealed))
    return out


def unconfirmed(committee_codes_q: Q) -> QuerySet[Entry]:
    """Certificate-register entries still waiting for the resident (REQ-073)."""
    return Entry.objects.filter(
        committee_codes_q,
        chain__kind=chain_kind(Register.CERTIFICATE),
        event="register.entry",
        confirmation__isnull=True,
    ).order_by("recorded_at")


@transaction.atomic
def confirm(
    *,
    actor: Actor,
    entry_id: int,
    method: str,
    signature: "UploadedFile[bytes] | None" = None,
    paper_reference: str = "",
) -> Confirmation:
    """Record the resident's confirmation of a certificate entry (REQ-073)."""
    entry = (
        Entry.objects.select_related("chain")
        .filter(pk=entry_id, chain__kind=chain_kind(Register.CERTIFICATE))
        .first()
    )
    if entry is None:
        raise NotFound(_("登记条目不存在"), code=CoreCode.ENTRY_NOT_FOUND)
    chain = Chain.objects.select_for_update().get(pk=entry.chain_id)
    policy.require(
        actor, "register.confirm", chain
    )  # REQ-073: the committee's custodian or clerk records it
    if chain.closed_at is not None:
        raise RegisterYearClosed(_("该年度登记簿已归档"))
    if Confirmation.objects.filter(entry=entry).exists():
        raise Conflict(_("该条目已确认"), code=CoreCode.ALREADY_CONFIRMED)
    confirmation = Confirmation(
        entry=entry,
        method=method,
        recorded_by_id=getattr(actor, "pk", None),
        recorded_at=clock.now(),
    )
    if method == "screen":
        if signature is None or not signature.size:
            raise InvalidInput(
                _("请居民在屏幕上签名"), code=CoreCode.SIGNATURE_REQUIRED
            )
        if signature.size > 2 * 1024 * 1024:
            raise InvalidInput(_("签名图像过大"), code=CoreCode.SIGNATURE_TOO_LARGE)
        # Issue 13: a PNG by its decoded content, stored under the system's name.
        name, data = uploads.read(signature)
        checked = uploads.inspect(
            data,
            name=name or "signature.png",
            accept=uploads.SIGNATURES,
            what=_("签名图像"),
        )
        confirmation.signature_sha256 = checked.sha256
        uploads.store(confirmation.signature, checked)
    elif method == "paper":
        if not paper_reference.strip():
            raise InvalidInput(
                _("请填写纸质登记簿的页码和行号"),
                code=RegisterCode.PAPER_REFERENCE_REQUIRED,
            )
        confirmation.paper_reference = paper_reference.strip()
    else:
        raise InvalidInput(_("确认方式无效"), code=RegisterCode.METHOD_INVALID)
    confirmation.save()
    audit.record(
        actor=actor,
        event="register.confirmed",
        subject=confirmation,
        division_code=chain.division_id,
        after={
            "chain": chain.key,
            "seq": entry.seq,
            "method": method,
            "signature_sha256": confirmation.signature_sha256,
            "paper_reference": confirmation.paper_reference,
        },
    )
    return confirmation


@transaction.atomic
def reveal_personal(*, actor: Actor, entry_id: int, reason: str) -> dict[str, str]:
    """The personal data an entry refers to, in full (issue 13): for calling a
    resident back or checking a complaint. Only those the policy names may see it,
    with a reason, and each time is written into the audit trail; the values
    themselves are not (the trail would hold them in the clear)."""
    entry = (
        Entry.objects.select_related("chain")
        .filter(pk=entry_id, chain__kind__in=[chain_kind(r) for r in Register.ALL])
        .first()
    )
    if entry is None:
        raise NotFound(_("登记条目不存在"), code=CoreCode.ENTRY_NOT_FOUND)
    policy.require(actor, "register.reveal", entry.chain)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("请说明查看完整个人信息的原因"), code=CoreCode.REASON_REQUIRED
        )
    if len(reason) > 200:
        raise InvalidInput(_("原因不能超过 200 字"), code=CoreCode.TEXT_TOO_LONG)
    tokens = sealed_tokens(entry.data["data"]["fields"])
    values = personal.reveal(tokens.values())
    audit.record(
        actor=actor,
        event="register.personal_data_revealed",
        subject=entry,
        division_code=entry.chain.division_id,
        after={"chain": entry.chain.key, "seq": entry.seq, "columns": sorted(tokens)},
        note=reason,
    )
    return {column: values[token["pd"]] for column, token in tokens.items()}


def year_is_over(year: int, today: dt.date | None = None) -> bool:
    return (today or clock.today()).year > year
