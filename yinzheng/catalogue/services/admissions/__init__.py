"""Admission, exit and filing applications (准入、退出、报备, REQ-021–030, DIV-03, DIV-14).

A department that needs committees to issue a certificate applies to the list owner's
civil affairs bureau on the one form with three types (REQ-021, REQ-025, REQ-026):

    submitted ─▶ in review ─▶ approved ─▶ published      (admission, exit)
        │            └──────▶ rejected
        ├──▶ filed                                          (filing, 报备)
        └──▶ withdrawn (also from "in review")

An admission must carry its basis (REQ-022) and, when that basis is a newly drafted local
rule, a research and justification attachment (REQ-029). Opening the review requests an
opinion from each of the five partner departments and from the townships (REQ-023); the
meeting decides only when every opinion is in. An approved admission needs the
department's guide content (REQ-028) and the rights given to the committee to match the
responsibility (REQ-030); approval writes the item into the list's open draft version,
which the owner then approves and publishes as any other version — publishing marks the
decision published (REQ-024) and lets an admitted item return to a list it once left
(REQ-019). An approved exit removes the item in the next version and withdraws its guide
(REQ-025), unless the law still requires the certificate: then the item is marked "to be
discontinued" and the proposal to amend the law is tracked until it is adopted (REQ-027).

The department's side (submitting, supplying the guide content, withdrawing) is
`submission`; civil affairs' (the joint review, the meeting's decision written into the
list, the law amendment, the filing, publication with the version) is `review`. Callers
use the package: `from yinzheng.catalogue.services import admissions`.
"""

from .review import (
    ApplicationIncomplete,
    application_decide,
    application_file,
    application_law_amendment,
    application_open_review,
    decision_problems,
    on_version_published,
    opinion_record,
)
from .submission import (
    APPLICATION_FIELDS,
    GUIDE_CONTENT_FIELDS,
    MAX_ATTACHMENT_BYTES,
    application_submit,
    application_supply_guide,
    application_withdraw,
    may_act_for_applicant,
    policy_only,
)

__all__ = [
    "APPLICATION_FIELDS",
    "GUIDE_CONTENT_FIELDS",
    "MAX_ATTACHMENT_BYTES",
    "ApplicationIncomplete",
    "application_decide",
    "application_file",
    "application_law_amendment",
    "application_open_review",
    "application_submit",
    "application_supply_guide",
    "application_withdraw",
    "decision_problems",
    "may_act_for_applicant",
    "on_version_published",
    "opinion_record",
    "policy_only",
]
