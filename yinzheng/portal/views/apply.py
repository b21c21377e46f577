"""Apply online from a phone (issue 16, REQ-113 "一号申请、一窗受理、一网通办"), no login:

1. the committee, found by name (`divisions.selectors.committees_public`);
2. the item, found by the catalogue's lookup in that committee's lists; an item the
   rules refuse whatever the facts (negative list, no basis, a Party matter) says so
   at once with its route and department (`certificates.selectors.decision_preview`,
   the same `rules.decide()` the window runs), and no form is offered;
3. who applies: name, ID number (its check digit checked) and mobile number, then the
   one-time code sent there (accounts.phone_codes, through the SMS port);
4. the matter: purpose, requiring unit, facts, a piece of evidence, electronic or
   paper — or, where the item allows it, the notification-commitment signed on screen
   in place of the certificate (REQ-082); `certificates.services.application_submit`
   makes the case the window continues, and the resident lands on the printable
   receipt (回执) with the code to read aloud and the deadline in working days.

Between steps the session keeps the committee, the item and, once the code is sent,
the challenge token with the identity typed (server-side sessions; cleared when the
application is made). POSTs are counted per client address (core.web.over_rate).
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yinzheng.accounts import phone_codes
from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.models import Item
from yinzheng.certificates import selectors, services
from yinzheng.core import clock, masking, uploads
from yinzheng.core.clients import client_address
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError
from yinzheng.core.web import over_rate, too_many
from yinzheng.divisions import selectors as divisions
from yinzheng.divisions.models import Division

from ..forms import CodeForm, IdentityForm, MatterForm

SESSION_KEY = "online_application"
POSTS_PER_MINUTE = 20


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _committee(code: str) -> Division:
    committee = Division.objects.filter(code=code, level=Level.COMMITTEE).first()
    if committee is None or not committee.is_active:
        raise Http404
    return committee


def start(request):
    """Step 1: which committee."""
    q = request.GET.get("q", "").strip()[:50]
    committees = divisions.committees_public(q) if q else None
    return _no_store(
        render(request, "portal/apply_start.html", {"q": q, "committees": committees})
    )


def item(request, committee: str):
    """Step 2: which certificate, by the lookup in the committee's lists."""
    division = _committee(committee)
    q = request.GET.get("q", "").strip()[:100]
    results = (
        catalogue.lookup_items(q, committee_code=division.code, limit=8) if q else None
    )
    return _no_store(
        render(
            request,
            "portal/apply_item.html",
            {"committee": division, "q": q, "results": results},
        )
    )


def _state(request, committee: str, item_key: str) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY) or {}
    if state.get("committee") != committee or state.get("item") != item_key:
        state = {"committee": committee, "item": item_key}
    return state


