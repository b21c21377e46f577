"""The statistics dashboard (统计分析, REQ-103): certificate cases, seal uses and
supervision work of one division over one period, as charts, each with its table beside
it and its CSV / xlsx export.

    /stats/dashboard/?division=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD
    … &export=<chart>|all&format=csv|xlsx

The URL is a contract (the benchmark and bookmarks use it): every parameter optional,
the viewer's own division and the year so far by default. The page holds no rules:
`analysis.parse_filters` decides what may be asked (a division outside the viewer's
scope is a 403 with its reason, a malformed value the page again with the reason, 400)
and `analysis.figures` counts, in a fixed handful of queries.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import InvalidInput
from yinzheng.core.replicas import read_replica
from yinzheng.divisions.models import Division

from .. import analysis, charts
from ..errors import StatsCode

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHOICES_LIMIT = 500


class ExportError(InvalidInput):
    code = StatsCode.EXPORT_INVALID


def division_choices(user: Any, current: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the divisions the form offers: the viewer's top nodes and the
    level below them, and the chosen division with the level below it (one query)."""
    tops = list(policy.scope(user, analysis.DASHBOARD).codes)
    shown = tops + ([current] if current else [])
    rows = (
        Division.objects.filter(Q(code__in=shown) | Q(parent_id__in=shown))
        .order_by("code")
        .values_list("code", "name", "level")[:CHOICES_LIMIT]
    )
    return [
        (code, f"{'　' * max(0, level - 1)}{name}（{code}）")
        for code, name, level in rows
    ]


def dashboard_context(user: Any, figures: analysis.Figures) -> dict[str, Any]:
    """What templates/stats/_dashboard.html needs (the page and the home page)."""
    drawn = charts.charts(figures)
    params = figures.filters.as_params()
    return {
        "figures": figures,
        "filters": figures.filters,
        "charts": drawn,
        "chart_data": {c.key: c.data() for c in drawn},
        "query": urlencode(params),
        "division_choices": division_choices(user, figures.filters.division_code),
        "drill": figures.filters.level < Level.COMMITTEE,
        "key": {
            "issued": sum(
                figures.cases.outcome(k) for k in ("issued", "exception", "special")
            ),
            "refused": figures.cases.outcome("refused"),
            "seal_uses": sum(b.count for b in figures.seal_uses),
        },
    }


def _export(figures: analysis.Figures, key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise ExportError(
            _("不支持的导出格式：%(format)s（可选：csv、xlsx）") % {"format": fmt[:20]}
        )
    selected = charts.selected(figures, key)
    if not selected:
        raise ExportError(
            _("没有这个图表：%(chart)s（可选：%(keys)s）")
            % {"chart": key[:40], "keys": "、".join((*charts.KEYS, charts.ALL))}
        )
    body = (charts.to_csv if fmt == "csv" else charts.to_xlsx)(figures, selected)
    f = figures.filters
    title = _("统计分析") if key == charts.ALL else selected[0].title
    name = f"{f.division_name}{title}_{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}.{fmt}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@read_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """REQ-103: the figures of a division the viewer may see, for any period."""
    user = request.user
    if not policy.can(user, analysis.DASHBOARD):
        raise PermissionDenied
    today = clock.today()
    # A division outside the scope raises OutOfScope: the error page, 403, says why.
    try:
        filters = analysis.parse_filters(user, request.GET, today=today)
    except (analysis.FilterError, analysis.UnknownDivision) as exc:
        return render(
            request,
            "stats/dashboard.html",
            {
                "error": exc,
                "asked": request.GET,
                "division_choices": division_choices(user),
            },
            status=exc.status,
        )
    figures = analysis.figures(filters, today=today)
    export = request.GET.get("export")
    if export is not None:
        try:
            return _export(figures, export, request.GET.get("format", "xlsx"))
        except ExportError as exc:
            return render(
                request,
                "stats/dashboard.html",
                {"error": exc, **dashboard_context(user, figures)},
                status=400,
            )
    return render(request, "stats/dashboard.html", dashboard_context(user, figures))
