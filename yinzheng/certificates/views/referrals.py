"""The department's queue page (一门式, REQ-118): the cases referred to the departments
the user speaks for, in the jurisdictions its grants cover, with the resident's name
masked; on each, acknowledge receipt, then close with what the department did
(`services.referral_acknowledge`, `services.referral_close`). `?all=1` lists the closed
ones too. The page holds no rule; a user without referral.handle gets 403, a case not
in the user's queue 404, a step the service refuses is shown on its form.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core.forms import StaffForm

from .. import selectors, services
from ..models import Referral
from .common import queue_rows, queue_step


class AcknowledgeForm(StaffForm):
    """Nothing to fill in but the CSRF token."""


class ReferralCloseForm(StaffForm):
    answer = forms.CharField(
        label=gettext_lazy("部门办理结果"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _require_department(user) -> None:
    if not policy.can(user, services.REFERRAL_HANDLE):
        raise PermissionDenied


@login_required
def referral_queue(request, bound: tuple[int, forms.Form] | None = None):
    user = request.user
    _require_department(user)
    show_all = request.GET.get("all") == "1"
    cases = selectors.referral_queue(user, open_only=not show_all)[:200]

    def form_for(referral: Referral):
        if bound is not None and bound[0] == referral.pk:
            return bound[1]
        allowed = policy.allowed_actions(user, referral)
        if allowed["close"]:
            return ReferralCloseForm()
        if allowed["acknowledge"]:
            return AcknowledgeForm()
        return None

    return render(
        request,
        "certificates/referral_queue.html",
        {"rows": queue_rows(cases, form_for), "show_all": show_all},
    )


def _queued(user, pk: int) -> Referral:
    referral = selectors.referral_queue(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


@login_required
@require_POST
def referral_acknowledge(request, pk: int):
    _require_department(request.user)
    _queued(request.user, pk)
    form = AcknowledgeForm(request.POST)
    done = queue_step(
        request,
        form,
        lambda v: services.referral_acknowledge(actor=request.user, referral_id=pk),
        field=None,
        success=_("已签收，请办理后登记办理结果"),
        back=reverse("certificates:referral_queue"),
    )
    return done or referral_queue(request, bound=(pk, form))


@login_required
@require_POST
def referral_close(request, pk: int):
    _require_department(request.user)
    _queued(request.user, pk)
    form = ReferralCloseForm(request.POST)
    done = queue_step(
        request,
        form,
        lambda v: services.referral_close(
            actor=request.user, referral_id=pk, answer=v["answer"]
        ),
        field="answer",
        success=_("已办结，村（居）委会可在申请中看到办理结果"),
        back=reverse("certificates:referral_queue"),
    )
    return done or referral_queue(request, bound=(pk, form))
