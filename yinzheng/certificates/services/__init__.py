"""Every write of the certificates app, one process to a module.

The requests (REQ-031–049):

- `intake`: a request taken in and decided at once, its materials, the report of a
  unit demanding an unlisted certificate (REQ-016, REQ-031, REQ-038).
- `online`: the resident's own application with a one-time code, its receipt, and the
  electronic certificate handed over on the status page (REQ-113, issue 16).
- `records`: what the clerk corrects about the matter and the records an outcome
  needs — the negative-list exception, the consultation and the head's signature, the
  legal-risk records (REQ-034–040).
- `issue`: verify, approve, seal and issue, through the seal service, and the
  resident's confirmation of the register entry (REQ-046, REQ-053–057, REQ-073).
- `closing`: refusal with its notice, referral to the responsible department,
  withdrawal, transfer of a Party matter, and the annulment of an issued certificate
  (REQ-032, REQ-043, REQ-049, REQ-118).
- `party`, `referrals`: the Party organisation's and the departments' queues of what
  was handed to them, acknowledged and answered there (REQ-043, REQ-118).
- `settings`: the jurisdiction's switch for the negative-list exception (REQ-039).

Notification-commitment and credit (REQ-082–086):

- `commitments`: the signed commitment in place of the certificate (REQ-082).
- `verification`: post-verification tasks and the random draws (REQ-083).
- `credit`: credit records, their disclosure and penalty, the platform of each
  jurisdiction (REQ-084–086).
- `export`: sending the records to the platform (REQ-084, REQ-086).

What they share: `common` (the request's row lock and status check, the decision made
again, the required-text check, the digest, the policy's actions, the audit fields) and
`serials` (gap-free numbers). These two stand lowest; besides them, only `verification`
and `export` import a sibling, `credit` (a false result opens a credit record, the export
sends it), and `online` the two doors it shares with the window, `intake` and
`commitments`.

The public names of every module are re-exported here, so callers keep writing
`services.request_verify(...)` and `services.commitment_record(...)`. Reads are the
selectors'.
"""

from .closing import (
    REFERABLE_OUTCOMES,
    REFUSAL_REASON_CODES,
    request_annul,
    request_refer,
    request_refuse,
    request_transfer,
    request_withdraw,
)
from .commitments import (
    MAX_SCAN_BYTES,
    MAX_TEXT,
    CommitmentNotAllowed,
    commitment_allowed,
    commitment_record,
    default_commitment,
    default_notification,
    notification_pdf,
)
from .common import APPROVE, CONFIGURE, FIELDS, HANDLE, SEAL
from .credit import (
    CREDIT_CONFIGURE,
    CREDIT_FIELDS,
    CREDIT_MANAGE,
    CREDIT_VIEW,
    PLATFORM_FIELDS,
    SUBMISSION_FIELDS,
    credit_disclosure_set,
    credit_platform_set,
    credit_submission_acknowledge,
)
from .export import (
    DEFAULT_TIMEOUT,
    PAYLOAD_SCHEMA,
    ExportOutcome,
    credit_export,
    credit_payload,
)
from .intake import (
    MAX_ATTACHMENT_BYTES,
    TRACKING_BYTES,
    RefusedAtOnce,
    demand_report,
    request_attach,
    request_create,
    validate_id_number,
)
from .issue import (
    NotIssuable,
    NoUsableSeal,
    choose_seal,
    request_approve,
    request_confirm,
    request_issue,
    request_verify,
)
from .online import (
    ID_DIGITS,
    Receipt,
    application_submit,
    certificate_downloadable,
    certificate_for_holder,
    receipt,
    receipt_pdf,
)
from .party import PARTY_HANDLE, party_case_close
from .records import (
    CONSULTATION_FIELDS,
    EXCEPTION_FIELDS,
    RISK_FIELDS,
    consultation_record,
    consultation_sign,
    exception_record,
    request_flags_set,
    risk_record,
)
from .referrals import (
    REFERRAL_FIELDS,
    REFERRAL_HANDLE,
    referral_acknowledge,
    referral_close,
)
from .serials import (
    certificate_serial,
    commitment_number,
    next_number,
    refusal_notice_no,
)
from .settings import jurisdiction_setting_set
from .verification import (
    DRAW_METHOD,
    SEED_MAX,
    TASK_FIELDS,
    VERIFY,
    commitment_sample,
    draw,
    verification_close,
)

__all__ = [
    "PARTY_HANDLE",
    "party_case_close",
    # referrals.py
    "REFERRAL_FIELDS",
    "REFERRAL_HANDLE",
    "referral_acknowledge",
    "referral_close",
    # the policy's actions and the request's audit fields (common.py)
    "APPROVE",
    "CONFIGURE",
    "FIELDS",
    "HANDLE",
    "SEAL",
    # serials.py
    "certificate_serial",
    "commitment_number",
    "next_number",
    "refusal_notice_no",
    # intake.py
    "MAX_ATTACHMENT_BYTES",
    "TRACKING_BYTES",
    "demand_report",
    "request_attach",
    "RefusedAtOnce",
    "request_create",
    "validate_id_number",
    # online.py
    "ID_DIGITS",
    "Receipt",
    "application_submit",
    "certificate_downloadable",
    "certificate_for_holder",
    "receipt",
    "receipt_pdf",
    # records.py
    "CONSULTATION_FIELDS",
    "EXCEPTION_FIELDS",
    "RISK_FIELDS",
    "consultation_record",
    "consultation_sign",
    "exception_record",
    "request_flags_set",
    "risk_record",
    # issue.py
    "NoUsableSeal",
    "NotIssuable",
    "choose_seal",
    "request_approve",
    "request_confirm",
    "request_issue",
    "request_verify",
    # closing.py
    "REFERABLE_OUTCOMES",
    "REFUSAL_REASON_CODES",
    "request_annul",
    "request_refer",
    "request_refuse",
    "request_transfer",
    "request_withdraw",
    # settings.py
    "jurisdiction_setting_set",
    # commitments.py
    "MAX_SCAN_BYTES",
    "MAX_TEXT",
    "CommitmentNotAllowed",
    "commitment_allowed",
    "commitment_record",
    "default_commitment",
    "default_notification",
    "notification_pdf",
    # verification.py
    "DRAW_METHOD",
    "SEED_MAX",
    "TASK_FIELDS",
    "VERIFY",
    "commitment_sample",
    "draw",
    "verification_close",
    # credit.py
    "CREDIT_CONFIGURE",
    "CREDIT_FIELDS",
    "CREDIT_MANAGE",
    "CREDIT_VIEW",
    "PLATFORM_FIELDS",
    "SUBMISSION_FIELDS",
    "credit_disclosure_set",
    "credit_platform_set",
    "credit_submission_acknowledge",
    # export.py
    "DEFAULT_TIMEOUT",
    "PAYLOAD_SCHEMA",
    "ExportOutcome",
    "credit_export",
    "credit_payload",
]
