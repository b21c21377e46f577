"""Sealing: a usage request from submission to the register entry (REQ-050–058, DIV-01,
DIV-12).

    submitted ─review─▶ reviewed ─head approves─▶ approved ─custodian─▶ sealed
        │                  │                        │
        └─▶ rejected ◀─────┘                        └─▶ closed (vote failed) / withdrawn

Every request has exactly one of the six categories (REQ-050–052) and carries its
document: a description and the file itself, never blank (REQ-057). The reviewer records
"reviewed, not blank" first (先审核、后用印, REQ-053); the head's approval binds the
document's SHA-256 (REQ-054); the seal's current custodian — who is neither the reviewer
nor the approver (REQ-067, DIV-01) — registers and seals in one transaction: the stored
document must still hash to what was approved, the seal must be usable, and a major
matter must have its notice ended or its vote passed (REQ-055). Sealing writes exactly
one entry into the committee's work or certificate register (REQ-056, REQ-069–072), with
the four responsible people named (REQ-058). Certificate-type uses come from a
certificate case (REQ-052): the certificate service calls these same functions.
"""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, uploads
from yinzheng.core.actors import require_person
from yinzheng.core.db import unique_row
from yinzheng.core.errors import (
    Conflict,
    CoreCode,
    InvalidInput,
    NotAllowed,
    NotFound,
    SeparationOfDuties,
)
from yinzheng.core.files import stored_sha256
from yinzheng.core.phones import chinese_phone
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit
from yinzheng.registers.services import books as registers

from .. import selectors
from ..choices import (
    CERTIFICATE_CATEGORIES,
    MajorMatter,
    UsageClosing,
    UsageReview,
    UseCategory,
    UseStatus,
    VoteResult,
)
from ..errors import SealCode
from ..models import Seal, UsageRequest
from .seal import lock_seal, require_usable

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
FIELDS = [
    "status",
    "reviewer",
    "reviewed_at",
    "not_blank_confirmed",
    "review_code",
    "review_note",
    "approver",
    "approved_at",
    "approved_sha256",
    "custodian",
    "sealed_at",
    "register_entry",
    "closing_code",
    "closing_reason",
    "notice_start",
    "notice_end",
    "notice_place",
    "vote_body",
    "vote_date",
    "vote_result",
    "vote_record",
]


class DocumentChanged(Conflict):
    code = SealCode.DOCUMENT_CHANGED


class NotYetSealable(Conflict):
    code = SealCode.NOT_YET_SEALABLE


def _lock(usage_id: int, *, people: bool = False) -> UsageRequest:
    """The request, locked, with its seal and committee; `people`: with its reviewer,
    approver and handler too, for the step that names them."""
    related: tuple[str, ...] = ("seal", "committee")
    if people:
        related += ("reviewer", "approver", "handler")
    usage = unique_row(
        UsageRequest.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=usage_id)
    )
    if usage is None:
        raise NotFound(_("用印申请不存在"), code=SealCode.USAGE_NOT_FOUND)
    return usage


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a.pk == b.pk


