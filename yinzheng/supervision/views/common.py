"""What the supervision pages share: the view checks (403 for a page the user may not
open, 404 for an object outside their scope), the service call whose refusal lands on
its form, the pager's query string, the division choices of the forms and the labels
of the journal's events.

REQ-098: the city and the province hold the view actions but none of the writes (the
writes are for grants at the county or below), so every form below is offered only
where `policy.can` says so, and every POST asks the policy before it reads the form:
their POSTs are 403.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import events
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode, DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..errors import SupervisionCode

M = TypeVar("M", bound=Model)

VIEW = "supervision.view"
VIEW_RECTIFICATION = "supervision.view_rectification"
CASE = "supervision.case"
INSPECT = "supervision.inspect"
RECTIFY = "supervision.rectify"
CHECK = "supervision.check"
ACKNOWLEDGE = "supervision.acknowledge"
ALERT = "supervision.alert"
ALERT_DECIDE = "supervision.alert_decide"
SETTINGS = "supervision.settings"

PAGE_SIZE = 50
CHOICES_LIMIT = 2000

# A refusal's code → the form field it concerns (else it goes on the form as a whole).
CODE_FIELDS: dict[str, str] = {
    SupervisionCode.DEMAND_UNIT_REQUIRED: "demanding_unit",
    SupervisionCode.EXPOSURE_INCOMPLETE: "exposure_platform",
    SupervisionCode.DEADLINE_INVALID: "deadline",
    SupervisionCode.RESPONSIBLE_UNIT_REQUIRED: "responsible_unit",
    SupervisionCode.EVIDENCE_REQUIRED: "evidence",
    SupervisionCode.FOLLOW_UP_INVALID: "follow_up_on",
    SupervisionCode.FEEDBACK_REQUIRED: "text",
    SupervisionCode.COUNTY_REQUIRED: "county",
    SupervisionCode.MODE_INVALID: "mode",
    SupervisionCode.FINDING_NOT_FOUND: "register_seqs",
    CoreCode.PHONE_INVALID: "contact_phone",
    CoreCode.COMMITTEE_NOT_FOUND: "committee",
}

# The journal's events about supervision objects, as the history tables name them.
EVENT_LABELS: dict[str, Any] = {
    "supervision.case_registered": _("登记投诉"),
    "supervision.case_verified": _("核实"),
    "supervision.case_notified": _("通报或公开曝光"),
    "supervision.case_feedback_sent": _("反馈主管部门"),
    "supervision.case_responded": _("登记整改答复"),
    "supervision.case_corrected": _("登记上级主管部门纠正"),
    "supervision.case_closed": _("办结"),
    "supervision.draw": _("抽取督查对象"),
    "supervision.inspection_created": _("登记督查"),
    "supervision.finding_recorded": _("记录发现的问题"),
    "supervision.criticism_issued": _("通报批评"),
    "supervision.item_opened": _("列入整改清单"),
    "supervision.item_evidence": _("提交整改材料"),
    "supervision.item_closed": _("整改销号"),
    "supervision.item_follow_up_scheduled": _("安排回头看"),
    "supervision.item_follow_up_clean": _("回头看未发现反弹"),
    "supervision.item_relapse": _("回头看发现反弹，重新整改"),
    "supervision.check_recorded": _("记录检查"),
    "supervision.check_acknowledged": _("村（居）委会确认收到"),
    "supervision.alert_raised": _("发出预警"),
    "supervision.alert_dismissed": _("排除预警"),
    "supervision.alert_checked": _("预警转为检查"),
    "supervision.settings_updated": _("修改监督设置"),
}


def require(user: Any, action: str, obj: Any = None) -> None:
    """403 unless the user may take `action` (on `obj`, or anywhere)."""
    if not policy.can(user, action, obj):
        raise PermissionDenied


def get_or_404(rows: QuerySet[M], pk: int) -> M:
    """The row among those the user sees (`rows` is already `visible_to`), else 404."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[], Any],
    success: str,
    fields: Mapping[str, str] = CODE_FIELDS,
) -> Any:
    """One service call: its result, or None with the refusal on `form` (a refusal of
    the action itself is a 403, as in core.web.attempt)."""
    try:
        result = call()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if isinstance(form, forms.Form):
            show_error(form, exc, fields)
        else:  # a ModelForm (the settings): on the form as a whole
            form.add_error(None, str(exc.message))
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def paginate(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's filters, for the pager's and the export's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def divisions_where(user: Any, action: str, level: int) -> list[Division]:
    """The divisions of `level` where the user may take `action` (a form's choices)."""
    return list(
        Division.objects.filter(level=level)
        .in_scope_of(user, action)
        .order_by("code")[:CHOICES_LIMIT]
    )


def counties_where(user: Any, action: str) -> list[Division]:
    return divisions_where(user, action, Level.COUNTY)


def committees_where(user: Any, action: str, under: str = "") -> list[Division]:
    rows = Division.objects.filter(level=Level.COMMITTEE).in_scope_of(user, action)
    if under:
        rows = rows.filter(code__startswith=under)
    return list(rows.order_by("code")[:CHOICES_LIMIT])


def history(subject: Model) -> list[dict[str, Any]]:
    """The object's journal entries, each with the label of its event."""
    return [
        {"event": e, "label": events.label(e.event)} for e in audit.history(subject)
    ]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a supervision page with the section links the user may follow."""
    user = request.user
    sees = policy.can(user, VIEW)
    nav = {
        "cases": sees,
        "inspections": sees,
        "items": policy.can(user, VIEW_RECTIFICATION),
        "checks": policy.can(user, VIEW_RECTIFICATION),
        "township": sees,
        "alerts": policy.can(user, ALERT),
        "settings": sees,
    }
    return render(request, template, {**context, "nav": nav}, status=status)
