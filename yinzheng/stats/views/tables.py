"""Staff pages of the statistics table 《应由基层群众性自治组织出具证明事项统计表》
(REQ-100–102).

The county bureau opens a table and follows every township and department: not
started, filling in, submitted, late (REQ-102). A township or a department opens its
own return, fills it row by row in the official columns (REQ-101) and submits it; a
submitted return is read-only. Both the return and the county's consolidated table
export as a spreadsheet or a PDF.

The pages hold no rules: stats.services decides and its refusals are shown (a refusal
of the action itself is a 403); the lists come from stats.selectors and
`visible_to`, so an object outside the user's scope is a 404.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode, DomainError, NotAllowed, NotFound
from yinzheng.core.web import attempt, show_error
from yinzheng.divisions.models import Division

from .. import exports, selectors, services
from ..choices import ReturnStatus, UnitStatus
from ..errors import StatsCode
from ..forms import RowForm, SubmitForm, TableForm
from ..models import StatsTable, TableReturn, TableRow
from ..services.tables import ROW_FIELDS

M = TypeVar("M", bound=Model)

VIEW, MANAGE, FILL = "stats.view", "stats.table_manage", "stats.fill"
PAGE_SIZE = 20
CHOICES_LIMIT = 2000
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

# A refusal's code → the form field it concerns (else it goes on the form as a whole).
CODE_FIELDS: dict[str, str] = {
    CoreCode.DIVISION_NOT_FOUND: "county",
    CoreCode.DEPARTMENT_REQUIRED: "departments",
    CoreCode.TEXT_TOO_LONG: "note",
    StatsCode.RETURN_EMPTY: "confirmed",
}


def _require(user: Any, action: str, obj: Any = None) -> None:
    """403 unless the user may take `action` (on `obj`, or anywhere)."""
    if not policy.can(user, action, obj):
        raise PermissionDenied


def _get_or_404(rows: QuerySet[M], pk: int) -> M:
    """The row among those the user sees (`rows` is already `visible_to`), else 404."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _submit(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], Any],
    success: str,
    fields: Mapping[str, str] = CODE_FIELDS,
) -> Any:
    """One service call: its result, or None with the refusal on `form` and as a
    message (a refusal of the action itself is a 403, an unknown object a 404)."""
    try:
        result = call()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        show_error(form, exc, fields)
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def _returns(user: Any) -> QuerySet[TableReturn]:
    return TableReturn.objects.visible_to(user).select_related(
        "table__county", "division", "started_by", "submitted_by"
    )


def _return_or_404(user: Any, pk: int) -> TableReturn:
    _require(user, VIEW)
    return _get_or_404(_returns(user), pk)


def _row_or_404(user: Any, pk: int) -> TableRow:
    _require(user, VIEW)
    return _get_or_404(
        TableRow.objects.filter(table_return__in=_returns(user)).select_related(
            "table_return__table__county"
        ),
        pk,
    )


def _unit_label(township: str, department: str, names: Mapping[str, str]) -> str:
    if department:
        return str(Department(department).label)
    return names.get(township, township)


def _to_fill(user: Any, table: StatsTable | None = None) -> list[dict[str, Any]]:
    """The returns the user's units must still submit (REQ-100), each with what the
    "open my return" button posts."""
    if not policy.can(user, FILL):
        return []
    found = [
        (t, code, dept)
        for t, code, dept in selectors.returns_to_fill(user)
        if table is None or t.pk == table.pk
    ]
    names = dict(
        Division.objects.filter(
            code__in={code for _t, code, _d in found if code}
        ).values_list("code", "name")
    )
    opened = {
        (r.table_id, r.division_id if not r.department else "", r.department): r
        for r in TableReturn.objects.filter(
            table_id__in={t.pk for t, _c, _d in found}
        ).visible_to(user, FILL)
    }
    return [
        {
            "table": t,
            "township": code,
            "department": dept,
            "unit": _unit_label(code, dept, names),
            "return": opened.get((t.pk, code, dept)),
        }
        for t, code, dept in found
    ]


