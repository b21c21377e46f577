"""The home page: each grant with its node, what waits for the user in every domain
(the inbox sections the domains register in core.inbox), where residents report an
unreasonable certificate demand, with the hotline of the user's counties (REQ-087), and
for the county bureau, its townships and committee heads the statistics dashboard of
their own division for the year so far (REQ-103)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yinzheng.accounts import policy
from yinzheng.accounts.models import RoleGrant
from yinzheng.core import clock, inbox
from yinzheng.core.codes import Level, level_of
from yinzheng.divisions.models import Division
from yinzheng.stats import analysis
from yinzheng.stats.views.dashboard import dashboard_context
from yinzheng.supervision import services as supervision


def _dashboard(user) -> dict | None:
    """The dashboard's context for a viewer whose scope lies at county level or below
    (higher levels open /stats/dashboard/ when they choose a division), else None."""
    where = policy.scope(user, analysis.DASHBOARD)
    if not where or any(level_of(code) < Level.COUNTY for code in where.codes):
        return None
    today = clock.today()
    filters = analysis.parse_filters(user, {}, today=today)
    return dashboard_context(user, analysis.figures(filters, today=today))


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
            "dashboard": _dashboard(request.user),
            # The clerk's first task of the day (issue 16): taking a request in.
            "may_take_requests": policy.can(request.user, "certificate.handle"),
        },
    )
