from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.core.errors import DomainError
from yinzheng.core.forms import StaffForm

from . import services
from .choices import Department, Role
from .selectors import grants_manageable


class GrantForm(StaffForm):
    prefix = "grant"
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("岗位"), choices=Role.choices)
    department = forms.ChoiceField(
        label=gettext_lazy("所属部门（职能部门岗位必填）"),
        choices=[("", "—"), *Department.choices],
        required=False,
    )


@login_required
@require_POST
def grant_create(request, code: str):
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写用户名并选择岗位"))
        return redirect("divisions:detail", code=code)
    try:
        services.grant_role_by_username(
            actor=request.user,
            username=form.cleaned_data["username"],
            role=form.cleaned_data["role"],
            division_code=code,
            department=form.cleaned_data["department"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已授予岗位"))
    return redirect("divisions:detail", code=code)


@login_required
@require_POST
def grant_revoke(request, grant_id: int):
    grant = get_object_or_404(grants_manageable(request.user), pk=grant_id)
    try:
        services.grant_revoke(actor=request.user, grant_id=grant.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销岗位授权"))
    return redirect("divisions:detail", code=grant.division_id)