def _fills(user: Any, ret: TableReturn) -> bool:
    """Whether the page offers the forms (policy.allowed_actions: a draft of one of
    the user's own units); the services decide again on every POST."""
    return policy.allowed_actions(user, ret)["fill"]


def _counts(units: list[selectors.UnitRow]) -> list[dict[str, Any]]:
    return [
        {
            "status": status,
            "label": label,
            "count": sum(1 for u in units if u.status == status),
        }
        for status, label in UnitStatus.choices
    ]


# The tables -------------------------------------------------------------------------


@login_required
def table_list(request):
    """The bureau's tables with its units counted by status (REQ-102); for a township
    or a department, the tables its unit must fill (REQ-100)."""
    user = request.user
    _require(user, VIEW)
    today = clock.today()
    listing = Paginator(selectors.tables(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stats/table_list.html",
        {
            "to_fill": _to_fill(user),
            "page": listing,
            "tables": [
                {
                    "table": t,
                    "counts": _counts(selectors.unit_statuses(t, today)),
                    "past": today > t.deadline,
                }
                for t in listing
            ],
            "may_manage": policy.can(user, MANAGE),
        },
    )


@login_required
def table_new(request):
    """REQ-102: the bureau opens the table with its deadline and departments."""
    user = request.user
    _require(user, MANAGE)
    counties = (
        Division.objects.filter(level=Level.COUNTY)
        .in_scope_of(user, MANAGE)
        .order_by("code")[:CHOICES_LIMIT]
    )
    form = TableForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        table = _submit(
            request,
            form,
            lambda: services.table_create(
                actor=user,
                county_code=data["county"],
                deadline=data["deadline"],
                departments=list(data["departments"]),
                note=data["note"],
            ),
            _("已发布统计表，各乡镇（街道）和部门可以填报"),
        )
        if table is not None:
            return redirect(table.get_absolute_url())
    return render(request, "stats/table_new.html", {"form": form})


@login_required
def table_detail(request, pk: int):
    """REQ-102: every township and department with its status against the deadline."""
    user = request.user
    _require(user, VIEW)
    table = _get_or_404(selectors.tables(user), pk)
    today = clock.today()
    units = selectors.unit_statuses(table, today)
    visible = set(_returns(user).filter(table=table).values_list("pk", flat=True))
    return render(
        request,
        "stats/table_detail.html",
        {
            "table": table,
            "units": [
                {
                    "unit": u,
                    "link": u.table_return is not None
                    and u.table_return.pk in visible
                    and u.status == UnitStatus.SUBMITTED,
                }
                for u in units
            ],
            "counts": _counts(units),
            "past": today > table.deadline,
            "to_fill": _to_fill(user, table),
            "department_names": [Department(d).label for d in table.departments],
        },
    )


def _export(
    fmt: str, *, title: str, unit: str, date: Any, rows: list[TableRow], name: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    if fmt == "pdf":
        body = exports.table_pdf(
            title=title, unit=unit, date=date, rows=rows, made_at=clock.now()
        )
    else:
        body = exports.table_xlsx(title=title, unit=unit, date=date, rows=rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


@login_required
def table_export(request, pk: int):
    """REQ-101: the county's table, every submitted return's rows."""
    user = request.user
    _require(user, VIEW)
    table = _get_or_404(selectors.tables(user), pk)
    unit = _("%(county)s民政局（汇总）") % {"county": table.county.name}
    return _export(
        request.GET.get("format", "xlsx"),
        title=table.title,
        unit=unit,
        date=clock.today(),
        rows=selectors.consolidated_rows(table),
        name=f"{table.county.name}{table.title}（汇总）",
    )


# A unit's return --------------------------------------------------------------------


@login_required
@require_POST
def return_open(request, pk: int):
    """The unit's return, started now if it has none (REQ-100)."""
    user = request.user
    _require(user, FILL)
    try:
        ret = services.return_open(
            actor=user,
            table_id=pk,
            township_code=request.POST.get("township_code") or None,
            department=request.POST.get("department", ""),
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("stats:tables")
    return redirect(ret.get_absolute_url())


def _return_page(
    request: HttpRequest,
    ret: TableReturn,
    *,
    row_form: forms.Form | None = None,
    submit_form: forms.Form | None = None,
) -> HttpResponse:
    """The return page; a refused form comes back with its errors on it."""
    user = request.user
    fills = _fills(user, ret)
    return render(
        request,
        "stats/return_detail.html",
        {
            "ret": ret,
            "table": ret.table,
            "rows": list(selectors.rows_of(ret)),
            "fills": fills,
            "row_form": row_form or (RowForm() if fills else None),
            "submit_form": submit_form or (SubmitForm() if fills else None),
            "late": (
                timezone.localdate(ret.submitted_at) > ret.table.deadline
                if ret.submitted_at
                else clock.today() > ret.table.deadline
            ),
            "sees_table": selectors.tables(user).filter(pk=ret.table_id).exists(),
        },
    )


@login_required
def return_detail(request, pk: int):
    """REQ-101: the rows in the official columns; forms while the unit fills it."""
    return _return_page(request, _return_or_404(request.user, pk))


@login_required
@require_POST
def row_add(request, pk: int):
    user = request.user
    ret = _return_or_404(user, pk)
    _require(user, FILL, ret)
    form = RowForm(request.POST)
    if form.is_valid():
        row = _submit(
            request,
            form,
            lambda: services.row_add(
                actor=user, return_id=ret.pk, values=form.cleaned_data
            ),
            _("已添加一行"),
        )
        if row is not None:
            return redirect(f"{ret.get_absolute_url()}#row-{row.pk}")
        if ret.status != ReturnStatus.DRAFT:
            return redirect(ret.get_absolute_url())
    return _return_page(request, ret, row_form=form)


@login_required
def row_edit(request, pk: int):
    user = request.user
    row = _row_or_404(user, pk)
    ret = row.table_return
    if request.method == "POST":
        _require(user, FILL, ret)
        form = RowForm(request.POST)
        if form.is_valid():
            done = _submit(
                request,
                form,
                lambda: services.row_update(
                    actor=user, row_id=row.pk, values=form.cleaned_data
                ),
                _("已修改该行"),
            )
            if done is not None or ret.status != ReturnStatus.DRAFT:
                return redirect(f"{ret.get_absolute_url()}#row-{row.pk}")
    elif not _fills(user, ret):
        messages.error(
            request,
            _("已报送，不能再修改")
            if ret.status != ReturnStatus.DRAFT
            else _("只有本单位可以修改本单位的统计表"),
        )
        return redirect(ret.get_absolute_url())
    else:
        form = RowForm(initial={f: getattr(row, f) for f in ROW_FIELDS})
    return render(
        request, "stats/row_edit.html", {"row": row, "ret": ret, "form": form}
    )


@login_required
@require_POST
def row_delete(request, pk: int):
    user = request.user
    row = _row_or_404(user, pk)
    ret = row.table_return
    _require(user, FILL, ret)
    attempt(
        request,
        lambda: services.row_delete(actor=user, row_id=row.pk),
        _("已删除该行，其后各行序号前移"),
    )
    return redirect(ret.get_absolute_url())


@login_required
@require_POST
def return_submit(request, pk: int):
    """REQ-102: the unit reports its table to the bureau."""
    user = request.user
    ret = _return_or_404(user, pk)
    _require(user, FILL, ret)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请勾选确认后再报送"))
        return redirect(ret.get_absolute_url())
    _submit(
        request,
        form,
        lambda: services.return_submit(actor=user, return_id=ret.pk),
        _("已报送统计表"),
    )
    return redirect(ret.get_absolute_url())


@login_required
def return_export(request, pk: int):
    """REQ-101: one unit's table, as a spreadsheet or a PDF."""
    user = request.user
    ret = _return_or_404(user, pk)
    date = timezone.localdate(ret.submitted_at) if ret.submitted_at else clock.today()
    return _export(
        request.GET.get("format", "xlsx"),
        title=ret.table.title,
        unit=ret.unit_name,
        date=date,
        rows=list(selectors.rows_of(ret)),
        name=f"{ret.unit_name}{ret.table.title}",
    )
