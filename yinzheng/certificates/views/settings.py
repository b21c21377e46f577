"""The jurisdiction's switch for the negative-list exception (REQ-039): civil affairs sets
it for the divisions it configures and sees the settings in its subtrees.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.divisions.models import Division

from .. import services
from ..forms.requests import SettingForm
from ..models import JurisdictionSetting
from .common import CODE_FIELDS, CONFIGURE


@login_required
def settings_page(request):
    user = request.user
    if not policy.can(user, CONFIGURE):
        raise PermissionDenied
    divisions = list(
        Division.objects.filter(level__lte=Level.TOWNSHIP)
        .in_scope_of(user, CONFIGURE)
        .order_by("code")[:500]
    )
    form = SettingForm(
        request.POST or None,
        divisions=divisions,
        initial={"negative_exception_enabled": True},
    )
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            services.jurisdiction_setting_set(
                actor=user,
                division_code=v["division"],
                negative_exception_enabled=v["negative_exception_enabled"],
                note=v["note"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            show_error(form, exc, CODE_FIELDS)
        else:
            messages.success(request, _("已保存辖区设置"))
            return redirect("certificates:settings")
    settings_list = JurisdictionSetting.objects.visible_to(user).select_related(
        "division", "updated_by"
    )
    return render(
        request,
        "certificates/settings.html",
        {"form": form, "settings": settings_list},
    )
