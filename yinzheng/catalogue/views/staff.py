"""Who reaches the staff pages that keep the lists (REQ-003–020).

An officer sees the lists owned inside the subtrees where the policy grants them
"catalogue.manage". A user without the action anywhere gets 403; a list outside their
subtrees, or a version or a clean-up of one, is 404, as if it did not exist. Every write
is one call to a catalogue service; a refusal comes back as a DomainError, the page shows
its message and returns to the list's page (`back_to_list`).
"""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from yinzheng.accounts import policy

from .. import selectors
from ..choices import VersionStatus
from ..models import CatalogueList, ListVersion

ACTION = "catalogue.manage"
OPEN_STATUSES = [VersionStatus.DRAFT, VersionStatus.APPROVED]


def require_manager(user: Any) -> None:
    if not policy.can(user, ACTION):
        raise PermissionDenied


def manageable_lists(user: Any) -> QuerySet[CatalogueList]:
    return selectors.lists_manageable(user)


def list_or_404(user: Any, pk: int) -> CatalogueList:
    require_manager(user)
    catalogue_list = manageable_lists(user).filter(pk=pk).first()
    if catalogue_list is None or not policy.can(user, ACTION, catalogue_list):
        raise Http404
    return catalogue_list


def version_or_404(user: Any, version_id: int) -> ListVersion:
    require_manager(user)
    version = ListVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise Http404
    list_or_404(user, version.catalogue_list_id)
    return version


def back_to_list(list_id: int, query: dict[str, str] | None = None, anchor=""):
    url = reverse("catalogue:manage_list", args=[list_id])
    if query:
        url += "?" + urlencode(query)
    return redirect(url + anchor)
