"""The accounts app's error codes (账号与授权): stable once released,
clients and tests match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class AccountCode(ErrorCode):
    ADDRESS_INVALID = "address_invalid"
    ADMIN_GRANT = "admin_grant"
    GRANT_ALREADY_REVOKED = "grant_already_revoked"
    GRANT_EXISTS = "grant_exists"
    GRANT_NOT_FOUND = "grant_not_found"
    ROLE_INVALID = "role_invalid"
    ROLE_LEVEL_INVALID = "role_level_invalid"
    SELF_GRANT = "self_grant"
    SUPERUSER_ONLY = "superuser_only"
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
