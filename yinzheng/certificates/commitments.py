"""Notification-commitment, post-verification and credit (告知承诺制, REQ-082–086).

    received ─commitment_record─▶ committed            (the request, final, nothing sealed)
                  │
                  └─▶ VerificationTask open ─verification_close─▶ closed (true / false)
                                                                        │ false
        CreditRecord (disclosure, penalty) ◀────────────────────────────┘
              └─▶ CreditSubmission queued ─credit_export─▶ sent / acknowledged / failed

Where the item allows it (`rules.decide()` says `commitment_available`), the clerk prints
the notification (what the law requires, what a false commitment costs), the resident
signs the commitment — on the screen, or on the printed page that is then scanned — and
`commitment_record` stores the rendered PDF (documents.render_commitment) and the
signature, closes the request as COMMITTED without any seal and opens the commitment's
post-verification task (REQ-082, REQ-083).

The township or civil affairs closes a task with its result, date, verifier and note;
`commitment_sample` draws open tasks for priority at random: the seed is generated with
`secrets` unless one is given, and the journal keeps it with the population (task ids)
and the picks, so anyone can draw again with `draw()` — `random.Random(seed)` over the
sorted ids — and get the same picks (REQ-083, the reading of gap 13).

A "false" result creates the person's credit record (REQ-084): it points to the request,
where the name and ID number are kept once, and copies neither; the journal never holds
the ID number. A submission to the credit platform is queued with it. The platform is a
`CreditPlatform` row per jurisdiction, the nearest on the committee's chain (REQ-086);
`credit_export` (the `yinzheng credit-export` command, a cron job) resolves it when
sending, so a changed endpoint receives the next submission, POSTs the record as JSON
with urllib (timeout, an Idempotency-Key per submission) and records the outcome: sent,
acknowledged when the platform's answer says so, or failed with the error (retried at
the next run). The payload to the platform is the one place the full ID number leaves
the system. Disclosure (site, date) and penalty (decision, date, published) are set with
`credit_disclosure_set` (REQ-085).
"""

import datetime as dt
import hashlib
import json
import math
import random
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.catalogue.models import Guide
from yinzheng.core import clock, masking
from yinzheng.core.actors import person
from yinzheng.core.codes import subtree_q
from yinzheng.core.errors import Conflict, InvalidInput, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.registers.forms import signature_png_problem

from . import documents, selectors
from .choices import (
    CounterKind,
    SignatureMethod,
    Status,
    SubmissionStatus,
    TaskStatus,
    VerificationResult,
)
from .models import (
    CertificateRequest,
    Commitment,
    CreditPlatform,
    CreditRecord,
    CreditSubmission,
    Sampling,
    VerificationTask,
)
from .services import (
    FIELDS,
    HANDLE,
    _digest,
    _lock,
    _refresh_decision,
    _require_status,
    _text,
    next_number,
)

VERIFY = "commitment.verify"
CREDIT_VIEW = "credit.view"
CREDIT_MANAGE = "credit.manage"
CREDIT_CONFIGURE = "credit.configure"
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_TEXT = 8000
PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SEED_MAX = 64
DEFAULT_TIMEOUT = 10.0
PAYLOAD_SCHEMA = "yinzheng.credit-record/1"
# How a draw is made, as the journal states it for whoever re-runs it.
DRAW_METHOD = "sorted(random.Random(seed).sample(sorted(population), size))"

TASK_FIELDS = [
    "status",
    "sampled",
    "result",
    "verified_on",
    "verifier",
    "note",
    "closed_by",
    "closed_at",
]
CREDIT_FIELDS = [
    "disclosure_site",
    "disclosed_on",
    "penalty_decision",
    "penalty_on",
    "penalty_published",
    "updated_by",
    "updated_at",
]
SUBMISSION_FIELDS = [
    "status",
    "platform_name",
    "endpoint",
    "attempts",
    "last_error",
    "last_attempt_at",
    "response_status",
    "remote_reference",
    "payload_sha256",
    "sent_at",
    "acknowledged_at",
]
PLATFORM_FIELDS = ["name", "endpoint", "enabled", "note", "updated_by", "updated_at"]


class CommitmentNotAllowed(Conflict):
    code = "commitment_not_allowed"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The notification and the commitment (REQ-082) ------------------------------------------


