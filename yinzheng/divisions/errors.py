"""The divisions app's error codes (行政区划): stable once released,
clients and tests match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class DivisionCode(ErrorCode):
    DIVISION_CODE_INVALID = "division_code_invalid"
    DIVISION_FILE_INVALID = "division_file_invalid"
    MERGE_INTO_SELF = "merge_into_self"
    NOT_A_COMMITTEE = "not_a_committee"
    REFERENCE_REQUIRED = "reference_required"
