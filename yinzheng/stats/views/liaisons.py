"""Staff pages of the township liaisons (REQ-109) and the bureau's assessments of its
townships (REQ-110).

The contact list shows every township of the county with its one liaison, or the gap
(未指定); the township's own officers and the county bureau name the liaison (with a
phone, or not at all), and only they see the phone in full. The assessments page lists
each township's assessments over time; the county bureau records new ones, never edits
them (a correction is a new assessment).

The pages hold no rules: stats.services decides and its refusals are shown on the form.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode
from yinzheng.divisions.models import Division

from .. import report_selectors as selectors
from .. import services
from ..errors import StatsCode
from ..models import Campaign, Liaison
from ..report_forms import AssessmentForm, LiaisonForm
from .reports import _campaign_id
from .tables import VIEW
from .tables import _require as require
from .tables import _submit as submit

LIAISON, ASSESS = "stats.liaison_manage", "stats.assess"
LIAISON_FIELDS: dict[str, str] = {
    StatsCode.LIAISON_NAME_REQUIRED: "name",
    CoreCode.PHONE_INVALID: "phone",
}
ASSESSMENT_FIELDS: dict[str, str] = {
    CoreCode.DIVISION_NOT_FOUND: "township",
    StatsCode.ASSESSMENT_DATE_INVALID: "assessed_on",
    StatsCode.RATING_INVALID: "rating",
    StatsCode.CAMPAIGN_NOT_APPLICABLE: "campaign",
    CoreCode.TEXT_TOO_LONG: "notes",
}


def _county(request: HttpRequest) -> tuple[Division | None, list[Division]]:
    """The county the page shows (?county=, else the user's first) and the choice."""
    counties = list(selectors.counties_seen(request.user)[:200])
    wanted = request.POST.get("county") or request.GET.get("county") or ""
    county = next((c for c in counties if c.code == wanted), None)
    return county or (counties[0] if counties else None), counties


# The contact list (REQ-109) -----------------------------------------------------------


@login_required
def contact_list(request):
    """REQ-109: the bureau's contact list, one liaison per township or the gap."""
    user = request.user
    require(user, VIEW)
    county, counties = _county(request)
    rows = selectors.contact_list(user, county.code) if county else []
    gaps_only = request.GET.get("gaps") == "1"
    return render(
        request,
        "stats/liaison_list.html",
        {
            "county": county,
            "counties": counties,
            "rows": [r for r in rows if r.gap] if gaps_only else rows,
            "gaps": sum(1 for r in rows if r.gap),
            "total": len(rows),
            "gaps_only": gaps_only,
        },
    )


@login_required
def liaison_edit(request, code: str):
    """REQ-109: name the township's liaison; the profile is not saved without one."""
    user = request.user
    require(user, VIEW)
    township = (
        Division.objects.filter(code=code, level=Level.TOWNSHIP)
        .in_scope_of(user, VIEW)
        .first()
    )
    if township is None:
        raise Http404
    if not policy.can(user, LIAISON, township):
        raise PermissionDenied
    current = Liaison.objects.filter(pk=township.code).first()
    form = LiaisonForm(
        request.POST or None,
        initial=(
            {
                "name": current.name,
                "position": current.position,
                "phone": current.phone,
            }
            if current
            else {}
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            request,
            form,
            lambda: services.liaison_set(
                actor=user,
                township_code=township.code,
                name=data["name"],
                position=data["position"],
                phone=data["phone"],
            ),
            _("已保存联络人"),
            LIAISON_FIELDS,
        )
        if done is not None:
            return redirect(
                f"{reverse('stats:contacts')}?county={township.parent_id}#twp-{township.code}"
            )
    return render(
        request,
        "stats/liaison_edit.html",
        {"township": township, "form": form, "current": current},
    )


# Assessments (REQ-110) ----------------------------------------------------------------


def _assessment_form(
    user: Any, county: Division, data: Any = None, township: str = ""
) -> forms.Form | None:
    if not policy.can(user, ASSESS, county):
        return None
    townships = Division.objects.filter(
        parent_id=county.code, level=Level.TOWNSHIP
    ).order_by("code")
    campaigns = Campaign.objects.filter(
        policy.scope(user, VIEW).tree_q("division_id")
    ).order_by("-starts_on", "-id")[:200]
    return AssessmentForm(
        data,
        townships=townships,
        campaigns=campaigns,
        initial={"township": township, "assessed_on": clock.today()},
    )


def _assessments_page(
    request: HttpRequest,
    county: Division | None,
    counties: list[Division],
    form: forms.Form | None = None,
) -> HttpResponse:
    user = request.user
    township = request.GET.get("township", "")
    listing = (
        selectors.assessments_by_township(user, county.code, township) if county else []
    )
    return render(
        request,
        "stats/assessment_list.html",
        {
            "county": county,
            "counties": counties,
            "listing": listing,
            "township": township,
            "form": form
            if form is not None
            else (
                _assessment_form(user, county, township=township) if county else None
            ),
        },
    )


@login_required
def assessment_list(request):
    """REQ-110: each township's assessments over time."""
    require(request.user, VIEW)
    county, counties = _county(request)
    return _assessments_page(request, county, counties)


@login_required
@require_POST
def assessment_add(request):
    """REQ-110: the county bureau records an assessment."""
    user = request.user
    require(user, ASSESS)
    county, counties = _county(request)
    if county is None:
        raise Http404
    form = _assessment_form(user, county, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        done = submit(
            request,
            form,
            lambda: services.assessment_record(
                actor=user,
                township_code=data["township"],
                assessed_on=data["assessed_on"],
                rating=data["rating"],
                notes=data["notes"],
                campaign_id=_campaign_id(data["campaign"]),
            ),
            _("已登记评估"),
            ASSESSMENT_FIELDS,
        )
        if done is not None:
            return redirect(
                f"{reverse('stats:assessments')}?county={county.code}#twp-{data['township']}"
            )
    return _assessments_page(request, county, counties, form=form)
