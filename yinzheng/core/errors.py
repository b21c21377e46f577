"""The DomainError tree: every refusal a service makes, with a stable code.

Pages show `message`; the API answers `{"code", "message", "detail"}` with the class's
HTTP status. Codes never change once released: clients and tests match on them.

Every code is a member of an `ErrorCode` enum: `CoreCode` here for the codes several apps
share, one enum per app in `<app>/codes.py` for the rest. `error_codes()` collects them
all (the API schema's error component lists them), so a code cannot be invented at a
raise site: mypy refuses a plain string.
"""

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """Base of every app's error codes (a member is its own string: "not_found")."""


class CoreCode(ErrorCode):
    """The codes of core's own errors, of the API's error handler, and those several
    apps raise alike."""

    ALREADY_CONFIRMED = "already_confirmed"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    AUTHENTICATION_FAILED = "authentication_failed"
    COMMITTEE_INACTIVE = "committee_inactive"
    COMMITTEE_NOT_FOUND = "committee_not_found"
    CONFLICT = "conflict"
    COPIES_INVALID = "copies_invalid"
    DEPARTMENT_INVALID = "department_invalid"
    DEPARTMENT_REQUIRED = "department_required"
    DIVISION_NOT_FOUND = "division_not_found"
    DOCUMENT_REQUIRED = "document_required"
    DOCUMENT_TOO_LARGE = "document_too_large"
    DOMAIN_ERROR = "domain_error"
    ENTRY_NOT_FOUND = "entry_not_found"
    ERROR = "error"
    FILE_TYPE_INVALID = "file_type_invalid"
    INVALID_INPUT = "invalid_input"
    INVALID_TRANSITION = "invalid_transition"
    ITEM_NOT_FOUND = "item_not_found"
    KIND_INVALID = "kind_invalid"
    LOGIN_THROTTLED = "login_throttled"
    MASTER_KEY_INVALID = "master_key_invalid"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ALLOWED = "not_allowed"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    NOT_THE_CUSTODIAN = "not_the_custodian"
    NOTE_REQUIRED = "note_required"
    NUL_CHARACTER = "nul_character"
    PERSONAL_DATA_BROKEN = "personal_data_broken"
    PERSON_REQUIRED = "person_required"
    PHONE_INVALID = "phone_invalid"
    PURPOSE_REQUIRED = "purpose_required"
    REASON_REQUIRED = "reason_required"
    SEAL_NOT_ACTIVE = "seal_not_active"
    SEAL_NOT_FOUND = "seal_not_found"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    SERIAL_REQUIRED = "serial_required"
    SERIAL_TAKEN = "serial_taken"
    SIGNATURE_REQUIRED = "signature_required"
    SMS_FAILED = "sms_failed"
    SIGNATURE_TOO_LARGE = "signature_too_large"
    STALE_CONTENT = "stale_content"
    TASK_CLOSED = "task_closed"
    TASK_NOT_FOUND = "task_not_found"
    TEXT_TOO_LONG = "text_too_long"
    THROTTLED = "throttled"
    TRIGGER_INVALID = "trigger_invalid"
    USER_NOT_FOUND = "user_not_found"


def _all_enums(cls: type[ErrorCode]) -> Iterator[type[ErrorCode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_enums(sub)


def error_codes() -> dict[str, list[str]]:
    """Every known code, with the enums that name it (apps import their errors module
    when they load, so after django.setup() the registry is complete)."""
    found: dict[str, list[str]] = {}
    for enum in _all_enums(ErrorCode):
        for member in enum:
            found.setdefault(member.value, []).append(enum.__name__)
    return dict(sorted(found.items()))


class DomainError(Exception):
    code: ErrorCode = CoreCode.DOMAIN_ERROR
    message: Any = _("操作无法完成")
    status: int = 400

    def __init__(
        self,
        message: Any = None,
        *,
        code: ErrorCode | None = None,
        detail: Any = None,
    ) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            if not isinstance(code, ErrorCode):
                # A code is a member of an app's ErrorCode enum, never a bare string:
                # the API schema lists them all and clients switch on them.
                raise TypeError(f"error code {code!r} is not an ErrorCode member")
            self.code = code
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class InvalidInput(DomainError):
    code: ErrorCode = CoreCode.INVALID_INPUT
    message = _("输入有误")
    status = 400


class NotAllowed(DomainError):
    code: ErrorCode = CoreCode.NOT_ALLOWED
    message = _("您无权执行此操作")
    status = 403


class NotFound(DomainError):
    code: ErrorCode = CoreCode.NOT_FOUND
    message = _("未找到该记录")
    status = 404


class Conflict(DomainError):
    code: ErrorCode = CoreCode.CONFLICT
    message = _("当前状态不允许此操作")
    status = 409


class InvalidTransition(Conflict):
    code: ErrorCode = CoreCode.INVALID_TRANSITION
    message = _("当前状态不允许此操作")


class SeparationOfDuties(NotAllowed):
    """Who may not do this, for this matter (DIV-01): a refusal of the person, 403."""

    code: ErrorCode = CoreCode.SEPARATION_OF_DUTIES
    message = _("印章管理人不得同时是该次用印的审核人或签批人")


class StaleContent(Conflict):
    code: ErrorCode = CoreCode.STALE_CONTENT
    message = _("内容已在审批后改变")


class LoginThrottled(DomainError):
    code: ErrorCode = CoreCode.LOGIN_THROTTLED
    message = _("登录失败次数过多，请稍后再试")
    status = 429


class Throttled(DomainError):
    """Too many tries from one phone number or address: come back later (429)."""

    code: ErrorCode = CoreCode.THROTTLED
    message = _("请求过于频繁，请稍后再试")
    status = 429
