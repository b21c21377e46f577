"""The resident's status page, no login (REQ-049): the tracking code shows the status,
the item, the committee, the dates and the deadline, the masked name and, when nothing
is issued, where to go instead. The page is rate-limited per address (a cache counter
per minute, YINZHENG_STATUS_RATE), never cached and never indexed; a code that cannot
exist is simply not found. A readable code (issue 16) is typed any way.

An issued electronic certificate is handed over here (issue 16, REQ-113): the holder
types their full name and the last digits of the ID number
(`certificates.services.certificate_for_holder`: counted, audited), and gets the signed
PDF; a wrong answer is told on the page, never which part was wrong.
"""

import re
from typing import Any

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import Channel
from yinzheng.certificates.forms.requests import StatusForm
from yinzheng.core import clock, masking, tracking, uploads
from yinzheng.core.clients import client_address
from yinzheng.core.errors import DomainError, Throttled
from yinzheng.core.web import over_rate, too_many

from ..forms import HolderForm

TRACKING_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def status(request, code: str | None = None, holder: HolderForm | None = None):
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
            downloadable=services.certificate_downloadable(req),
            holder=holder or HolderForm(),
            online=req.channel == Channel.ONLINE,
            referral=selectors.public_referral(req),
        )
    response = render(
        request,
        "certificates/status.html",
        context,
        status=404 if code and not req else 400 if holder is not None else 200,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def certificate(request, code: str):
    """The signed PDF of an issued electronic certificate, for its holder."""
    holder = HolderForm(request.POST)
    if holder.is_valid():
        try:
            field, name = services.certificate_for_holder(
                code=code,
                resident_name=holder.cleaned_data["resident_name"],
                id_last=holder.cleaned_data["id_last"],
                address=client_address(request),
            )
        except Throttled as exc:
            return too_many(request, str(exc.message))
        except DomainError as exc:
            holder.add_error(None, str(exc.message))
        else:
            response = uploads.serve(field, filename=name, file_type=uploads.PDF)
            response["Cache-Control"] = "no-store"
            return response
    return status(request, code, holder=holder)