def _basis(req: CertificateRequest) -> str:
    if not req.item_id:
        return ""
    guide = Guide.objects.filter(item_id=req.item_id).only("basis").first()
    if guide is not None and guide.basis.strip():
        return guide.basis.strip()
    return "；".join(b.citation for b in req.item.bases.all())


def default_notification(req: CertificateRequest) -> str:
    """What the committee tells the resident before the commitment: the item, what
    the law requires to be true, the basis, how the commitment replaces the
    certificate, the post-verification, and the consequences of a false commitment."""
    lines = [
        _("一、证明事项：%(item)s；用途：%(purpose)s；需要单位：%(unit)s。")
        % {
            "item": req.item_name,
            "purpose": req.purpose,
            "unit": req.requiring_unit,
        },
        _("二、证明义务和证明内容：申请人应当如实说明并承诺以下事实：%(facts)s")
        % {"facts": req.facts.strip()},
    ]
    basis = _basis(req)
    if basis:
        lines.append(_("三、设定依据：%(basis)s") % {"basis": basis})
    lines += [
        _(
            "%(n)s、承诺方式：申请人书面承诺已经符合上述条件和要求，以本承诺代替该证明，"
            "%(committee)s不再出具该证明。"
        )
        % {"n": _("四") if basis else _("三"), "committee": req.committee.name},
        _(
            "%(n)s、事后核查：乡镇（街道）或民政部门将对承诺内容进行事后核查，"
            "并可随机抽查。"
        )
        % {"n": _("五") if basis else _("四")},
        _(
            "%(n)s、不实承诺的法律责任：经核查承诺不实的，依法计入个人信用记录，"
            "报送信用信息共享平台，并依法依规在信用网站公示；情节严重的，依法予以处罚"
            "并公开。"
        )
        % {"n": _("六") if basis else _("五")},
    ]
    return "\n".join(lines)


def default_commitment(req: CertificateRequest) -> str:
    """The resident's words (without the name: the form names the person)."""
    return "\n".join(
        [
            _("本人已经知晓本告知承诺书告知的全部内容，承诺以下事实真实、准确：%s")
            % req.facts.strip(),
            _(
                "本人愿意承担不实承诺的法律责任；承诺不实的，同意依法计入个人信用记录"
                "并予以公示。"
            ),
        ]
    )


def _doc(
    req: CertificateRequest,
    *,
    number: str,
    notification: str,
    text: str,
    on: dt.date,
    signature_png: bytes | None = None,
) -> documents.CommitmentDoc:
    return documents.CommitmentDoc(
        number=number,
        committee_name=req.committee.name,
        resident_name=req.resident_name,
        id_number_masked=masking.mask_id_number(req.id_number),
        item_name=req.item_name,
        notification=notification,
        commitment=text,
        date=on,
        sample=req.sample,
        signature_png=signature_png,
    )


def commitment_allowed(req: CertificateRequest) -> bool:
    """REQ-082: only an open request whose item the rules allow the route for."""
    return (
        req.status == Status.RECEIVED
        and selectors.decision_for(req).commitment_available
    )


def notification_pdf(
    req: CertificateRequest, *, notification: str = "", text: str = ""
) -> bytes:
    """The printable form for the resident to read and sign on paper (no number yet:
    it is given when the signed commitment is recorded). Writes nothing."""
    return documents.render_commitment(
        _doc(
            req,
            number=_("（登记时编号）"),
            notification=notification.strip() or default_notification(req),
            text=text.strip() or default_commitment(req),
            on=clock.today(),
        )
    )


def _signature(signature: Any, method: str) -> tuple[str, bytes]:
    """The signature's file name and bytes, checked for its method."""
    if signature is None:
        raise InvalidInput(
            _("请居民在屏幕上签名，或上传签字后的告知承诺书"),
            code="signature_required",
        )
    if isinstance(signature, tuple):
        name, data = signature
    else:
        if signature.size and signature.size > MAX_SCAN_BYTES:
            raise InvalidInput(
                _("上传的文件不能超过 20 MB"), code="signature_too_large"
            )
        name, data = signature.name, b"".join(signature.chunks())
    if method == SignatureMethod.SCREEN:
        problem = signature_png_problem(data)
        if problem:
            raise InvalidInput(problem, code="signature_invalid")
    elif method == SignatureMethod.SCAN:
        if not data:
            raise InvalidInput(_("上传的文件是空的"), code="signature_required")
        if len(data) > MAX_SCAN_BYTES:
            raise InvalidInput(
                _("上传的文件不能超过 20 MB"), code="signature_too_large"
            )
        if not data.startswith((PDF_MAGIC, JPEG_MAGIC, PNG_MAGIC)):
            raise InvalidInput(
                _("签字页须为 PDF、JPEG 或 PNG 文件"), code="signature_invalid"
            )
    else:
        raise InvalidInput(_("签字方式无效"), code="signature_method_invalid")
    return str(name or "signature")[-200:], data


