"""The Party organisation's queue page (REQ-043): the Party matters transferred to the
community (village) Party organisation, with the resident's name masked, and a form on
each to record that it was handled (`services.party_case_close`). The page holds no
rule; a user without party.handle gets 403, a case outside its committee 404.
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

from .. import selectors, services
from .common import queue_rows, queue_step


class PartyCloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("党组织办理情况"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _require_party(user) -> None:
    if not policy.can(user, services.PARTY_HANDLE):
        raise PermissionDenied


@login_required
def party_queue(request, form=None, bound_pk=None):
    _require_party(request.user)
    rows = queue_rows(
        selectors.party_queue(request.user)[:200],
        lambda req: form if req.pk == bound_pk else PartyCloseForm(),
    )
    return render(request, "certificates/party_queue.html", {"rows": rows})


@login_required
@require_POST
def party_close(request, pk: int):
    _require_party(request.user)
    if not selectors.party_queue(request.user).filter(pk=pk).exists():
        raise Http404
    form = PartyCloseForm(request.POST)
    done = queue_step(
        request,
        form,
        lambda v: services.party_case_close(
            actor=request.user, request_id=pk, note=v["note"]
        ),
        field="note",
        success=_("已登记党组织办理情况"),
        back=reverse("certificates:party_queue"),
    )
    return done or party_queue(request, form=form, bound_pk=pk)