@transaction.atomic
def usage_request(
    *,
    actor: Actor,
    seal_id: int,
    category: str,
    content: str,
    copies: int,
    document: "UploadedFile[bytes] | tuple[str, bytes]",
    matter_ref: str = "",
    requiring_unit: str = "",
    purpose: str = "",
    phone: str = "",
    certificate_no: str = "",
    major_matter: str = "",
    retained_materials: str = "",
) -> UsageRequest:
    """File a matter to be sealed; the filer is the handler (经办人员)."""
    seal = unique_row(Seal.objects.select_related("committee").filter(pk=seal_id))
    if seal is None:
        raise NotFound(_("印章不存在"), code=CoreCode.SEAL_NOT_FOUND)
    policy.require(actor, "usage.request", seal.committee)
    if category not in UseCategory.values:  # REQ-050: six categories, no "other"
        raise InvalidInput(_("请选择用印类别"), code=SealCode.CATEGORY_REQUIRED)
    if not content.strip():
        raise InvalidInput(
            _("请填写用印内容"), code=SealCode.CONTENT_REQUIRED
        )  # REQ-057
    if not isinstance(copies, int) or not 1 <= copies <= 999:
        raise InvalidInput(
            _("用印份数须为 1 至 999 的整数"), code=CoreCode.COPIES_INVALID
        )
    if major_matter not in MajorMatter.values:
        raise InvalidInput(_("重大事项类型无效"), code=SealCode.MAJOR_MATTER_INVALID)
    if category in CERTIFICATE_CATEGORIES:
        if not matter_ref.strip():  # REQ-052
            raise InvalidInput(
                _("证明类用印须关联证明事项办件，请从出具证明流程发起"),
                code=SealCode.CERTIFICATE_CASE_REQUIRED,
            )
        missing = [
            label
            for label, value in [
                (_("需要单位"), requiring_unit),
                (_("用途"), purpose),
                (_("联系电话"), phone),
            ]
            if not value.strip()
        ]
        if missing:  # REQ-072
            raise InvalidInput(
                _("证明类用印须填写：%s") % "、".join(missing),
                code=SealCode.CERTIFICATE_FIELDS_REQUIRED,
            )
    phone = chinese_phone(phone) if phone.strip() else ""
    if not isinstance(document, tuple) and (document.size or 0) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            _("用印文件不能超过 20 MB"), code=CoreCode.DOCUMENT_TOO_LARGE
        )
    name, data = uploads.read(document)
    if not data:  # REQ-057: nothing blank is ever sealed
        raise InvalidInput(
            _("请上传用印文件（不能为空）"), code=CoreCode.DOCUMENT_REQUIRED
        )
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            _("用印文件不能超过 20 MB"), code=CoreCode.DOCUMENT_TOO_LARGE
        )
    # REQ-057, issue 13: what is reviewed, approved and sealed is a document the
    # reviewer can open — a PDF, an OFD or an image by its content, not by its name
    # (a text file named doc.pdf was once sealed).
    checked = uploads.inspect(
        data, name=name, accept=uploads.SEALABLE, what=_("用印文件")
    )
    document_sha256 = checked.sha256
    usage = UsageRequest(
        committee=seal.committee,
        seal=seal,
        category=category,
        content=content.strip(),
        copies=copies,
        document_sha256=document_sha256,
        matter_ref=matter_ref.strip(),
        requiring_unit=requiring_unit.strip(),
        purpose=purpose.strip(),
        phone=phone,
        certificate_no=certificate_no.strip(),
        retained_materials=retained_materials.strip(),
        major_matter=major_matter,
        handler=require_person(actor),
        submitted_at=clock.now(),
    )
    uploads.store(usage.document, checked)
    usage.save()
    audit.record(
        actor=actor,
        event="usage.requested",
        subject=usage,
        after={
            "seal": seal.serial,
            "category": category,
            "content": usage.content,
            "copies": copies,
            "document_sha256": usage.document_sha256,
            "major_matter": major_matter,
            "matter": usage.matter_ref,
        },
    )
    return usage


def _open(usage: UsageRequest) -> None:
    if usage.status in {
        UseStatus.SEALED,
        UseStatus.REJECTED,
        UseStatus.CLOSED,
        UseStatus.WITHDRAWN,
    }:
        raise Conflict(
            _("该用印申请已办结（%s），不能再办理") % usage.get_status_display(),
            code=SealCode.USAGE_CLOSED,
        )


def _not_the_custodian(usage: UsageRequest, actor: Actor) -> None:
    """The notice or vote that opens the gate (REQ-055) is not recorded by the person
    who then applies the seal: a second person stands behind it (DIV-01)."""
    if _same(selectors.current_custodian(usage.seal), actor):
        raise SeparationOfDuties(
            _("印章管理人不能登记本次用印的公示或表决情况，请由经办人登记")
        )


@transaction.atomic
def usage_attach_notice(
    *, actor: Actor, usage_id: int, start: dt.date, end: dt.date, place: str
) -> UsageRequest:
    """The public notice of a major matter: its dates and where it hung (REQ-055)."""
    usage = _lock(usage_id)
    policy.require(actor, "usage.request", usage.committee)
    _open(usage)
    _not_the_custodian(usage, actor)
    if usage.major_matter != MajorMatter.NOTICE:
        raise InvalidInput(_("该事项不需要公示"), code=SealCode.NOTICE_NOT_NEEDED)
    if start is None or end is None or end < start:
        raise InvalidInput(
            _("公示结束日期不能早于开始日期"), code=SealCode.NOTICE_DATES
        )
    if not place.strip():
        raise InvalidInput(_("请填写公示地点"), code=SealCode.NOTICE_PLACE_REQUIRED)
    with audit.recorded(
        actor=actor, event="usage.notice", subject=usage, fields=FIELDS
    ):
        usage.notice_start, usage.notice_end = start, end
        usage.notice_place = place.strip()
    return usage


