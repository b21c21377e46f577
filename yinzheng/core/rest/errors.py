"""One error shape for the whole API: {"code", "message", "detail"}, never a 500 for input."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from yinzheng.core.errors import CoreCode, DomainError

_DRF_CODES = {
    exceptions.NotAuthenticated: (CoreCode.NOT_AUTHENTICATED, _("请先登录")),
    exceptions.AuthenticationFailed: (
        CoreCode.AUTHENTICATION_FAILED,
        _("身份验证失败"),
    ),
    exceptions.PermissionDenied: (CoreCode.NOT_ALLOWED, _("您无权执行此操作")),
    exceptions.NotFound: (CoreCode.NOT_FOUND, _("未找到该记录")),
    exceptions.ValidationError: (CoreCode.INVALID_INPUT, _("输入有误")),
    exceptions.ParseError: (CoreCode.INVALID_INPUT, _("请求内容无法解析")),
    exceptions.MethodNotAllowed: (CoreCode.METHOD_NOT_ALLOWED, _("不支持该请求方法")),
    exceptions.Throttled: (CoreCode.THROTTLED, _("请求过于频繁，请稍后再试")),
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # The code as a plain string: a renderer other than JSON (the schema's YAML)
        # cannot write an enum member.
        return Response({**exc.as_dict(), "code": str(exc.code)}, status=exc.status)
    if isinstance(exc, OverflowError):
        # A whole number past what the database stores (SQLite: 8 bytes) reached a
        # query: the input is out of range, not the server broken (issue 13).
        exc = exceptions.ValidationError(_("数值超出允许的范围"))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    code, message = CoreCode.ERROR, str(_("请求无法完成"))
    for cls, (c, m) in _DRF_CODES.items():
        if isinstance(exc, cls):
            code, message = c, str(m)
            break
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
    elif isinstance(detail, dict) and set(detail) == {"detail"}:
        detail = str(detail["detail"])
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.status_code = status.HTTP_401_UNAUTHORIZED
    response.data = {"code": str(code), "message": str(message), "detail": detail}
    return response
