"""Error pages: a page in the site's style, or the API's JSON error for /api/ paths."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt

from .web import same_origin


def _http_error(request, status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        code = {400: "invalid_input", 403: "not_allowed", 404: "not_found"}[status]
        return JsonResponse(
            {"code": code, "message": message, "detail": None}, status=status
        )
    return render(
        request,
        "core/http_error.html",
        {"title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return _http_error(
        request, 400, _("请求有误"), _("提交的内容无法识别，请检查后重试。")
    )


def permission_denied(request, exception=None):
    return _http_error(request, 403, _("无权访问"), _("您无权查看此页面或执行此操作。"))


def page_not_found(request, exception=None):
    return _http_error(
        request, 404, _("未找到"), _("您要找的页面或记录不存在，或不在您的管辖范围内。")
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("系统错误，请稍后再试"),
                "detail": None,
            },
            status=500,
        )
    return render(request, "core/500.html", status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for by themselves: the project's icon, at its
    static address (hashed once collectstatic has run, so asked at request time)."""
    from django.templatetags.static import static

    return redirect(static("yinzheng/favicon.svg"))


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch without a CSRF token: the switch is on every page, and
    a token would make each visitor's copy of a public page different (the kept
    verification page, issue 15). It changes nothing but a cookie; a post from another
    site is still refused (core.web.same_origin)."""
    if request.method == "POST" and not same_origin(request):
        raise PermissionDenied
    return i18n.set_language(request)
