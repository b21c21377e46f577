"""Staff pages of an item and of its service guide.

An item's own page edits its flags and texts through catalogue.services.item_update,
which decides who may: the item is shared by every list that names it, and the national
reference data is not editable (REQ-119).

The guide page of an item (REQ-075, REQ-076) edits its service guide, names the parts it
still lacks, publishes and withdraws it, through catalogue.services.guides; a department
officer (DIV-14) may open it to save drafts only, and sees who saved the guide last.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core.errors import DomainError
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..forms.lists import GuideForm, GuideWithdrawForm, ItemEditForm
from ..models import Guide, Item
from ..services import guides
from .staff import require_manager


def _guide_page(key: str):
    return redirect("catalogue:manage_guide", key=key)


@login_required
def manage_guide(request, key: str):
    # DIV-14: a department officer supplies the content (drafts only); publishing and
    # withdrawing stay with the list owner, on their own views below.
    if not guides.may_save(request.user):
        raise PermissionDenied
    item = Item.objects.filter(key=key).first()
    if item is None:
        raise Http404
    guide = Guide.objects.select_related("updated_by").filter(item=item).first()
    if request.method == "POST":
        form = GuideForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            saved = attempt(
                request,
                lambda: guides.guide_save(
                    actor=request.user, item_key=item.key, **form.cleaned_data
                ),
                _("已保存办事指南草稿"),
            )
            if saved is not None:
                return _guide_page(item.key)
    else:
        initial = (
            {name: getattr(guide, name) for name in guides.CONTENT_FIELDS}
            if guide
            else {"time_limit_days": item.time_limit_days}
        )
        form = GuideForm(initial=initial)
    return render(
        request,
        "catalogue/manage_guide.html",
        {
            "item": item,
            "guide": guide,
            "form": form,
            "missing": guides.guide_missing_parts(guide) if guide else [],
            "withdraw_form": GuideWithdrawForm(),
            "may_publish": policy.can(request.user, guides.ACTION),
            "channel_rows": _guide_channels(request.user, guide),
        },
    )


def _guide_channels(user: Any, guide: Guide | None) -> list[dict[str, Any]]:
    """REQ-078: per jurisdiction the user manages that publishes this guide, when it
    went out on each of its channels."""
    if guide is None or not guide.is_published or not policy.can(user, guides.ACTION):
        return []
    codes = [
        c
        for c in selectors.guide_jurisdictions(guide)
        if policy.can(user, guides.ACTION, c)
    ]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {"name": names.get(c, c), "channels": selectors.guide_channel_status(guide, c)}
        for c in codes
    ]


def _item_initial(item: Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in services.ITEM_EDITABLE_FIELDS}


@login_required
def manage_item_edit(request, key: str):
    """Edit an item's flags and texts. An item is shared by every list naming it, so the
    service refuses one named by a list the officer may not manage, and the national
    reference data (REQ-119); the page shows why, and keeps the form for a refused
    POST with the officer's input."""
    require_manager(request.user)
    item = Item.objects.filter(key=key).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(
                    actor=request.user, item_key=item.key, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存证明事项"))
                return redirect("catalogue:manage_item_edit", key=item.key)
    else:
        form = ItemEditForm(initial=_item_initial(item))
    refusal = services.item_edit_refusal(request.user, item)
    return render(
        request,
        "catalogue/manage_item.html",
        {
            "item": item,
            "form": form,
            "refusal": refusal.message if refusal is not None else None,
            "lists": services.lists_naming(item),
        },
    )


@login_required
@require_POST
def manage_guide_publish(request, key: str):
    require_manager(request.user)
    attempt(
        request,
        lambda: guides.guide_publish(actor=request.user, item_key=key),
        _("已公布办事指南"),
    )
    return _guide_page(key)


@login_required
@require_POST
def manage_guide_withdraw(request, key: str):
    require_manager(request.user)
    form = GuideWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: guides.guide_withdraw(
                actor=request.user, item_key=key, reason=form.cleaned_data["reason"]
            ),
            _("已撤回办事指南，可修改后重新公布"),
        )
    return _guide_page(key)
