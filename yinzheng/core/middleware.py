"""Request guards: bad bytes never reach the database, domain errors become pages."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from yinzheng.core.errors import CoreCode

from .errors import DomainError, InvalidInput


class RejectBadInputMiddleware:
    """A NUL character in the path or a parameter is refused with 400 before any view
    runs: PostgreSQL cannot store it and would otherwise answer with an error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *request.GET.keys()]
        values += [v for vs in request.GET.lists() for v in vs[1]]
        if any("\x00" in v for v in values):
            error = InvalidInput(code=CoreCode.NUL_CHARACTER)
            if request.path.startswith("/api/"):
                return JsonResponse(error.as_dict(), status=400)
            return HttpResponseBadRequest(str(error.message))
        return self.get_response(request)


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(
                request,
                "core/error.html",
                {"error": exception},
                status=exception.status,
            )
        return None


class LanguageMiddleware(LocaleMiddleware):
    """Pages are Chinese unless the user chose English with the switch (a cookie); the
    browser's Accept-Language is not consulted, so an English-language browser on a
    township PC still gets the Chinese pages. API clients may ask by Accept-Language."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Staff pages and API answers hold personal data: no browser, proxy or shared
    computer may keep a copy (`Cache-Control: no-store, private`, issue 13). Applies to
    every response to a signed-in user and to every API response (a token caller is
    known only inside the view), unless the view chose its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or request.path.startswith("/api/")) and (
            "Cache-Control" not in response
        ):
            add_never_cache_headers(response)
        return response
