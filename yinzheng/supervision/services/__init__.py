"""Supervision's writes (REQ-087–098): one module per process, all re-exported here."""

from .alerts import alert_dismiss, alert_to_check, scan
from .cases import (
    case_close,
    case_correct,
    case_feedback,
    case_from_demand_report,
    case_notify,
    case_register,
    case_report_public,
    case_response,
    case_verify,
    missing_steps,
)
from .checks import check_acknowledge, check_record, settings_update
from .common import settings_for
from .inspections import draw_create, draw_replay, finding_record, inspection_create
from .rectification import (
    finding_to_item,
    item_close,
    item_evidence,
    item_follow_up,
    item_schedule_follow_up,
)

__all__ = [
    "alert_dismiss",
    "alert_to_check",
    "case_close",
    "case_correct",
    "case_feedback",
    "case_from_demand_report",
    "case_notify",
    "case_register",
    "case_report_public",
    "case_response",
    "case_verify",
    "check_acknowledge",
    "check_record",
    "draw_create",
    "draw_replay",
    "finding_record",
    "finding_to_item",
    "inspection_create",
    "item_close",
    "item_evidence",
    "item_follow_up",
    "item_schedule_follow_up",
    "missing_steps",
    "scan",
    "settings_for",
    "settings_update",
]