@transaction.atomic
def usage_record_vote(
    *,
    actor: Actor,
    usage_id: int,
    body: str,
    date: dt.date,
    result: str,
    record: str,
) -> UsageRequest:
    """The vote on a major matter (REQ-055); a failed vote closes the request unsealed."""
    usage = _lock(usage_id)
    policy.require(actor, "usage.request", usage.committee)
    _open(usage)
    _not_the_custodian(usage, actor)
    if usage.major_matter != MajorMatter.VOTE:
        raise InvalidInput(_("该事项不需要表决"), code=SealCode.VOTE_NOT_NEEDED)
    if result not in VoteResult.values:
        raise InvalidInput(_("请选择表决结果"), code=SealCode.VOTE_RESULT_REQUIRED)
    if not body.strip() or not record.strip() or date is None:
        raise InvalidInput(
            _("请填写表决会议、日期和表决情况（应到、实到、赞成、反对、弃权）"),
            code=SealCode.VOTE_RECORD_REQUIRED,
        )
    if date > clock.today():
        raise InvalidInput(_("表决日期不能晚于今天"), code=SealCode.VOTE_DATE_INVALID)
    with audit.recorded(actor=actor, event="usage.vote", subject=usage, fields=FIELDS):
        usage.vote_body, usage.vote_date = body.strip(), date
        usage.vote_result, usage.vote_record = result, record.strip()
        if result == VoteResult.FAILED:
            move_to(usage, UseStatus.CLOSED)
            usage.closing_code = UsageClosing.VOTE_FAILED
    return usage


@transaction.atomic
def usage_review(
    *,
    actor: Actor,
    usage_id: int,
    approve: bool,
    not_blank: bool,
    note: str = "",
    code: str = "",
) -> UsageRequest:
    """先审核 (REQ-053): the reviewer checks the matter and that the document is not
    blank (REQ-057). The seal's custodian may not review (REQ-067).

    `code` is the system's own words on a review it records (UsageReview: the
    certificate journey's "verified"), read in the reader's language (issue 16)."""
    usage = _lock(usage_id)
    policy.require(actor, "usage.review", usage.committee)
    if usage.status != UseStatus.SUBMITTED:
        raise Conflict(_("该申请不在待审核状态"), code=SealCode.USAGE_NOT_SUBMITTED)
    if _same(selectors.current_custodian(usage.seal), actor):
        raise SeparationOfDuties(  # REQ-067, DIV-01
            _("印章管理人不能审核用印（用印审核人员和保管人员不得为同一人）")
        )
    if stored_sha256(usage.document) != usage.document_sha256:
        raise DocumentChanged(_("用印文件与申请时不一致，请重新申请"))
    with audit.recorded(
        actor=actor, event="usage.reviewed", subject=usage, fields=FIELDS
    ):
        usage.reviewer, usage.reviewed_at = actor, clock.now()
        usage.review_code = UsageReview(code) if code else ""
        usage.review_note = note.strip()
        if approve:
            if not not_blank:
                raise InvalidInput(  # REQ-057
                    _("请确认用印文件内容完整、不是空白纸张"),
                    code=SealCode.NOT_BLANK_REQUIRED,
                )
            usage.not_blank_confirmed = True
            move_to(usage, UseStatus.REVIEWED)
        else:
            if not note.strip():
                raise InvalidInput(
                    _("请写明不予用印的理由"), code=CoreCode.NOTE_REQUIRED
                )
            move_to(usage, UseStatus.REJECTED)
            usage.closing_reason = note.strip()
    return usage


@transaction.atomic
def usage_approve(
    *, actor: Actor, usage_id: int, approve: bool, note: str = ""
) -> UsageRequest:
    """The head signs (签批) before registration (REQ-054); approval binds the
    document's SHA-256, so what is sealed is exactly what was approved (REQ-057)."""
    usage = _lock(usage_id)
    policy.require(actor, "usage.approve", usage.committee)
    if usage.status != UseStatus.REVIEWED:
        raise Conflict(
            _("须先审核后签批（先审核、后用印）"), code=SealCode.USAGE_NOT_REVIEWED
        )  # REQ-053
    if _same(selectors.current_custodian(usage.seal), actor):
        raise SeparationOfDuties(  # REQ-067, DIV-01
            _("印章管理人不能签批用印（印章使用审批人与保管人不得为同一人）")
        )
    digest = stored_sha256(usage.document)
    if digest != usage.document_sha256:
        raise DocumentChanged(_("用印文件与审核时不一致，不能签批"))
    with audit.recorded(
        actor=actor, event="usage.approved", subject=usage, fields=FIELDS
    ):
        usage.approver, usage.approved_at = actor, clock.now()
        if approve:
            usage.approved_sha256 = digest
            move_to(usage, UseStatus.APPROVED)
        else:
            if not note.strip():
                raise InvalidInput(
                    _("请写明不予签批的理由"), code=CoreCode.NOTE_REQUIRED
                )
            move_to(usage, UseStatus.REJECTED)
            usage.closing_reason = note.strip()
    return usage


