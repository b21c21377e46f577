"""Credit records of false commitments, their disclosure and penalty, and the credit
platform of each jurisdiction (REQ-084–086).

    closed "false" ─▶ CreditRecord (disclosure, penalty)
                          └─▶ CreditSubmission queued ─▶ services.export

A "false" post-verification result creates the person's credit record (REQ-084): it
points to the request, where the name and ID number are kept once, and copies neither;
the journal never holds the ID number. A submission to the credit platform is queued
with it. Disclosure (site, date) and penalty (decision, date, published) are set with
`credit_disclosure_set`, each half all or nothing (REQ-085); a confirmation the platform
gave through its own channel is entered by hand (`credit_submission_acknowledge`). The
platform is a `CreditPlatform` row per jurisdiction, the nearest on the committee's
chain applies (REQ-086); `credit_platform_set` configures it.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, masking
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, CoreCode, ErrorCode, InvalidInput, NotFound
from yinzheng.core.text import required_text
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .. import selectors
from ..choices import SubmissionStatus
from ..errors import CertificateCode
from ..models import CreditPlatform, CreditRecord, CreditSubmission, VerificationTask

CREDIT_VIEW = "credit.view"
CREDIT_MANAGE = "credit.manage"
CREDIT_CONFIGURE = "credit.configure"

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


# Credit records and their submissions (REQ-084, REQ-085) ------------------------------


def _credit_record_create(*, actor: Actor, task: VerificationTask) -> CreditRecord:
    commitment = task.commitment
    if task.verified_on is None:  # verification_close asks for it first
        raise InvalidInput(
            _("请填写核查日期"), code=CertificateCode.VERIFIED_ON_REQUIRED
        )
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


def _date_between(value: dt.date | None, earliest: dt.date, code: ErrorCode) -> None:
    if value is not None and not earliest <= value <= clock.today():
        raise InvalidInput(_("日期须在认定之日和今天之间"), code=code)


@transaction.atomic
def credit_disclosure_set(
    *,
    actor: Actor,
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
        raise NotFound(
            _("信用记录不存在"), code=CertificateCode.CREDIT_RECORD_NOT_FOUND
        )
    policy.require(actor, CREDIT_MANAGE, record)
    site = (disclosure_site or "").strip()
    decision = (penalty_decision or "").strip()
    if bool(site) != (disclosed_on is not None):
        raise InvalidInput(
            _("公示须同时填写公示网站和公示日期"),
            code=CertificateCode.DISCLOSURE_INCOMPLETE,
        )
    if len(site) > 200:
        raise InvalidInput(
            _("公示网站不能超过 200 个字"), code=CertificateCode.DISCLOSURE_INCOMPLETE
        )
    if bool(decision) != (penalty_on is not None):
        raise InvalidInput(
            _("处罚须同时填写处罚决定和处罚日期"),
            code=CertificateCode.PENALTY_INCOMPLETE,
        )
    if penalty_published and not decision:
        raise InvalidInput(
            _("没有处罚决定，不能登记为已公开"),
            code=CertificateCode.PENALTY_NOT_DECIDED,
        )
    _date_between(
        disclosed_on, record.recorded_on, CertificateCode.DISCLOSED_ON_INVALID
    )
    _date_between(penalty_on, record.recorded_on, CertificateCode.PENALTY_ON_INVALID)
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
    *, actor: Actor, submission_id: int, reference: str = ""
) -> CreditSubmission:
    """The platform confirmed a sent submission through its own channel (REQ-084)."""
    sub = (
        CreditSubmission.objects.select_for_update(of=("self",))
        .select_related("record")
        .filter(pk=submission_id)
        .first()
    )
    if sub is None:
        raise NotFound(_("报送记录不存在"), code=CertificateCode.SUBMISSION_NOT_FOUND)
    policy.require(actor, CREDIT_MANAGE, sub)
    if sub.status != SubmissionStatus.SENT:
        raise Conflict(
            _("只有已报送的记录可以登记平台确认"),
            code=CertificateCode.SUBMISSION_NOT_SENT,
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
    actor: Actor,
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
        raise NotFound(_("区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, CREDIT_CONFIGURE, division)
    name = required_text(
        name, _("平台名称"), CertificateCode.PLATFORM_NAME_REQUIRED, 200
    )
    endpoint = (endpoint or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(endpoint)
    except ValidationError as exc:
        raise InvalidInput(
            _("接收地址须为 http:// 或 https:// 开头的网址"),
            code=CertificateCode.ENDPOINT_INVALID,
        ) from exc
    if len(endpoint) > 500:
        raise InvalidInput(_("接收地址过长"), code=CertificateCode.ENDPOINT_INVALID)
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
