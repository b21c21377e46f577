"""Taking a request in (REQ-031): the clerk picks the committee (when they handle more
than one), finds the item with the catalogue's lookup box — the committee's own lists
decide what each hit means, and an item the positive list does not name is flagged —
and fills in the resident, the purpose, the requiring unit and the facts. The service
decides at once; the clerk lands on the decision screen with the tracking code to give
the resident, and a warning when a unit demands an unlisted certificate (REQ-016).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.models import Item
from yinzheng.core import clock
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..forms.requests import IntakeForm
from .common import CODE_FIELDS, HANDLE


def _handling_committees(user: Any) -> list[Division]:
    return list(
        Division.objects.committees()
        .in_scope_of(user, HANDLE)
        .filter(status="active")
        .order_by("code")[:200]
    )


@login_required
def new(request):
    user = request.user
    if not policy.can(user, HANDLE):
        raise PermissionDenied
    committees = _handling_committees(user)
    if not committees:
        raise PermissionDenied
    codes = {c.code for c in committees}
    data = request.POST if request.method == "POST" else request.GET
    committee = data.get("committee") or committees[0].code
    if committee not in codes:
        committee = committees[0].code
    q = request.GET.get("q", "").strip()[:100]
    item_key = data.get("item_key") or request.GET.get("item") or ""
    item = Item.objects.filter(key=item_key).first() if item_key else None
    today = clock.today()
    entry = selectors.catalogue_entry(item, committee, today) if item else None
    results = (
        catalogue.lookup_items(q, committee_code=committee, on=today, limit=8)
        if q
        else None
    )
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        committees=committees,
        exceptions=tuple(item.exceptions) if item else (),
        initial={
            "committee": committee,
            "item_key": item.key if item else "",
            "item_text": item.name if item else q,
        },
    )
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            req = services.request_create(
                actor=user,
                committee_code=v["committee"],
                resident_name=v["resident_name"],
                id_number=v["id_number"],
                phone=v["phone"],
                item_key=item.key if item else None,
                item_text=v["item_text"],
                purpose=v["purpose"],
                requiring_unit=v["requiring_unit"],
                facts=v["facts"],
                category=v["category"],
                copies=v["copies"],
                electronic=v["electronic"],
                public_interest=v["public_interest"],
                party_related=v["party_related"],
                legal_risk=v["legal_risk"],
                carries_liability=v["carries_liability"],
                exception_claimed=v.get("exception_claimed", ""),
                attachments=[v["attachment"]] if v.get("attachment") else [],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            show_error(form, exc, CODE_FIELDS)
        else:
            messages.success(
                request,
                _("已受理，查询码 %(code)s，请告知申请人")
                % {"code": req.tracking_code},
            )
            if selectors.beyond_seal_scope(req):
                messages.warning(
                    request,
                    _(
                        "该证明涉及承担法律责任或经济连带责任，超出村（居）委会印章使用"
                        "范围，不予出具；可在下方反映该不合理要求。"
                    ),
                )
            elif selectors.demand_warning(req):
                messages.warning(
                    request,
                    _(
                        "该证明未列入本村（居）委会的出具证明事项清单，"
                        "有关部门和单位不得要求提供。可在下方反映该要求。"  # REQ-016
                    ),
                )
            return redirect(req.get_absolute_url())
    return render(
        request,
        "certificates/new.html",
        {
            "form": form,
            "committee": committee,
            "committees": committees,
            "q": q,
            "results": results,
            "item": item,
            "entry": entry,
            "unlisted": entry is not None and entry.list_kind != "positive",
        },
    )
