"""The resident's status page, no login (REQ-049): the unguessable tracking code shows
the status, the item, the committee, the dates and the deadline, the masked name and,
when nothing is issued, where to go instead. The page is rate-limited per address (a
cache counter per minute, YINZHENG_STATUS_RATE), never cached and never indexed; a code
that cannot exist is simply not found.
"""

import re
from typing import Any

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yinzheng.certificates import selectors
from yinzheng.certificates.forms.requests import StatusForm
from yinzheng.core import clock, masking, tracking
from yinzheng.core.web import over_rate, too_many

TRACKING_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def status(request, code: str | None = None):
    if over_rate(request, "portal:status", settings.STATUS_RATE_PER_MINUTE):
        return too_many(request, _("查询过于频繁，请一分钟后再试。"))
    form = StatusForm(request.GET or None)
    if code is None and form.is_valid():
        wanted = form.cleaned_data["code"].strip()
        # Issue 16: a readable code typed any way goes to its one address.
        wanted = tracking.normalise(wanted) or wanted
        if TRACKING_CODE.fullmatch(wanted):
            return redirect("portal:status", code=wanted)
        code = wanted  # cannot exist: shown as not found
    req = selectors.by_tracking_code(code) if code else None
    context: dict[str, Any] = {"form": form, "code": code, "req": req}
    if req is not None:
        decision = selectors.decision_shown(req)
        context.update(
            name=masking.mask_name(req.resident_name),
            route=req.refusal_route or decision.get("route", ""),
            department=req.refusal_department
            or "、".join(decision.get("departments", [])),
            overdue=req.is_open and req.due_on and req.due_on < clock.today(),
        )
    response = render(
        request,
        "certificates/status.html",
        context,
        status=404 if code and not req else 200,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
