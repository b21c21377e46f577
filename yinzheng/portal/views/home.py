"""The home page: each grant with its node, what waits for the user in every domain
(the inbox sections the domains register in core.inbox), and where residents report an
unreasonable certificate demand, with the hotline of the user's counties (REQ-087)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yinzheng.accounts import policy
from yinzheng.accounts.models import RoleGrant
from yinzheng.core import inbox
from yinzheng.core.codes import Level
from yinzheng.divisions.models import Division
from yinzheng.supervision import services as supervision


@login_required
def home(request):
    grants = (
        RoleGrant.objects.active()
        .filter(user=request.user)
        .select_related("division")
        .order_by("division_id", "role")
    )
    cards = []
    counties: set[str] = set()
    for grant in grants:
        division = grant.division
        if division.level >= Level.COUNTY:
            counties.add(division.code[:6])
        committees = None
        if division.level < Level.COMMITTEE:
            committees = Division.objects.subtree(division.code).committees().count()
        cards.append({"grant": grant, "division": division, "committees": committees})
    return render(
        request,
        "portal/home.html",
        {
            "cards": cards,
            "waiting": inbox.items_for(request.user),
            "superuser_without_grants": request.user.is_superuser and not cards,
            "sees_everything": policy.scope(request.user, "division.view").everywhere,
            "hotlines": [
                setting
                for setting in map(supervision.settings_for, sorted(counties))
                if setting.hotline
            ],
        },
    )
