"""The supervision app's error codes (监督): stable once released, clients and tests
match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class SupervisionCode(ErrorCode):
    ALERT_NOT_FOUND = "alert_not_found"
    ALERT_NOT_OPEN = "alert_not_open"
    CASE_INCOMPLETE = "case_incomplete"
    CASE_NOT_FOUND = "case_not_found"
    CHECK_NOT_FOUND = "check_not_found"
    COUNTY_REQUIRED = "county_required"
    DEADLINE_INVALID = "deadline_invalid"
    DRAW_NOT_FOUND = "draw_not_found"
    FINDING_KIND_INVALID = "finding_kind_invalid"
    NO_COMMITTEES = "no_committees"
    OUTSIDE_COUNTY = "outside_county"
    DEMAND_UNIT_REQUIRED = "demand_unit_required"
    EVIDENCE_REQUIRED = "evidence_required"
    EXPOSURE_INCOMPLETE = "exposure_incomplete"
    FEEDBACK_REQUIRED = "feedback_required"
    FINDING_NOT_FOUND = "finding_not_found"
    FOLLOW_UP_INVALID = "follow_up_invalid"
    INSPECTION_NOT_FOUND = "inspection_not_found"
    ITEM_CLOSED = "item_closed"
    ITEM_EXISTS = "rectification_item_exists"
    ITEM_NOT_FOUND = "rectification_item_not_found"
    MODE_INVALID = "mode_invalid"
    NOTICE_OR_EXPOSURE_REQUIRED = "notice_or_exposure_required"
    RESPONSIBLE_UNIT_REQUIRED = "responsible_unit_required"
    TEXT_REQUIRED = "text_required"
    TOWNSHIP_REQUIRED = "township_required"
