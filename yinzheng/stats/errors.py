"""The statistics app's error codes (统计): stable once released, clients and tests
match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class StatsCode(ErrorCode):
    DIVISION_OUT_OF_SCOPE = "stats_division_out_of_scope"
    ENTRY_NOT_FOUND = "survey_entry_not_found"
    EXPORT_INVALID = "stats_export_invalid"
    FILTER_INVALID = "stats_filter_invalid"
    RETURN_EMPTY = "return_empty"
    RETURN_NOT_FOUND = "return_not_found"
    RETURN_SUBMITTED = "return_submitted"
    ROW_NOT_FOUND = "row_not_found"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_NOT_FOUND = "survey_not_found"
    SURVEY_UNDISPOSED = "survey_undisposed"
    TABLE_NOT_FOUND = "table_not_found"
    UNIT_INVALID = "unit_invalid"

    # Reports upward, liaisons and assessments (REQ-105, REQ-108–110).
    ASSESSMENT_DATE_INVALID = "assessment_date_invalid"
    ATTACHMENT_TYPE_INVALID = "report_attachment_type_invalid"
    CAMPAIGN_NOT_APPLICABLE = "report_campaign_not_applicable"
    LIAISON_NAME_REQUIRED = "liaison_name_required"
    RATING_INVALID = "assessment_rating_invalid"
    REPORT_ATTACHMENT_REQUIRED = "report_attachment_required"
    REPORT_BODY_REQUIRED = "report_body_required"
    REPORT_NOT_DRAFT = "report_not_draft"
    REPORT_NOT_FOUND = "report_not_found"
    REPORT_NOT_SUBMITTED = "report_not_submitted"
    REPORT_SECTIONS_EMPTY = "report_sections_empty"
    REPORT_SENDER_INVALID = "report_sender_invalid"
    SUMMARIES_INVALID = "report_summaries_invalid"
    SUPERIOR_INVALID = "reporting_superior_invalid"

    # Campaigns (REQ-104–107, DIV-11).
    CAMPAIGN_DATE_INVALID = "campaign_date_invalid"
    CAMPAIGN_EXISTS = "campaign_exists"
    CAMPAIGN_LEVEL_INVALID = "campaign_level_invalid"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_TEMPLATE_UNKNOWN = "campaign_template_unknown"
    COMPLETION_DATE_INVALID = "completion_date_invalid"
    COMPLETION_EXISTS = "completion_exists"
    COMPLETION_INSPECTION_INVALID = "completion_inspection_invalid"
    COMPLETION_NOT_FOUND = "completion_not_found"
    COMPLETION_REPORT_INVALID = "completion_report_invalid"
    COMPLETION_UNIT_INVALID = "completion_unit_invalid"
    DELIVERABLE_NOT_FOUND = "deliverable_not_found"
    PHASE_NOT_FOUND = "phase_not_found"