def commitment_number(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.COMMITMENT)
    return f"{committee_code}-{year}-CN{n:05d}"


@transaction.atomic
def commitment_record(
    *,
    actor: Any,
    request_id: int,
    signature: Any,
    signature_method: str = SignatureMethod.SCREEN,
    notification_text: str = "",
    commitment_text: str = "",
    signed_on: dt.date | None = None,
) -> Commitment:
    """Record the resident's signed commitment in place of the certificate (REQ-082).

    `signature` is the PNG drawn on screen (`signature_method="screen"`) or the signed
    paper page scanned (PDF, JPEG or PNG, `"scan"`): an uploaded file or a
    (name, bytes) pair. The notification and the commitment default to the texts made
    from the request and its item. The request closes as COMMITTED, nothing is sealed,
    and the commitment's post-verification task opens (REQ-083)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    decision = _refresh_decision(req)
    if not decision.commitment_available:
        raise CommitmentNotAllowed(
            _("该事项不实行告知承诺制，不能以承诺代替证明（REQ-082）"),
            detail=decision.as_dict(),
        )
    notification = (notification_text or "").strip() or default_notification(req)
    text = (commitment_text or "").strip() or default_commitment(req)
    if len(notification) > MAX_TEXT or len(text) > MAX_TEXT:
        raise InvalidInput(
            _("告知内容和承诺内容各不能超过 %d 个字") % MAX_TEXT, code="text_too_long"
        )
    name, data = _signature(signature, signature_method)
    now = clock.now()
    today = timezone.localtime(now).date()
    signed_on = signed_on or today
    if signed_on > today or signed_on < timezone.localtime(req.received_at).date():
        raise InvalidInput(
            _("签字日期须在受理之日和今天之间"), code="signed_on_invalid"
        )
    number = commitment_number(req.committee_id, today.year)
    pdf = documents.render_commitment(
        _doc(
            req,
            number=number,
            notification=notification,
            text=text,
            on=signed_on,
            signature_png=data if signature_method == SignatureMethod.SCREEN else None,
        )
    )
    commitment = Commitment(
        request=req,
        committee_id=req.committee_id,
        number=number,
        notification=notification,
        text=text,
        signed_on=signed_on,
        pdf_sha256=_digest(pdf),
        signature_method=signature_method,
        signature_name=name,
        signature_sha256=_digest(data),
        sample=req.sample,
        recorded_by=actor,
        recorded_at=now,
    )
    commitment.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    commitment.signature.save(name, ContentFile(data), save=False)
    commitment.save()
    task = VerificationTask.objects.create(
        commitment=commitment, committee_id=req.committee_id, created_at=now
    )
    audit.record(
        actor=actor,
        event="commitment.recorded",
        subject=commitment,
        after={
            "number": number,
            "request": req.pk,
            "item": req.item.key if req.item_id else None,
            "resident": masking.mask_name(req.resident_name),
            "signed_on": signed_on.isoformat(),
            "notification_sha256": _sha(notification),
            "commitment_sha256": _sha(text),
            "pdf_sha256": commitment.pdf_sha256,
            "signature_method": signature_method,
            "signature_sha256": commitment.signature_sha256,
            "verification_task": task.pk,
        },
    )
    with audit.recorded(
        actor=actor, event="certificate_request.committed", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at = actor, now
        req.closing_note = _("以告知承诺代替证明：%s") % number
        move_to(req, Status.COMMITTED)
    return commitment


# Post-verification (REQ-083) --------------------------------------------------------


def _result(value: Any) -> str:
    if value is True or value == VerificationResult.TRUE:
        return VerificationResult.TRUE
    if value is False or value == VerificationResult.FALSE:
        return VerificationResult.FALSE
    raise InvalidInput(_("请选择核查结果：承诺属实或承诺不实"), code="result_required")


@transaction.atomic
def verification_close(
    *,
    actor: Any,
    task_id: int,
    result: Any,
    verified_on: dt.date | None,
    verifier: str,
    note: str,
) -> VerificationTask:
    """Record the result of the post-verification (REQ-083): true or false, the date,
    who verified and what was found. A false result creates the credit record and
    queues its submission to the credit platform (REQ-084)."""
    task = (
        VerificationTask.objects.select_for_update(of=("self",))
        .select_related("commitment", "commitment__request", "committee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("核查任务不存在"), code="task_not_found")
    policy.require(actor, VERIFY, task)
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("该核查任务已办结"), code="task_closed")
    result = _result(result)
    if verified_on is None:
        raise InvalidInput(_("请填写核查日期"), code="verified_on_required")
    if verified_on > clock.today() or verified_on < task.commitment.signed_on:
        raise InvalidInput(
            _("核查日期须在承诺签字之日和今天之间"), code="verified_on_invalid"
        )
    verifier = _text(verifier, _("核查人"), "verifier_required", 100)
    note = _text(note, _("核查情况"), "note_required", 4000)
    with audit.recorded(
        actor=actor, event="commitment.verified", subject=task, fields=TASK_FIELDS
    ):
        task.result, task.verified_on = result, verified_on
        task.verifier, task.note = verifier, note
        task.closed_by, task.closed_at = person(actor), clock.now()
        move_to(task, TaskStatus.CLOSED)
    if result == VerificationResult.FALSE:
        _credit_record_create(actor=actor, task=task)
    return task


def draw(population: Iterable[int], size: int, seed: str) -> list[int]:
    """The picks of a draw: `size` ids out of `population`, the same for the same seed,
    whatever the order the ids come in (DRAW_METHOD). Anyone can re-run it from the
    seed and the population the journal keeps."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, size))


