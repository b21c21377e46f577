"""Staff pages of the township's checks of its committees (REQ-093: 定期检查、定期梳理、
及时反馈).

The township records a check with what it found and its feedback; the committee sees it
first in its list until one of its staff acknowledges it. The township's dashboard shows
each committee with its last check and what waits there: register entries the resident
has not confirmed, overdue handovers, open and overdue rectification items, open alerts.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level, level_of
from yinzheng.core.web import attempt
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..forms import CheckForm, TownshipForm
from ..models import Alert, TownshipCheck
from .common import (
    ACKNOWLEDGE,
    CHECK,
    VIEW,
    VIEW_RECTIFICATION,
    committees_where,
    divisions_where,
    get_or_404,
    history,
    page,
    paginate,
    require,
    submit,
)


def _checks(user: Any):
    return TownshipCheck.objects.visible_to(user).select_related(
        "committee", "checked_by", "acknowledged_by"
    )


@login_required
def check_list(request):
    """The checks the user sees; a committee's unacknowledged ones first."""
    user = request.user
    require(user, VIEW_RECTIFICATION)
    to_acknowledge = list(
        selectors.checks_to_acknowledge(user).select_related("committee", "checked_by")
    )
    rest = _checks(user).exclude(pk__in=[c.pk for c in to_acknowledge])
    return page(
        request,
        "supervision/check_list.html",
        {
            "to_acknowledge": to_acknowledge,
            "page": paginate(request, rest),
            "query": "",
            "may_check": policy.can(user, CHECK),
            "sees_dashboard": policy.can(user, VIEW),
        },
    )


@login_required
@require_POST
def check_acknowledge(request, pk: int):
    user = request.user
    require(user, VIEW_RECTIFICATION)
    check = get_or_404(_checks(user), pk)
    require(user, ACKNOWLEDGE, check)
    attempt(
        request,
        lambda: services.check_acknowledge(actor=user, check_id=pk),
        _("已确认收到检查反馈"),
    )
    if request.POST.get("next") == "check":
        return redirect(check.get_absolute_url())
    return redirect("supervision:checks")


def _default_township(user: Any) -> str:
    """The user's township when their one grant that sees supervision is at one."""
    codes = policy.scope(user, VIEW).codes
    if len(codes) == 1 and level_of(codes[0]) == Level.TOWNSHIP:
        return codes[0]
    return ""


@login_required
def township_dashboard(request):
    """REQ-093: each committee of a township with its last check and what waits."""
    user = request.user
    require(user, VIEW)
    code = request.GET.get("township") or _default_township(user)
    townships = divisions_where(user, VIEW, Level.TOWNSHIP)
    form = TownshipForm(initial={"township": code}, townships=townships)
    township = None
    rows: list[Any] = []
    if code:
        township = Division.objects.filter(code=code, level=Level.TOWNSHIP).first()
        if township is None or not policy.can(user, VIEW, township):
            raise Http404
        rows = selectors.township_dashboard(user, township, clock.today())
    return page(
        request,
        "supervision/township.html",
        {
            "form": form,
            "township": township,
            "rows": [
                {"row": r, "may_check": policy.can(user, CHECK, r.committee)}
                for r in rows
            ],
            "several": len(townships) > 1,
        },
    )


@login_required
def check_new(request):
    """REQ-093: the township records a check of one of its committees."""
    user = request.user
    require(user, CHECK)
    form = CheckForm(
        request.POST or None,
        initial={
            "committee": request.GET.get("committee", ""),
            "checked_on": clock.today(),
        },
        committees=committees_where(user, CHECK),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = submit(
            request,
            form,
            lambda: services.check_record(
                actor=user,
                committee_code=data["committee"],
                checked_on=data["checked_on"],
                findings=data["findings"],
                feedback=data["feedback"],
            ),
            _("已记录检查，待村（居）委会确认收到"),
        )
        if check is not None:
            return redirect(check.get_absolute_url())
    return page(request, "supervision/check_new.html", {"form": form})


@login_required
def check_detail(request, pk: int):
    user = request.user
    require(user, VIEW_RECTIFICATION)
    check = get_or_404(_checks(user), pk)
    return page(
        request,
        "supervision/check_detail.html",
        {
            "check": check,
            "alert": Alert.objects.visible_to(user).filter(check_record=check).first(),
            "may_acknowledge": policy.allowed_actions(user, check)["acknowledge"],
            "history": history(check),
        },
    )
