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


def _all_enums(cls: type[ErrorCode]) -> Iterator[type[ErrorCode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_enums(sub)


def error_codes() -> dict[str, list[str]]:
    """Every known code, with the enums that name it (apps import their codes module
    when they load, so after django.setup() the registry is complete)."""
    found: dict[str, list[str]] = {}
    for enum in _all_enums(ErrorCode):
        for member in enum:
            found.setdefault(member.value, []).append(enum.__name__)
    return dict(sorted(found.items()))


class DomainError(Exception):
    code: str = "domain_error"
    message: Any = _("操作无法完成")
    status: int = 400

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        detail: Any = None,
    ) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class InvalidInput(DomainError):
    code = "invalid_input"
    message = _("输入有误")
    status = 400


class NotAllowed(DomainError):
    code = "not_allowed"
    message = _("您无权执行此操作")
    status = 403


class NotFound(DomainError):
    code = "not_found"
    message = _("未找到该记录")
    status = 404


class Conflict(DomainError):
    code = "conflict"
    message = _("当前状态不允许此操作")
    status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = _("当前状态不允许此操作")


class SeparationOfDuties(NotAllowed):
    """Who may not do this, for this matter (DIV-01): a refusal of the person, 403."""

    code = "separation_of_duties"
    message = _("印章管理人不得同时是该次用印的审核人或签批人")


class StaleContent(Conflict):
    code = "stale_content"
    message = _("内容已在审批后改变")


class LoginThrottled(DomainError):
    code = "login_throttled"
    message = _("登录失败次数过多，请稍后再试")
    status = 429
