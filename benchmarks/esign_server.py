"""The WSGI application benchmarks/esign.py serves with gunicorn: the whole project, plus
one bare Django JSON view (/bench/bare/) as the floor, on the same server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the apps are loaded)
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("yinzheng.urls")),
]
settings.ROOT_URLCONF = __name__
