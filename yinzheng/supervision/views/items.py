"""Staff pages of the rectification list (整改清单, REQ-096) and its follow-up reviews
(回头看, REQ-097).

Everyone who oversees a committee, and the committee itself, sees its items; open items
past their deadline are flagged. The responsible unit reports what it has done; the
inspector closes the item on that evidence, sets the follow-up date and records what the
follow-up found: a relapse reopens the item as its next round. The list downloads as a
spreadsheet with the same filters.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock, tasks, uploads
from yinzheng.core.web import form_errors

from .. import exports, selectors, services
from ..forms import (
    EvidenceForm,
    FollowUpForm,
    ItemCloseForm,
    ItemFilterForm,
    ScheduleForm,
)
from ..models import RectificationItem
from ..tasks import EXPORT_NAME, export_items
from .common import (
    INSPECT,
    RECTIFY,
    VIEW_RECTIFICATION,
    get_or_404,
    page,
    paginate,
    query_without_page,
    require,
    submit,
)

# Each step: its form, the action it needs, and the state of the item it needs.
STEPS: dict[str, tuple[type[forms.Form], str]] = {
    "evidence": (EvidenceForm, RECTIFY),
    "close": (ItemCloseForm, INSPECT),
    "schedule": (ScheduleForm, INSPECT),
    "follow_up": (FollowUpForm, INSPECT),
}
STEP_TEXT = {
    "evidence": (
        gettext_lazy("提交整改完成情况"),
        gettext_lazy("责任单位登记已采取的整改措施和完成情况。"),
    ),
    "close": (
        gettext_lazy("整改销号"),
        gettext_lazy("整改完成情况登记后方可销号；可同时确定回头看日期。"),  # REQ-097
    ),
    "schedule": (
        gettext_lazy("安排回头看"),
        gettext_lazy("回头看日期不早于销号日期。"),
    ),
    "follow_up": (
        gettext_lazy("登记回头看结果"),
        gettext_lazy("问题反弹的，重新列入整改并确定新的整改时限，记入下一轮。"),
    ),
}


def _filters(request) -> tuple[ItemFilterForm, dict[str, Any]]:
    form = ItemFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, {
            "status": data["status"] or "",
            "overdue": bool(data["overdue"]),
            "follow_up": bool(data["follow_up"]),
        }
    return form, {"status": "", "overdue": False, "follow_up": False}


def _filtered(request, user: Any) -> tuple[ItemFilterForm, QuerySet[RectificationItem]]:
    form, filters = _filters(request)
    return form, selectors.items_listed(user, clock.today(), **filters)


def _my_exports(user: Any) -> list[dict[str, Any]]:
    """The user's latest spreadsheets queued for a worker (YINZHENG_TASKS=database)."""
    found = tasks.rows(export_items, requested_by=user.pk)
    return [
        {
            "id": row.pk,
            "enqueued_at": row.enqueued_at,
            "waiting": row.status in tasks.WAITING,
            "done": row.status == "SUCCESSFUL",
            "rows": (row.return_value or {}).get("rows")
            if row.status == "SUCCESSFUL"
            else None,
            "error": tasks.failure(row) if row.status == "FAILED" else "",
        }
        for row in found[:5]
    ]


@login_required
def item_list(request):
    """REQ-096: the rectification list, overdue rows flagged."""
    user = request.user
    require(user, VIEW_RECTIFICATION)
    form, rows = _filtered(request, user)
    listing = paginate(request, rows)
    late_ids = set(
        selectors.items_overdue(user, clock.today())
        .filter(pk__in=[i.pk for i in listing])
        .values_list("pk", flat=True)
    )
    return page(
        request,
        "supervision/item_list.html",
        {
            "form": form,
            "page": listing,
            "late_ids": late_ids,
            "query": query_without_page(request),
            "may_inspect": policy.can(user, INSPECT),
            "queued": tasks.queued(),
            "exports": _my_exports(user),
        },
    )


@login_required
def item_export(request):
    """The list with the page's filters, as a spreadsheet: made now, or with
    YINZHENG_TASKS=database (a province's list can be long) made by a worker (a POST:
    once while the same one waits) for a later download from the list."""
    user = request.user
    require(user, VIEW_RECTIFICATION)
    if not tasks.queued():
        _form, rows = _filtered(request, user)
        body = exports.items_workbook(list(rows), clock.today())
        return uploads.serve_bytes(
            body, file_type=uploads.XLSX, filename=EXPORT_NAME, fallback="rectification"
        )
    if request.method != "POST":
        return redirect("supervision:items")
    _form, filters = _filters(request)
    arguments = {"requested_by": user.pk, "under": None, **filters}
    if tasks.waiting(export_items, **arguments) is None:
        export_items.enqueue(**arguments)
    messages.info(request, _("已排队生成 Excel，完成后在本页“我的导出”中下载"))
    return redirect("supervision:items")