def _rate(rate: Any) -> Decimal:
    try:
        value = Decimal(str(rate))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("抽查比例须大于 0、不超过 1"), code="sample_rate_invalid"
        ) from exc
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise InvalidInput(_("抽查比例须大于 0、不超过 1"), code="sample_rate_invalid")
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def commitment_sample(
    *,
    actor: Any,
    scope_code: str,
    rate: Any = None,
    count: int | None = None,
    seed: str | None = None,
) -> Sampling:
    """Draw open, not yet sampled verification tasks below `scope_code` at random for
    priority (REQ-083): a rate (0–1, rounded up) or a count. Without a seed one is
    generated (secrets); the seed, the population and the picks are journaled."""
    scope = Division.objects.filter(code=scope_code).first()
    if scope is None:
        raise NotFound(_("区划不存在"), code="division_not_found")
    policy.require(actor, VERIFY, scope)
    if (rate in (None, "")) == (count in (None, "")):
        raise InvalidInput(
            _("请填写抽查比例或抽查数量（二选一）"), code="sample_size_required"
        )
    rate_value = _rate(rate) if rate not in (None, "") else None
    if rate_value is None and (
        not isinstance(count, int) or isinstance(count, bool) or count < 1
    ):
        raise InvalidInput(_("抽查数量须为正整数"), code="sample_count_invalid")
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > SEED_MAX or not seed.isprintable():
        raise InvalidInput(
            _("随机种子不能超过 %d 个字符") % SEED_MAX, code="seed_invalid"
        )
    population = list(
        VerificationTask.objects.select_for_update()
        .filter(
            subtree_q(scope.code, "committee_id"),
            status=TaskStatus.OPEN,
            sampled=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not population:
        raise Conflict(_("该范围内没有待抽查的核查任务"), code="nothing_to_sample")
    if rate_value is not None:
        size = math.ceil(rate_value * len(population))
    else:
        size = count or 0
    size = min(size, len(population))
    picks = draw(population, size, seed)
    sampling = Sampling.objects.create(
        scope=scope,
        seed=seed,
        rate=rate_value,
        count=count if rate_value is None else None,
        population=population,
        picks=picks,
        drawn_by=person(actor),
        drawn_at=clock.now(),
    )
    for task in VerificationTask.objects.select_for_update().filter(pk__in=picks):
        with audit.recorded(
            actor=actor,
            event="commitment.task_sampled",
            subject=task,
            fields=["sampled", "sampling"],
        ):
            task.sampled, task.sampling = True, sampling
    sampling.journal_entry = audit.record(
        actor=actor,
        event="commitment.sampled",
        subject=sampling,
        after={
            "scope": scope.code,
            "seed": seed,
            "rate": str(rate_value) if rate_value is not None else None,
            "count": sampling.count,
            "size": size,
            "population": population,
            "picks": picks,
            "method": DRAW_METHOD,
        },
    )
    sampling.save(update_fields=["journal_entry"])
    return sampling


# Credit records and their submissions (REQ-084, REQ-085) ------------------------------


def _credit_record_create(*, actor: Any, task: VerificationTask) -> CreditRecord:
    commitment = task.commitment
    now = clock.now()
    record = CreditRecord.objects.create(
        commitment=commitment,
        task=task,
        committee_id=task.committee_id,
        finding=task.note,
        recorded_on=task.verified_on,
        created_by=person(actor),
        created_at=now,
    )
    # The person is the request's resident: the journal names the request, never the
    # ID number, and the name only masked.
    audit.record(
        actor=actor,
        event="credit_record.created",
        subject=record,
        after={
            "commitment": commitment.number,
            "request": commitment.request_id,
            "verification_task": task.pk,
            "resident": masking.mask_name(commitment.request.resident_name),
            "finding": record.finding,
            "recorded_on": record.recorded_on.isoformat(),
        },
    )
    platform = selectors.credit_platform_for(task.committee_id)
    target = platform if platform is not None and platform.enabled else None
    submission = CreditSubmission.objects.create(
        record=record,
        platform_name=target.name if target else "",
        endpoint=target.endpoint if target else "",
        created_at=now,
    )
    audit.record(
        actor=actor,
        event="credit_submission.queued",
        subject=submission,
        after=audit.snapshot(submission, SUBMISSION_FIELDS),
    )
    return record


def _date_between(value: dt.date | None, earliest: dt.date, code: str) -> None:
    if value is not None and not earliest <= value <= clock.today():
        raise InvalidInput(_("日期须在认定之日和今天之间"), code=code)


@transaction.atomic
def credit_disclosure_set(
    *,
    actor: Any,
    record_id: int,
    disclosure_site: str = "",
    disclosed_on: dt.date | None = None,
    penalty_decision: str = "",
    penalty_on: dt.date | None = None,
    penalty_published: bool = False,
) -> CreditRecord:
    """Record the public disclosure made by law (site and date, e.g. 信用中国（天津）)
    and, in serious cases, the penalty, its date and whether it was published
    (REQ-085). Both halves are all or nothing."""
    record = (
        CreditRecord.objects.select_for_update(of=("self",))
        .select_related("commitment")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound(_("信用记录不存在"), code="credit_record_not_found")
    policy.require(actor, CREDIT_MANAGE, record)
    site = (disclosure_site or "").strip()
    decision = (penalty_decision or "").strip()
    if bool(site) != (disclosed_on is not None):
        raise InvalidInput(
            _("公示须同时填写公示网站和公示日期"), code="disclosure_incomplete"
        )
    if len(site) > 200:
        raise InvalidInput(_("公示网站不能超过 200 个字"), code="disclosure_incomplete")
    if bool(decision) != (penalty_on is not None):
        raise InvalidInput(
            _("处罚须同时填写处罚决定和处罚日期"), code="penalty_incomplete"
        )
    if penalty_published and not decision:
        raise InvalidInput(
            _("没有处罚决定，不能登记为已公开"), code="penalty_not_decided"
        )
    _date_between(disclosed_on, record.recorded_on, "disclosed_on_invalid")
    _date_between(penalty_on, record.recorded_on, "penalty_on_invalid")
    with audit.recorded(
        actor=actor,
        event="credit_record.disclosure",
        subject=record,
        fields=CREDIT_FIELDS,
    ):
        record.disclosure_site, record.disclosed_on = site, disclosed_on
        record.penalty_decision, record.penalty_on = decision[:4000], penalty_on
        record.penalty_published = bool(penalty_published)
        record.updated_by, record.updated_at = person(actor), clock.now()
    return record


@transaction.atomic
def credit_submission_acknowledge(
    *, actor: Any, submission_id: int, reference: str = ""
) -> CreditSubmission:
    """The platform confirmed a sent submission through its own channel (REQ-084)."""
    sub = (
        CreditSubmission.objects.select_for_update(of=("self",))
        .select_related("record")
        .filter(pk=submission_id)
        .first()
    )
    if sub is None:
        raise NotFound(_("报送记录不存在"), code="submission_not_found")
    policy.require(actor, CREDIT_MANAGE, sub)
    if sub.status != SubmissionStatus.SENT:
        raise Conflict(
            _("只有已报送的记录可以登记平台确认"), code="submission_not_sent"
        )
    with audit.recorded(
        actor=actor,
        event="credit_submission.acknowledged",
        subject=sub,
        fields=SUBMISSION_FIELDS,
    ):
        sub.remote_reference = (reference or "").strip()[:200] or sub.remote_reference
        sub.acknowledged_at = clock.now()
        move_to(sub, SubmissionStatus.ACKNOWLEDGED)
    return sub


# The credit platform per jurisdiction (REQ-086) --------------------------------------


@transaction.atomic
def credit_platform_set(
    *,
    actor: Any,
    division_code: str,
    name: str,
    endpoint: str,
    enabled: bool = True,
    note: str = "",
) -> CreditPlatform:
    """Configure the credit platform of a jurisdiction and everything below it (the
    national platform at the top, a city's own below it, ...). Submissions not yet sent
    go to the platform configured when they are sent."""
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise NotFound(_("区划不存在"), code="division_not_found")
    policy.require(actor, CREDIT_CONFIGURE, division)
    name = _text(name, _("平台名称"), "platform_name_required", 200)
    endpoint = (endpoint or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(endpoint)
    except ValidationError as exc:
        raise InvalidInput(
            _("接收地址须为 http:// 或 https:// 开头的网址"), code="endpoint_invalid"
        ) from exc
    if len(endpoint) > 500:
        raise InvalidInput(_("接收地址过长"), code="endpoint_invalid")
    platform = (
        CreditPlatform.objects.select_for_update().filter(division=division).first()
    )
    before = audit.snapshot(platform, PLATFORM_FIELDS) if platform else None
    if platform is None:
        platform = CreditPlatform(division=division)
    platform.name, platform.endpoint = name, endpoint
    platform.enabled, platform.note = bool(enabled), (note or "").strip()
    platform.updated_by, platform.updated_at = person(actor), clock.now()
    platform.save()
    audit.record(
        actor=actor,
        event="credit_platform.set",
        subject=platform,
        before=before,
        after=audit.snapshot(platform, PLATFORM_FIELDS),
    )
    return platform


# Export (REQ-084, REQ-086) ------------------------------------------------------------


@dataclass(frozen=True)
class ExportOutcome:
    submission_id: int
    outcome: str  # sent / acknowledged / failed / no_platform / would_send
    platform: str = ""
    endpoint: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "outcome": self.outcome,
            "platform": self.platform,
            "endpoint": self.endpoint,
            "detail": self.detail,
        }


def credit_payload(sub: CreditSubmission) -> dict[str, Any]:
    """What the platform receives: the person (name and full ID number: the platform
    records credit by it), the false commitment and its finding, the disclosure and
    penalty so far, and where it comes from."""
    record = sub.record
    commitment = record.commitment
    req = commitment.request
    return {
        "schema": PAYLOAD_SCHEMA,
        "submission": sub.pk,
        "record": record.pk,
        "record_type": "false_commitment",
        "source": {
            "system": "yinzheng",
            "committee_code": req.committee_id,
            "committee_name": req.committee.name,
        },
        "subject": {
            "type": "natural_person",
            "name": req.resident_name,
            "id_number": req.id_number,
        },
        "commitment": {
            "number": commitment.number,
            "item": req.item_name,
            "purpose": req.purpose,
            "signed_on": commitment.signed_on.isoformat(),
            "pdf_sha256": commitment.pdf_sha256,
        },
        "verification": {
            "result": record.task.result,
            "verified_on": record.task.verified_on.isoformat()
            if record.task.verified_on
            else None,
            "verifier": record.task.verifier,
            "finding": record.finding,
        },
        "disclosure": {
            "site": record.disclosure_site,
            "date": record.disclosed_on.isoformat() if record.disclosed_on else None,
        },
        "penalty": {
            "decision": record.penalty_decision,
            "date": record.penalty_on.isoformat() if record.penalty_on else None,
            "published": record.penalty_published,
        },
        "sample": commitment.sample,
    }


def _post(url: str, body: bytes, *, timeout: float, key: str):
    """POST the JSON body; (HTTP status or None, response text, error or "")."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": key,
            "User-Agent": "yinzheng-credit-export/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read(65536).decode("utf-8", "replace")
            return response.status, text, ""
    except urllib.error.HTTPError as exc:
        text = exc.read(4096).decode("utf-8", "replace")
        return exc.code, text, f"HTTP {exc.code}: {text[:300]}".strip()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, "", f"{type(exc).__name__}: {reason}"[:2000]


def _acknowledgement(text: str) -> tuple[bool, str]:
    """Whether the answer confirms the record, and the platform's reference."""
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        return False, ""
    if not isinstance(data, dict):
        return False, ""
    reference = str(data.get("reference") or data.get("id") or "")[:200]
    acknowledged = data.get("acknowledged") is True or data.get("status") in (
        "acknowledged",
        SubmissionStatus.ACKNOWLEDGED,
    )
    return acknowledged, reference


def _export_one(
    pk: int, *, actor: Any, dry_run: bool, timeout: float
) -> ExportOutcome | None:
    with transaction.atomic():
        sub = (
            CreditSubmission.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(
                "record",
                "record__commitment",
                "record__commitment__request",
                "record__commitment__request__committee",
                "record__commitment__request__item",
                "record__task",
            )
            .filter(
                pk=pk, status__in=[SubmissionStatus.QUEUED, SubmissionStatus.FAILED]
            )
            .first()
        )
        if sub is None:
            return None  # sent meanwhile, or being sent by another run
        platform = selectors.credit_platform_for(sub.record.committee_id)
        if platform is None or not platform.enabled:
            return ExportOutcome(
                pk, "no_platform", detail=_("本辖区未配置或未启用信用信息共享平台")
            )
        body = json.dumps(
            credit_payload(sub), ensure_ascii=False, sort_keys=True
        ).encode("utf-8")
        if dry_run:
            return ExportOutcome(pk, "would_send", platform.name, platform.endpoint)
        status, text, error = _post(
            platform.endpoint,
            body,
            timeout=timeout,
            key=f"yinzheng-credit-submission-{sub.pk}",
        )
        ok = status is not None and 200 <= status < 300
        acknowledged, reference = _acknowledgement(text) if ok else (False, "")
        target = (
            SubmissionStatus.ACKNOWLEDGED
            if acknowledged
            else SubmissionStatus.SENT
            if ok
            else SubmissionStatus.FAILED
        )
        now = clock.now()
        with audit.recorded(
            actor=actor,
            event=f"credit_submission.{target}",
            subject=sub,
            fields=SUBMISSION_FIELDS,
        ):
            sub.attempts += 1
            sub.last_attempt_at = now
            sub.platform_name, sub.endpoint = platform.name, platform.endpoint
            sub.payload_sha256 = _digest(body)
            sub.response_status = status
            if ok:
                sub.sent_at, sub.last_error = now, ""
                sub.remote_reference = reference
                if acknowledged:
                    sub.acknowledged_at = now
            else:
                sub.last_error = error or _("平台未接收")
            move_to(sub, target)
        return ExportOutcome(
            pk, str(target), platform.name, platform.endpoint, sub.last_error
        )


def credit_export(
    *,
    actor: Any,
    under: str | None = None,
    dry_run: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[ExportOutcome]:
    """Send the queued (and earlier failed) submissions below `under` to the platform
    configured for each committee now (REQ-086), one row lock and one transaction per
    submission, so a concurrent run skips what this one is sending. `dry_run` shows
    where each would go and writes nothing. A user as actor sends only what they
    manage; the cron job runs as the system (actor None)."""
    qs = CreditSubmission.objects.filter(
        status__in=[SubmissionStatus.QUEUED, SubmissionStatus.FAILED]
    )
    if under:
        if not Division.objects.filter(code=under).exists():
            raise NotFound(_("区划不存在"), code="division_not_found")
        qs = qs.filter(subtree_q(under, "record__committee_id"))
    qs = qs.filter(pk__in=CreditSubmission.objects.visible_to(actor, CREDIT_MANAGE))
    outcomes = []
    for pk in list(qs.order_by("pk").values_list("pk", flat=True)):
        outcome = _export_one(pk, actor=actor, dry_run=dry_run, timeout=timeout)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
