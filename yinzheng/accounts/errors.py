"""The accounts app's error codes (账号与授权): stable once released,
clients and tests match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class AccountCode(ErrorCode):
    ADDRESS_INVALID = "address_invalid"
    ADMIN_GRANT = "admin_grant"
    GRANT_ALREADY_REVOKED = "grant_already_revoked"
    GRANT_EXISTS = "grant_exists"
    GRANT_NOT_FOUND = "grant_not_found"
    OTP_ATTEMPTS_EXHAUSTED = "otp_attempts_exhausted"
    OTP_EXPIRED = "otp_expired"
    OTP_NOT_VERIFIED = "otp_not_verified"
    OTP_PHONE_MISMATCH = "otp_phone_mismatch"
    OTP_THROTTLED = "otp_throttled"
    OTP_UNKNOWN = "otp_unknown"
    OTP_USED = "otp_used"
    OTP_WRONG = "otp_wrong"
    PHONE_NOT_MOBILE = "phone_not_mobile"
    ROLE_INVALID = "role_invalid"
    ROLE_LEVEL_INVALID = "role_level_invalid"
    SELF_GRANT = "self_grant"
    SUPERUSER_ONLY = "superuser_only"
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
