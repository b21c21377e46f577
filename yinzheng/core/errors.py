"""The DomainError tree: every refusal a service makes, with a stable code.

Pages show `message`; the API answers `{"code", "message", "detail"}` with the class's
HTTP status. Codes never change once released: clients and tests match on them.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


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
