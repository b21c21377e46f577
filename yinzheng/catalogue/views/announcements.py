"""Staff side of the batch announcements (REQ-122): a committee's clerk or head
acknowledges one; townships, counties and inspectors see which of their committees have
not. The public page is the portal's (portal/views/catalogue.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core.web import attempt

from .. import selectors
from ..models import Announcement
from ..services import announcements

PAGE = 200


@login_required
@require_POST
def announcement_acknowledge(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    attempt(
        request,
        lambda: announcements.announcement_acknowledge(
            actor=request.user,
            announcement_id=announcement.pk,
            committee_code=request.POST.get("committee", "")[:12],
        ),
        _("已阅知，本村（居）委会按新清单办理"),
    )
    return redirect(announcement.get_absolute_url())


@login_required
def announcement_progress(request, pk: int):
    """The committees under the viewer that have not acknowledged (REQ-122)."""
    if not policy.can(request.user, selectors.PROGRESS_ACTION):
        raise PermissionDenied
    announcement = get_object_or_404(
        Announcement.objects.select_related("version__catalogue_list"), pk=pk
    )
    pending = selectors.announcement_pending(request.user, announcement)
    page = Paginator(pending, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/announcement_progress.html",
        {
            "announcement": announcement,
            "progress": selectors.announcement_progress(request.user, announcement),
            "page": page,
        },
    )
