"""The Party organisation's queue page (REQ-043): the Party matters transferred to the
community (village) Party organisation, with the resident's name masked, and a form on
each to record that it was handled (`services.party_case_close`). The page holds no
rule; a user without party.handle gets 403, a case outside its committee 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import masking
from yinzheng.core.errors import DomainError, NotAllowed

from .. import selectors, services


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
    rows = [
        {
            "req": req,
            "name": masking.mask_name(req.resident_name),
            "form": form if req.pk == bound_pk else PartyCloseForm(),
        }
        for req in selectors.party_queue(request.user)[:200]
    ]
    return render(request, "certificates/party_queue.html", {"rows": rows})


@login_required
@require_POST
def party_close(request, pk: int):
    _require_party(request.user)
    if not selectors.party_queue(request.user).filter(pk=pk).exists():
        raise Http404
    form = PartyCloseForm(request.POST)
    if form.is_valid():
        try:
            services.party_case_close(
                actor=request.user, request_id=pk, note=form.cleaned_data["note"]
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error("note", str(exc.message))
        else:
            messages.success(request, _("已登记党组织办理情况"))
            return redirect("certificates:party_queue")
    return party_queue(request, form=form, bound_pk=pk)