def gate_problems(usage: UsageRequest, today: dt.date) -> list[str]:
    """What keeps a major matter from being sealed today (REQ-055); empty when free."""
    if usage.major_matter == MajorMatter.NOTICE:
        if usage.notice_end is None:
            return [_("须经公示的事项尚未登记公示情况")]
        if today <= usage.notice_end:
            return [
                _("公示期至 %s 结束，公示结束后方可盖章") % usage.notice_end.isoformat()
            ]
    if usage.major_matter == MajorMatter.VOTE:
        if not usage.vote_result:
            return [_("须经表决的事项尚未登记表决结果")]
        if usage.vote_result != VoteResult.PASSED:
            return [_("表决未通过，不能盖章")]
    return []


def _name(user: Any) -> str:
    return user.display_name if user is not None else ""


@transaction.atomic
def usage_seal(*, actor: Actor, usage_id: int) -> UsageRequest:
    """The custodian registers the matter and applies the seal (DIV-12, REQ-070)."""
    usage = _lock(usage_id, people=True)
    policy.require(actor, "usage.seal", usage.committee)
    seal = lock_seal(usage.seal_id)
    if usage.status != UseStatus.APPROVED:
        raise Conflict(
            _("须经主任签批后方可登记用印（任何人不得擅自加盖公章）"),
            code=SealCode.USAGE_NOT_APPROVED,
        )  # REQ-054
    custodian = selectors.current_custodian(seal)
    if not _same(custodian, actor):  # REQ-070
        raise NotAllowed(
            _("只有该印章的现任印章管理人可以登记用印"), code=CoreCode.NOT_THE_CUSTODIAN
        )
    if _same(actor, usage.reviewer) or _same(actor, usage.approver):
        raise SeparationOfDuties(  # REQ-067, DIV-01
            _("印章管理人不能是本次用印的审核人或签批人")
        )
    require_usable(seal)  # REQ-061–063, REQ-066
    problems = gate_problems(usage, clock.today())
    if problems:
        raise NotYetSealable("；".join(problems))
    if stored_sha256(usage.document) != usage.approved_sha256:  # REQ-057
        raise DocumentChanged(_("用印文件与签批时不一致，不能盖章"))
    now = clock.now()
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    fields: dict[str, Any] = {
        "sealed_at": stamp,
        "content": usage.content,
        "copies": usage.copies,
        "approver": _name(usage.approver),
        "handler": _name(usage.handler),
        "reviewer": _name(usage.reviewer),
        "custodian": _name(actor),
        "category": f"{usage.category} {usage.get_category_display()}",
        "seal": seal.serial,
        "document_sha256": usage.approved_sha256,
    }
    if usage.register == registers.Register.CERTIFICATE:
        fields.update(
            requiring_unit=usage.requiring_unit,
            purpose=usage.purpose,
            phone=usage.phone,
            certificate_no=usage.certificate_no,
        )
        if usage.retained_materials:  # REQ-038
            fields["retained_materials"] = usage.retained_materials
    else:
        notice = ""
        if usage.major_matter == MajorMatter.NOTICE:
            notice = _("公示 %(a)s 至 %(b)s，%(p)s") % {
                "a": usage.notice_start,
                "b": usage.notice_end,
                "p": usage.notice_place,
            }
        elif usage.major_matter == MajorMatter.VOTE:
            notice = _("%(body)s %(date)s 表决通过") % {
                "body": usage.vote_body,
                "date": usage.vote_date,
            }
        fields["notice"] = notice
    entry = registers.register_append(
        actor=actor,
        committee_code=usage.committee_id,
        register=usage.register,
        matter=f"seals.usagerequest:{usage.pk}",
        fields=fields,
    )
    with audit.recorded(
        actor=actor, event="usage.sealed", subject=usage, fields=FIELDS
    ):
        usage.custodian, usage.sealed_at = actor, now
        usage.register_entry = entry
        move_to(usage, UseStatus.SEALED)
    return usage


@transaction.atomic
def usage_withdraw(
    *, actor: Actor, usage_id: int, reason: str, code: str = ""
) -> UsageRequest:
    """The handler or the head withdraws the request. `code` (UsageClosing) is the
    system's words when the certificate it was for ends unsealed (issue 16)."""
    usage = _lock(usage_id)
    policy.require(actor, "usage.request", usage.committee)
    if not (_same(actor, usage.handler) or policy.can(actor, "usage.approve", usage)):
        raise NotAllowed(_("只有经办人或主任可以撤回"), code=SealCode.NOT_HANDLER)
    if not reason.strip():
        raise InvalidInput(_("请填写撤回原因"), code=CoreCode.REASON_REQUIRED)
    with audit.recorded(
        actor=actor, event="usage.withdrawn", subject=usage, fields=FIELDS
    ):
        move_to(usage, UseStatus.WITHDRAWN)
        usage.closing_code = UsageClosing(code) if code else ""
        usage.closing_reason = reason.strip()
    return usage
