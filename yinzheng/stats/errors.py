"""The statistics app's error codes (统计): stable once released, clients and tests
match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class StatsCode(ErrorCode):
    ENTRY_NOT_FOUND = "survey_entry_not_found"
    RETURN_EMPTY = "return_empty"
    RETURN_NOT_FOUND = "return_not_found"
    RETURN_SUBMITTED = "return_submitted"
    ROW_NOT_FOUND = "row_not_found"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_NOT_FOUND = "survey_not_found"
    SURVEY_UNDISPOSED = "survey_undisposed"
    TABLE_NOT_FOUND = "table_not_found"
    UNIT_INVALID = "unit_invalid"
