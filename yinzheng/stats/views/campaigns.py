"""Staff pages of the campaigns (专项工作, REQ-104–107, DIV-11).

The templates page shows the three seed plans as the documents lay them down (Sunan's
six phases, Potou's five steps, Shaanxi's county milestone), each phase with its dates
and deliverables. A lead bureau starts its own campaign from one, in its own month. A
campaign's page shows its phases as a timeline, each deliverable with its deadline and
who has done it, the matrix of units × deliverables, and the deliverables past their
deadline with units not done, marked in words as well as colour (REQ-104). The units
and the lead bureau record completions there and withdraw a mistaken one; the lead
bureau moves a deadline. The page prints as the progress sheet.

The pages hold no rules: stats.services decides and its refusals are shown (a refusal
of the action itself is a 403); the campaigns come from `campaign_selectors`, so one
outside the user's scope is a 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import CoreCode
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division
from yinzheng.supervision.models import Inspection

from .. import campaign_selectors as selectors
from .. import services
from ..campaign_templates import TEMPLATE_LABELS, TEMPLATES, Template
from ..choices import DeliverableLink, Responsible
from ..errors import StatsCode
from ..forms import CampaignForm, CompletionForm, RescheduleForm, WithdrawForm
from ..models import Campaign, Completion, Deliverable, UpwardReport
from ..services.campaigns import DONE_REPORTS, MANAGE, REPORT, leads, speaks_for_unit
from .tables import CHOICES_LIMIT, PAGE_SIZE, VIEW
from .tables import _get_or_404 as get_or_404
from .tables import _require as require
from .tables import _submit as submit

# A refusal's code → the form field it concerns (else it goes on the form as a whole).
START_FIELDS: dict[str, str] = {
    CoreCode.DIVISION_NOT_FOUND: "division",
    StatsCode.CAMPAIGN_LEVEL_INVALID: "division",
    StatsCode.CAMPAIGN_TEMPLATE_UNKNOWN: "template",
    StatsCode.CAMPAIGN_DATE_INVALID: "start",
    StatsCode.CAMPAIGN_EXISTS: "start",
    CoreCode.INVALID_INPUT: "title",
}
COMPLETION_FIELDS: dict[str, str] = {
    StatsCode.COMPLETION_UNIT_INVALID: "unit",
    StatsCode.COMPLETION_EXISTS: "unit",
    StatsCode.COMPLETION_DATE_INVALID: "completed_on",
    StatsCode.COMPLETION_INSPECTION_INVALID: "inspection",
    StatsCode.COMPLETION_REPORT_INVALID: "report",
    CoreCode.TEXT_TOO_LONG: "note",
}


def _campaign_or_404(user: Any, pk: int) -> Campaign:
    require(user, VIEW)
    return get_or_404(selectors.campaigns(user), pk)


def _lead_divisions(user: Any) -> list[Division]:
    """Where the user may start a campaign: the county or province they are the bureau
    of (the service decides again)."""
    rows = (
        Division.objects.filter(level__in=[Level.PROVINCE, Level.COUNTY])
        .in_scope_of(user, MANAGE)
        .order_by("code")[:CHOICES_LIMIT]
    )
    return [d for d in rows if leads(user, d.code)]


def _template_choices() -> list[tuple[str, str]]:
    return [(code, str(TEMPLATE_LABELS[code])) for code in TEMPLATES]


# The templates ------------------------------------------------------------------------


def _template_view(template: Template) -> dict[str, Any]:
    """A template as the page shows it: the labels of its levels, responsibilities
    and links worked out here."""
    return {
        "template": template,
        "label": TEMPLATE_LABELS[template.code],
        "lead_level": Level(template.lead_level).label,
        "unit_level": Level(template.unit_level).label,
        "phases": [
            {
                "number": number,
                "spec": phase,
                "deliverables": [
                    {
                        "spec": item,
                        "responsible": Responsible(item.responsible).label,
                        "link": DeliverableLink(item.link).label if item.link else "",
                    }
                    for item in phase.deliverables
                ],
            }
            for number, phase in enumerate(template.phases, 1)
        ],
    }


@login_required
def template_list(request):
    """REQ-104, REQ-106, REQ-107: the seed plans, preloaded as the documents give them
    (DIV-11: each its own)."""
    user = request.user
    require(user, VIEW)
    return render(
        request,
        "stats/campaign_templates.html",
        {
            "templates": [_template_view(t) for t in TEMPLATES.values()],
            "may_start": policy.can(user, MANAGE),
        },
    )


# The campaigns ------------------------------------------------------------------------


@login_required
def campaign_list(request):
    """The campaigns the user follows, newest first, each with where it stands."""
    user = request.user
    require(user, VIEW)
    listing = Paginator(selectors.campaigns(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = clock.today()
    return render(
        request,
        "stats/campaign_list.html",
        {
            "page": listing,
            "campaigns": [
                selectors.progress(c, today, viewer=user) for c in listing.object_list
            ],
            "may_start": policy.can(user, MANAGE),
        },
    )


@login_required
def campaign_new(request):
    """REQ-104–107: the lead bureau starts its own campaign from a template."""
    user = request.user
    require(user, MANAGE)
    divisions = _lead_divisions(user)
    if not divisions:
        raise PermissionDenied
    chosen = request.GET.get("template", "")
    form = CampaignForm(
        request.POST or None,
        templates=_template_choices(),
        divisions=divisions,
        initial={"template": chosen} if chosen in TEMPLATES else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = submit(
            request,
            form,
            lambda: services.campaign_start(
                actor=user,
                division_code=data["division"],
                template_code=data["template"],
                starts_on=data["start"],
                title=data["title"] or None,
            ),
            _("已发起专项工作"),
            START_FIELDS,
        )
        if campaign is not None:
            return redirect(campaign.get_absolute_url())
    return render(request, "stats/campaign_new.html", {"form": form})


def _completion_form(
    user: Any, campaign: Campaign, progress: selectors.Progress, data: Any = None
) -> forms.Form | None:
    """What the user may record: the deliverables with a unit of theirs not done,
    those units, and what steps 4 and 5 are done with (REQ-106)."""
    if not policy.can(user, REPORT):
        return None
    units = [
        row.unit
        for row in progress.rows
        if speaks_for_unit(user, campaign, row.unit.code)
    ]
    if not units:
        return None
    codes = {u.code for u in units}
    open_items = [
        s for s in progress.deliverables if any(u.code in codes for u in s.missing)
    ]
    if not open_items and data is None:
        return None
    links = {s.deliverable.link for s in open_items}
    inspections: list[tuple[int, str]] = []
    if DeliverableLink.INSPECTION in links:
        inspections = [
            (i.pk, f"{i.title}（{i.started_on:%Y-%m-%d}）")
            for i in Inspection.objects.visible_to(user)
            .filter(subtree_q(campaign.division_id, "county_id"))
            .filter(draw__isnull=False)
            .order_by("-started_on")[:CHOICES_LIMIT]
        ]
    reports: list[tuple[int, str]] = []
    if DeliverableLink.REPORT in links:
        reports = [
            (r.pk, f"{r.title}（{r.sender_id}）")
            for r in UpwardReport.objects.visible_to(user)
            .filter(sender_id__in=sorted(codes), status__in=DONE_REPORTS)
            .filter(Q(campaign__isnull=True) | Q(campaign=campaign))
            .order_by("-submitted_at")[:CHOICES_LIMIT]
        ]
    return CompletionForm(
        data,
        deliverables=[
            (s.deliverable.pk, f"{s.label} {s.deliverable.text[:40]}")
            for s in open_items
        ],
        units=units,
        inspections=inspections,
        reports=reports,
        initial={"completed_on": clock.today()},
    )


def _campaign_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    completion_form: forms.Form | None = None,
) -> HttpResponse:
    user = request.user
    progress = selectors.progress(campaign, clock.today(), viewer=user)
    manages = policy.allowed_actions(user, campaign)["manage"]
    withdrawable = {
        c.pk
        for s in progress.deliverables
        for c in s.done
        if speaks_for_unit(user, campaign, c.unit_id)
    }
    if completion_form is None:
        completion_form = _completion_form(user, campaign, progress)
    return render(
        request,
        "stats/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "label": TEMPLATE_LABELS.get(campaign.template, ""),
            "manages": manages,
            "reschedule_form": RescheduleForm() if manages else None,
            "completion_form": completion_form,
            "withdrawable": withdrawable,
            "withdraw_form": WithdrawForm() if withdrawable else None,
        },
    )


@login_required
def campaign_detail(request, pk: int):
    """REQ-104: phases with their dates, per-unit completion, overdue highlighted."""
    return _campaign_page(request, _campaign_or_404(request.user, pk))


@login_required
@require_POST
def completion_add(request, pk: int):
    user = request.user
    campaign = _campaign_or_404(user, pk)
    require(user, REPORT)
    progress = selectors.progress(campaign, clock.today(), viewer=user)
    form = _completion_form(user, campaign, progress, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        done = submit(
            request,
            form,
            lambda: services.completion_record(
                actor=user,
                deliverable_id=data["deliverable"],
                unit_code=data["unit"],
                completed_on=data["completed_on"],
                note=data["note"],
                inspection_id=data.get("inspection"),
                report_id=data.get("report"),
            ),
            _("已登记完成情况"),
            COMPLETION_FIELDS,
        )
        if done is not None:
            return redirect(f"{campaign.get_absolute_url()}#matrix")
    return _campaign_page(request, campaign, completion_form=form)


@login_required
@require_POST
def completion_withdraw(request, pk: int):
    """A mistaken record comes off, with the reason."""
    user = request.user
    require(user, VIEW)
    completion = get_or_404(
        Completion.objects.visible_to(user).select_related(
            "deliverable__phase__campaign"
        ),
        pk,
    )
    campaign = _campaign_or_404(user, completion.deliverable.phase.campaign_id)
    require(user, REPORT, completion)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.completion_withdraw(
                actor=user,
                completion_id=completion.pk,
                reason=form.cleaned_data["reason"],
            ),
            _("已撤回完成情况"),
        )
    else:
        messages.error(request, form_errors(form))
    return redirect(f"{campaign.get_absolute_url()}#matrix")


@login_required
@require_POST
def deliverable_reschedule(request, pk: int):
    """The lead bureau moves a deadline, with the reason."""
    user = request.user
    require(user, VIEW)
    deliverable = get_or_404(
        Deliverable.objects.filter(
            phase__campaign__in=selectors.campaigns(user)
        ).select_related("phase__campaign"),
        pk,
    )
    campaign = deliverable.phase.campaign
    require(user, MANAGE, campaign)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.deliverable_reschedule(
                actor=user,
                deliverable_id=deliverable.pk,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            ),
            _("已调整完成时限"),
        )
    else:
        messages.error(request, form_errors(form))
    return redirect(f"{campaign.get_absolute_url()}#deliverable-{deliverable.pk}")