def _save(request, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state


def form(request, committee: str, item_key: str):
    """Steps 3 and 4 on one page: identity, the code, then the matter."""
    division = _committee(committee)
    found = Item.objects.filter(key=item_key).first()
    if found is None:
        raise Http404
    decision = selectors.decision_preview(found, division.code, clock.today())
    refused = decision.is_refusal or decision.outcome == "transfer_party"
    state = _state(request, division.code, found.key)
    identity = IdentityForm(prefix="id")
    code_form = CodeForm(prefix="code")
    commitment = decision.commitment_available  # REQ-082, where the item allows it
    matter = MatterForm(
        prefix="matter",
        commitment=commitment,
        initial={"electronic": selectors.electronic_available(division.code)},
    )
    if request.method == "POST" and not refused:
        if over_rate(request, "portal:apply", POSTS_PER_MINUTE):
            return too_many(request, _("操作过于频繁，请一分钟后再试。"))
        step = request.POST.get("step", "")
        address = client_address(request)
        if step == "restart":
            state = {"committee": division.code, "item": found.key}
            _save(request, state)
            return redirect(request.path)
        if step == "identity":
            identity = IdentityForm(request.POST, prefix="id")
            if identity.is_valid():
                v = identity.cleaned_data
                try:
                    id_number = services.validate_id_number(v["id_number"])
                    challenge = phone_codes.phone_code_send(
                        phone=v["phone"], address=address
                    )
                except DomainError as exc:
                    identity.add_error(None, str(exc.message))
                else:
                    state.update(
                        token=challenge.token,
                        phone_masked=challenge.phone_masked,
                        resident_name=v["resident_name"].strip(),
                        name_masked=masking.mask_name(v["resident_name"].strip()),
                        id_number=id_number,
                        phone=phone_codes.mobile_phone(v["phone"]),
                        verified=False,
                    )
                    _save(request, state)
                    return redirect(request.path + "#code")
        elif step == "code" and state.get("token"):
            code_form = CodeForm(request.POST, prefix="code")
            if code_form.is_valid():
                try:
                    phone_codes.phone_code_confirm(
                        token=state["token"],
                        code=code_form.cleaned_data["code"],
                        address=address,
                    )
                except DomainError as exc:
                    code_form.add_error("code", str(exc.message))
                else:
                    state["verified"] = True
                    _save(request, state)
                    return redirect(request.path + "#matter")
        elif step == "matter" and state.get("verified"):
            matter = MatterForm(
                request.POST, request.FILES, prefix="matter", commitment=commitment
            )
            if matter.is_valid():
                v = matter.cleaned_data
                try:
                    req = services.application_submit(
                        phone_token=state["token"],
                        committee_code=division.code,
                        item_key=found.key,
                        resident_name=state["resident_name"],
                        id_number=state["id_number"],
                        phone=state["phone"],
                        purpose=v["purpose"],
                        requiring_unit=v["requiring_unit"],
                        facts=v["facts"],
                        electronic=v["electronic"],
                        attachments=[v["evidence"]] if v.get("evidence") else [],
                        commitment_signature=v.get("signature_file"),
                    )
                except DomainError as exc:
                    matter.add_error(None, str(exc.message))
                else:
                    request.session.pop(SESSION_KEY, None)
                    return redirect("portal:apply_receipt", code=req.tracking_code)
    return _no_store(
        render(
            request,
            "portal/apply_form.html",
            {
                "committee": division,
                "item": found,
                "decision": decision,
                "refused": refused,
                "state": state,
                "identity": identity,
                "code_form": code_form,
                "matter": matter,
                "electronic_available": selectors.electronic_available(division.code),
                "code_minutes": int(phone_codes.CODE_TTL.total_seconds() // 60),
            },
        )
    )


def receipt_pdf(request, code: str):
    """The receipt as a PDF (the same facts as the page)."""
    if over_rate(request, "portal:status", settings.STATUS_RATE_PER_MINUTE):
        return too_many(request, _("查询过于频繁，请一分钟后再试。"))
    req = selectors.by_tracking_code(code)
    if req is None:
        raise Http404
    pdf = services.receipt_pdf(
        req,
        status_url=request.build_absolute_uri(
            reverse("portal:status", args=[req.tracking_code])
        ),
    )
    return _no_store(
        uploads.serve_bytes(
            pdf,
            file_type=uploads.PDF,
            filename=f"{req.tracking_code}-receipt.pdf",
            inline=True,
        )
    )


def receipt(request, code: str):
    """The printable receipt (回执): the case, the deadline, the code, nothing personal
    unmasked. Counted with the status page's look-ups."""
    if over_rate(request, "portal:status", settings.STATUS_RATE_PER_MINUTE):
        return too_many(request, _("查询过于频繁，请一分钟后再试。"))
    req = selectors.by_tracking_code(code)
    if req is None:
        raise Http404
    if req.tracking_code != code:
        return redirect("portal:apply_receipt", code=req.tracking_code)
    return _no_store(
        render(
            request,
            "portal/apply_receipt.html",
            {
                "receipt": services.receipt(req),
                "status_url": request.build_absolute_uri(
                    reverse("portal:status", args=[req.tracking_code])
                ),
            },
        )
    )
