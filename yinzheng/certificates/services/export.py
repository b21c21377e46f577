"""Sending the credit records to the credit-information sharing platform (REQ-084,
REQ-086).

    CreditSubmission queued / failed ─credit_export─▶ sent / acknowledged / failed

`credit_export` (the `yinzheng credit-export` command, a cron job) resolves the platform
configured for each committee when sending, so a changed endpoint receives the next
submission; it POSTs the record as JSON with urllib (timeout, an Idempotency-Key per
submission), one row lock and one transaction per submission, and records the outcome:
sent, acknowledged when the platform's answer says so, or failed with the error
(retried at the next run). The payload (`credit_payload`) is the one place the full ID
number leaves the system.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, http
from yinzheng.core.codes import subtree_q
from yinzheng.core.errors import CoreCode, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .. import selectors
from ..choices import SubmissionStatus
from ..models import CreditSubmission
from .common import _digest
from .credit import CREDIT_MANAGE, SUBMISSION_FIELDS

DEFAULT_TIMEOUT = 10.0
PAYLOAD_SCHEMA = "yinzheng.credit-record/1"


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
    pk: int, *, actor: Actor, dry_run: bool, timeout: float
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
        posted = http.post(
            platform.endpoint,
            body,
            timeout=timeout,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Idempotency-Key": f"yinzheng-credit-submission-{sub.pk}",
                "User-Agent": "yinzheng-credit-export/1",
            },
        )
        status, text, error, ok = posted.status, posted.text, posted.error, posted.ok
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
    actor: Actor,
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
            raise NotFound(_("区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
        qs = qs.filter(subtree_q(under, "record__committee_id"))
    qs = qs.filter(pk__in=CreditSubmission.objects.visible_to(actor, CREDIT_MANAGE))
    outcomes = []
    for pk in list(qs.order_by("pk").values_list("pk", flat=True)):
        outcome = _export_one(pk, actor=actor, dry_run=dry_run, timeout=timeout)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
