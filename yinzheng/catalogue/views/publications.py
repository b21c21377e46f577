"""The publication channels on a list's staff page (REQ-078, REQ-081, DIV-06).

The page shows which version each configured channel last showed ("未同步" where it is
not the current one), records that the current version went out on a channel, and
changes the list's channel set, through catalogue.services.publications.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.core import clock
from yinzheng.core.web import attempt, form_errors

from .. import selectors
from ..forms.lists import ChannelsForm, PublicationForm
from ..models import CatalogueList, ListVersion
from ..services import publications
from .staff import back_to_list, list_or_404


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
