"""The staff page of the per-period change report (REQ-019): for the lists an officer
manages, what each version that took effect in the period added and removed, and the
decision behind each line (selectors.change_report). A read: no service is called.
"""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yinzheng.core import clock
from yinzheng.core.errors import DomainError

from .. import selectors
from .staff import manageable_lists, require_manager


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    catalogue_list = forms.TypedChoiceField(
        label=_("清单"), coerce=int, required=False, empty_value=None
    )


@login_required
def manage_changes(request):
    require_manager(request.user)
    lists = manageable_lists(request.user).order_by("owner_id", "kind", "pk")
    today = clock.today()
    data = request.GET if "start" in request.GET else None
    form = PeriodForm(data, initial={"start": dt.date(today.year, 1, 1), "end": today})
    choice = form.fields["catalogue_list"]
    assert isinstance(choice, forms.TypedChoiceField)
    choice.choices = [("", _("全部清单"))] + [
        (lst.pk, f"{lst.owner.name} · {lst.title}") for lst in lists
    ]
    report, error = None, ""
    if data is None or form.is_valid():
        values = form.cleaned_data if data is not None else form.initial
        chosen = values.get("catalogue_list")
        try:
            report = selectors.change_report(
                lists=lists.filter(pk=chosen) if chosen else lists,
                start=values["start"],
                end=values["end"],
            )
        except DomainError as exc:
            error = str(exc.message)
    return render(
        request,
        "catalogue/manage_changes.html",
        {"form": form, "report": report, "error": error},
    )