@login_required
def item_export_file(request, task_id: str):
    """A spreadsheet a worker made, to the one who asked, while they may still see
    the list."""
    user = request.user
    require(user, VIEW_RECTIFICATION)
    row = tasks.get(export_items, task_id)
    if (
        row is None
        or row.args_kwargs["kwargs"].get("requested_by") != user.pk
        or row.status != "SUCCESSFUL"
    ):
        raise Http404
    result = row.return_value
    try:
        body = tasks.export_read(result)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return uploads.serve_bytes(
        body,
        file_type=uploads.XLSX,
        filename=result["filename"],
        fallback="rectification",
    )


def _item_or_404(user: Any, pk: int) -> RectificationItem:
    require(user, VIEW_RECTIFICATION)
    return get_or_404(
        selectors.items(user).select_related("finding__criticism", "county"), pk
    )


def _steps(user: Any, item: RectificationItem) -> list[str]:
    """The steps the item's state leads to, where the user may take them."""
    allowed = policy.allowed_actions(user, item)
    return [step for step in STEPS if step in allowed]


def _initial(step: str, item: RectificationItem) -> dict[str, Any]:
    initial: dict[str, dict[str, Any]] = {
        "evidence": {"evidence": item.evidence},
        "schedule": {"on": item.follow_up_on},
    }
    return initial.get(step, {})


def _detail(
    request, item: RectificationItem, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user = request.user
    today = clock.today()
    step_forms = []
    for step in _steps(user, item):
        if bound is not None and bound[0] == step:
            form = bound[1]
        else:
            form = STEPS[step][0](initial=_initial(step, item))
        title, note = STEP_TEXT[step]
        step_forms.append({"name": step, "title": title, "note": note, "form": form})
    rounds: dict[int, list[Any]] = {}
    for event in item.events.select_related("by").order_by("at", "pk"):
        rounds.setdefault(event.round, []).append(event)
    finding = item.finding
    return page(
        request,
        "supervision/item_detail.html",
        {
            "item": item,
            "finding": finding,
            "criticism": getattr(finding, "criticism", None),
            # The inspection is linked only for whom may open it.
            "inspection_open": finding.inspection_id is not None
            and selectors.inspections(user).filter(pk=finding.inspection_id).exists(),
            "rounds": sorted(rounds.items()),
            "overdue": selectors.items_overdue(user, today).filter(pk=item.pk).exists(),
            "follow_up_due": selectors.follow_ups_due(user, today)
            .filter(pk=item.pk)
            .exists(),
            "steps": step_forms,
            "bound": bound[0] if bound else "",
        },
    )


@login_required
def item_detail(request, pk: int):
    item = _item_or_404(request.user, pk)
    return _detail(request, item)


@login_required
@require_POST
def item_step(request, pk: int, step: str):
    user = request.user
    if step not in STEPS:
        raise Http404
    item = _item_or_404(user, pk)
    form_class, action = STEPS[step]
    require(user, action, item)  # REQ-098: reading is not acting
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _detail(request, item, (step, form))
    data = form.cleaned_data
    calls = {
        "evidence": (
            lambda: services.item_evidence(
                actor=user, item_id=pk, evidence=data["evidence"]
            ),
            _("已提交整改完成情况"),
        ),
        "close": (
            lambda: services.item_close(
                actor=user,
                item_id=pk,
                evidence=data["evidence"],
                follow_up_on=data["follow_up_on"],
            ),
            _("已销号"),
        ),
        "schedule": (
            lambda: services.item_schedule_follow_up(
                actor=user, item_id=pk, on=data["on"]
            ),
            _("已安排回头看"),
        ),
        "follow_up": (
            lambda: services.item_follow_up(
                actor=user,
                item_id=pk,
                relapse=data["relapse"],
                note=data["note"],
                deadline=data["deadline"],
            ),
            _("已登记回头看结果"),
        ),
    }
    call, success = calls[step]
    if submit(request, form, call, success) is None:
        return _detail(request, item, (step, form))
    return redirect("supervision:item", pk=pk)
