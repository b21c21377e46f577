"""The WSGI application benchmarks/stats_dashboard.py serves with gunicorn: the whole
project, plus two floors on the same server — a bare Django JSON view (/bench/bare/)
and the dashboard's figures as plain SQL (/bench/sql/?division=…&from=…&to=…, see
benchmarks/_stats_floor.py), no login, no template."""

import datetime as dt
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the apps are loaded)
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from benchmarks import _stats_floor  # noqa: E402


def bare(request):
    return JsonResponse({"ok": True})


def sql(request):
    division = request.GET["division"]
    first = dt.date.fromisoformat(request.GET["from"])
    last = dt.date.fromisoformat(request.GET["to"])
    today = dt.date.fromisoformat(
        request.GET.get("today") or dt.date.today().isoformat()
    )
    with connection.cursor() as cursor:
        figures = _stats_floor.run(cursor, division, first, last, today)
    return JsonResponse(
        {
            label: [list(map(str, row)) for row in rows]
            for label, rows in figures.items()
        }
    )


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/sql/", sql),
    path("", include("yinzheng.urls")),
]
settings.ROOT_URLCONF = __name__
