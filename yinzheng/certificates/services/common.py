"""What every write on a certificate request starts from: the request's row lock and
the check of its status, the decision made again when a record changed, the check of a
required text, the SHA-256 of a rendered file, the policy's actions on a request and
the fields the audit trail keeps of it.

A step takes the row lock first (`_lock`), asks the policy, then checks that the request
stands where the workflow expects it (`_require_status`; the moves themselves are
`CertificateRequest.TRANSITIONS`). The audit trail keeps `FIELDS` of a request, never
the ID number or the phone. Intake, the records, issue, the endings and the
commitment build on these; so do the credit services, for the text check and the digest.
"""

import hashlib

from django.utils.translation import gettext as _

from yinzheng.core.db import unique_row
from yinzheng.core.errors import Conflict, NotFound

from .. import rules, selectors
from ..errors import CertificateCode
from ..models import CertificateRequest

HANDLE = "certificate.handle"
APPROVE = "certificate.approve"
SEAL = "certificate.seal"
CONFIGURE = "certificate.configure"

# What the audit trail keeps of a request: never the ID number or the phone.
FIELDS = [
    "status",
    "intake_class",
    "outcome",
    "public_interest",
    "party_related",
    "legal_risk",
    "carries_liability",
    "exception_claimed",
    "due_on",
    "verified_by",
    "verified_at",
    "verification_what",
    "verification_how",
    "serial",
    "serial_void",
    "certificate_sha256",
    "content_sha256",
    "issued_sha256",
    "template_text",
    "seal",
    "usage",
    "approved_by",
    "approved_at",
    "issued_by",
    "issued_at",
    "on_the_spot",
    "register_entry",
    "refused_by",
    "refused_at",
    "refusal_reason",
    "refusal_route",
    "refusal_department",
    "refusal_basis_code",
    "refusal_basis",
    "refusal_notice_no",
    "closed_by",
    "closed_at",
    "closing_code",
    "closing_note",
]


# The records the decision reads (selectors.request_facts), joined when the step
# only reads them: three queries fewer for each decision (issue 15).
RECORDS = ("exceptionrecord", "consultation", "riskassessment")


def _lock(request_id: int, *, with_records: bool = False) -> CertificateRequest:
    """The request, locked. `with_records`: its exception, consultation and risk
    records come with it, for a step that does not write them."""
    related = ("committee", "item", *(RECORDS if with_records else ()))
    req = unique_row(
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=request_id)
    )
    if req is None:
        raise NotFound(_("证明申请不存在"), code=CertificateCode.REQUEST_NOT_FOUND)
    return req


def _require_status(req: CertificateRequest, *statuses: str) -> None:
    if req.status not in statuses:
        raise Conflict(
            _("该申请当前状态为“%s”，不能办理此操作") % req.get_status_display(),
            code=CertificateCode.REQUEST_WRONG_STATUS,
            detail={"status": req.status, "expected": list(statuses)},
        )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refresh_decision(req: CertificateRequest) -> rules.Decision:
    """Decide again and keep the result on the request (called in RECEIVED only)."""
    decision = selectors.decision_for(req)
    req.intake_class = decision.intake_class
    req.outcome = decision.outcome
    req.decision = decision.as_dict()
    req.save(update_fields=["intake_class", "outcome", "decision"])
    return decision
