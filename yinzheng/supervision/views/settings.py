"""The county's supervision settings: the hotline it publishes (REQ-087, DIV-09), the
working days each case step may take, and the thresholds of the register scan. Civil
affairs of the county edits them; everyone else who sees supervision reads them."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core.codes import Level
from yinzheng.divisions.models import Division

from .. import services
from ..forms import SETTING_FIELDS, SettingForm
from .common import CHOICES_LIMIT, SETTINGS, VIEW, page, require, submit


def _shown(value: object) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value) if value not in (None, "") else "—"


@login_required
def settings_page(request):
    user = request.user
    require(user, VIEW)
    # The counties the user reads: their own, the one above their township, those
    # below their city or province.
    counties = list(
        Division.objects.visible_to(user, VIEW)
        .filter(level=Level.COUNTY)
        .order_by("code")[:CHOICES_LIMIT]
    )
    code = request.GET.get("county") or (counties[0].code if counties else "")
    county = next((c for c in counties if c.code == code), None)
    if code and county is None:
        raise Http404
    if county is None:
        return page(request, "supervision/settings.html", {"county": None})
    if request.method == "POST":
        require(user, SETTINGS, county)  # REQ-098: reading is not setting
    form = None
    if policy.can(user, SETTINGS, county):
        # The form reads into its own copy; the service saves.
        form = SettingForm(
            request.POST or None, instance=services.settings_for(county.code)
        )
        if request.method == "POST":
            if form.is_valid():
                values = {name: form.cleaned_data[name] for name in SETTING_FIELDS}
                done = submit(
                    request,
                    form,
                    lambda: services.settings_update(
                        actor=user, county_code=county.code, values=values
                    ),
                    _("已保存监督设置"),
                )
                if done is not None:
                    return redirect(
                        reverse("supervision:settings") + f"?county={county.code}"
                    )
    setting = services.settings_for(county.code)
    return page(
        request,
        "supervision/settings.html",
        {
            "county": county,
            "setting": setting,
            "form": form,
            "counties": counties,
            "several": len(counties) > 1,
            "fields": [
                (
                    SettingForm.base_fields[name].label,
                    _shown(getattr(setting, name)),
                )
                for name in SETTING_FIELDS
            ],
        },
    )
