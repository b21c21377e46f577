"""The government-service platform on the staff side (REQ-112): the county's endpoint
(set here by its civil-affairs officer), the messages sent to it with every attempt's
outcome, and a retry for one that gave up. Rules live in catalogue.services.platform."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core.codes import Level
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from ..models import GovPlatform, PlatformMessage
from ..services import platform

MANAGE = "catalogue.manage"


class PlatformForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("区（县）"))
    name = forms.CharField(label=gettext_lazy("平台名称"), max_length=200)
    endpoint = forms.CharField(
        label=gettext_lazy("接收地址"),
        max_length=500,
        help_text=gettext_lazy(
            "平台接收清单和办事指南推送的网址（http:// 或 https://）"
        ),
    )
    enabled = forms.BooleanField(
        label=gettext_lazy("启用推送"), required=False, initial=True
    )


def _county_field(form: PlatformForm) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields["county"])


def _counties(user):
    return Division.objects.in_scope_of(user, MANAGE).filter(level=Level.COUNTY)


@login_required
def platform_index(request):
    user = request.user
    if not policy.can(user, MANAGE):
        raise PermissionDenied
    counties = list(_counties(user).order_by("code")[:200])
    form = PlatformForm()
    _county_field(form).choices = [(c.code, f"{c.name}（{c.code}）") for c in counties]
    sent = PlatformMessage.objects.visible_to(user).select_related("platform")
    page = Paginator(sent, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/platform.html",
        {
            "platforms": GovPlatform.objects.visible_to(user).select_related(
                "division"
            ),
            "form": form if counties else None,
            "page": page,
        },
    )


@login_required
@require_POST
def platform_save(request):
    form = PlatformForm(request.POST)
    _county_field(form).choices = [(c.code, c.code) for c in _counties(request.user)]
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("catalogue:platform")
    data = form.cleaned_data
    attempt(
        request,
        lambda: platform.platform_set(
            actor=request.user,
            county_code=data["county"],
            name=data["name"],
            endpoint=data["endpoint"],
            enabled=data["enabled"],
        ),
        _("已保存政务服务平台设置"),
    )
    return redirect("catalogue:platform")


@login_required
@require_POST
def platform_retry(request, pk: int):
    attempt(
        request,
        lambda: platform.platform_message_retry(actor=request.user, message_id=pk),
        _("已重新排队发送"),
    )
    return redirect("catalogue:platform")
