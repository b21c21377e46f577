"""The registers app's error codes (用印登记簿): stable once released,
clients and tests match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class RegisterCode(ErrorCode):
    ALREADY_ARCHIVED = "already_archived"
    MATTER_ALREADY_REGISTERED = "matter_already_registered"
    METHOD_INVALID = "method_invalid"
    PAPER_REFERENCE_REQUIRED = "paper_reference_required"
    REGISTER_FIELD_UNKNOWN = "register_field_unknown"
    REGISTER_FIELDS_MISSING = "register_fields_missing"
    REGISTER_INVALID = "register_invalid"
    REGISTER_NOT_FOUND = "register_not_found"
    REGISTER_YEAR_ARCHIVED = "register_year_archived"
    UNCONFIRMED_ENTRIES = "unconfirmed_entries"
    YEAR_NOT_OVER = "year_not_over"
