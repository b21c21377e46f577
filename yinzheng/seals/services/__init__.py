"""Every write of the seals app, one sub-domain to a module.

- `registry`: a seal's life from issue to destruction — issue, activation, storage
  moves, loss and reissue, replacement, collection, revocation, destruction, and the
  collection task a merged or abolished committee leaves (REQ-059–063, REQ-065); it
  holds the `committee_deactivated` receiver, so importing this package connects it.
- `custody`: the custodian's appointment, take-outs and handovers (REQ-064, REQ-066–068).
- `usage`: sealing, a usage request from submission to the register entry (REQ-050–058).
- `seal`: what they share — the seal's row lock and the check that it may be used.

The names below are those of the modules, so `services.seal_issue(...)` and
`services.usage_seal(...)` keep working; `services.usage` is the sealing module itself.
"""

from .custody import (
    HANDOVER_FIELDS,
    REGISTERS_LINE,
    TAKEOUT_FIELDS,
    custody_appoint,
    handover_cancel,
    handover_check_item,
    handover_confirm,
    handover_due_on,
    handover_open,
    takeout_decide,
    takeout_leave,
    takeout_request,
    takeout_return,
)
from .registry import (
    SEAL_FIELDS,
    collection_task_confirm,
    revocation_reason,
    seal_activate,
    seal_collect,
    seal_destroy,
    seal_issue,
    seal_move_storage,
    seal_reissue,
    seal_replace,
    seal_report_loss,
    seal_revoke,
    seals_block_for_committee,
)
from .seal import REASON_MESSAGES, SealUnusable, lock_seal, require_usable
from .usage import (
    DocumentChanged,
    NotYetSealable,
    gate_problems,
    usage_approve,
    usage_attach_notice,
    usage_record_vote,
    usage_request,
    usage_review,
    usage_seal,
    usage_withdraw,
)

__all__ = [
    # the seal row (seal.py)
    "REASON_MESSAGES",
    "SealUnusable",
    "lock_seal",
    "require_usable",
    # registry.py
    "SEAL_FIELDS",
    "collection_task_confirm",
    "revocation_reason",
    "seal_activate",
    "seal_collect",
    "seal_destroy",
    "seal_issue",
    "seal_move_storage",
    "seal_reissue",
    "seal_replace",
    "seal_report_loss",
    "seal_revoke",
    "seals_block_for_committee",
    # custody.py
    "HANDOVER_FIELDS",
    "REGISTERS_LINE",
    "TAKEOUT_FIELDS",
    "custody_appoint",
    "handover_cancel",
    "handover_check_item",
    "handover_confirm",
    "handover_due_on",
    "handover_open",
    "takeout_decide",
    "takeout_leave",
    "takeout_request",
    "takeout_return",
    # usage.py
    "DocumentChanged",
    "NotYetSealable",
    "gate_problems",
    "usage_approve",
    "usage_attach_notice",
    "usage_record_vote",
    "usage_request",
    "usage_review",
    "usage_seal",
    "usage_withdraw",
]
