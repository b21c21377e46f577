"""The publication channels on a list's staff page (REQ-078, REQ-081, DIV-06).

The page shows which version each configured channel last showed ("未同步" where it is
not the current one), records that the current version went out on a channel, and
changes the list's channel set, through catalogue.services.publications.

The 公布渠道 page (/catalogue/manage/publishing/) does the same for the guides each
jurisdiction publishes and for its related rules (相关制度), which it also registers
(REQ-078).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.core import clock
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from .. import selectors
from ..forms.lists import (
    ChannelsForm,
    GuidePublicationForm,
    PublicationForm,
    RuleForm,
    RulePublicationForm,
)
from ..models import CatalogueList, ListVersion
from ..services import publications
from ..services.publications import ACTION, RULE_OWNER_LEVELS
from .staff import back_to_list, list_or_404, require_manager


def publication_context(
    catalogue_list: CatalogueList, current: ListVersion | None
) -> dict[str, Any]:
    return {
        "channel_rows": selectors.channel_status(catalogue_list, current),
        "publication_form": (
            PublicationForm(
                initial={"version": current.number, "published_on": clock.today()},
                channels=catalogue_list.channels,
            )
            if current
            else None
        ),
        "channels_form": ChannelsForm(initial={"channels": catalogue_list.channels}),
    }


@login_required
@require_POST
def manage_publication_record(request, pk: int):
    """Record that the list's current version went out on one channel (REQ-078)."""
    catalogue_list = list_or_404(request.user, pk)
    # Every channel is offered here: the service says why one outside the set is refused.
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back_to_list(catalogue_list.pk, anchor="#channels")
    data = form.cleaned_data
    version = catalogue_list.versions.filter(number=data["version"]).first()
    if version is None:
        raise Http404
    attempt(
        request,
        lambda: publications.publication_record(
            actor=request.user,
            version_id=version.pk,
            channel=data["channel"],
            published_on=data["published_on"],
            location=data["location"],
        ),
        _("已登记公布渠道及日期"),
    )
    return back_to_list(catalogue_list.pk, anchor="#channels")


@login_required
@require_POST
def manage_channels(request, pk: int):
    """Change the set of channels the list must be published on (REQ-078, DIV-06)."""
    catalogue_list = list_or_404(request.user, pk)
    form = ChannelsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: publications.channels_set(
                actor=request.user,
                list_id=catalogue_list.pk,
                channels=form.cleaned_data["channels"],
            ),
            _("已更新公布渠道"),
        )
    return back_to_list(catalogue_list.pk, anchor="#channels")


# Guides and related rules: the 公布渠道 page (REQ-078) -------------------------------


def _owners(user: Any) -> list[tuple[str, str]]:
    """The jurisdictions the user keeps rules for (county and above, in scope)."""
    divisions = (
        Division.objects.in_scope_of(user, ACTION)
        .filter(level__in=RULE_OWNER_LEVELS)
        .order_by("code")[:200]
    )
    return [(d.code, f"{d.name}（{d.code}）") for d in divisions]


@login_required
def publishing_index(request):
    """Per jurisdiction the user manages: each published guide and related rule, when
    it went out on each channel, "未同步" where it has not (REQ-078)."""
    require_manager(request.user)
    guide_rows = selectors.guide_rows(request.user)
    rules = list(selectors.rules_manageable(request.user))
    rule_rows = [
        {
            "rule": rule,
            "channels": (status := selectors.rule_channel_status(rule)),
            "out_of_sync": [c for c in status if not c.in_sync],
            "form": RulePublicationForm(
                initial={"rule": rule.pk, "published_on": clock.today()},
                channels=[c.channel for c in status],
            ),
        }
        for rule in rules
    ]
    owners = _owners(request.user)
    divisions = sorted({(r.owner_code, r.owner_name) for r in guide_rows})
    guides = sorted(
        {(r.guide.item.key, r.guide.item.name) for r in guide_rows},
        key=lambda kv: kv[1],
    )
    return render(
        request,
        "catalogue/publishing.html",
        {
            "guide_rows": guide_rows,
            "rule_rows": rule_rows,
            "guide_form": GuidePublicationForm(
                initial={"published_on": clock.today()},
                divisions=[(c, f"{n}（{c}）") for c, n in divisions],
                guides=guides,
            )
            if guide_rows
            else None,
            "rule_form": RuleForm(owners=owners) if owners else None,
        },
    )


def _back(anchor: str):
    return redirect(reverse("catalogue:publishing") + anchor)


@login_required
@require_POST
def publishing_guide_record(request):
    """Record that a jurisdiction put a published guide out on one channel."""
    require_manager(request.user)
    form = GuidePublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back("#guides")
    data = form.cleaned_data
    attempt(
        request,
        lambda: publications.guide_publication_record(
            actor=request.user,
            item_key=data["item"],
            division_code=data["division"],
            channel=data["channel"],
            published_on=data["published_on"],
            location=data["location"],
        ),
        _("已登记办事指南的公布渠道及日期"),
    )
    return _back("#guides")


@login_required
@require_POST
def publishing_rule_create(request):
    require_manager(request.user)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back("#rules")
    data = form.cleaned_data
    attempt(
        request,
        lambda: publications.rule_create(
            actor=request.user,
            owner_code=data["owner"],
            title=data["title"],
            reference=data["reference"],
            issued_on=data["issued_on"],
            text=data["text"],
        ),
        _("已登记相关制度"),
    )
    return _back("#rules")


@login_required
@require_POST
def publishing_rule_record(request):
    require_manager(request.user)
    form = RulePublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back("#rules")
    data = form.cleaned_data
    if not selectors.rules_manageable(request.user).filter(pk=data["rule"]).exists():
        raise Http404
    attempt(
        request,
        lambda: publications.rule_publication_record(
            actor=request.user,
            rule_id=data["rule"],
            channel=data["channel"],
            published_on=data["published_on"],
            location=data["location"],
        ),
        _("已登记相关制度的公布渠道及日期"),
    )
    return _back(f"#rule-{data['rule']}")
