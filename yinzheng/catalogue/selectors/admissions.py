"""Reads of the admission, exit and filing applications (REQ-019, REQ-023, REQ-024,
REQ-027): the items an approved admission brings into a version, the decisions the public
may read, the items an approved exit keeps "to be discontinued" while the law is amended,
the opinions a user is asked for, and who may record one.
"""

from typing import Any

from django.db.models import QuerySet

from yinzheng.accounts import policy

from ..choices import ApplicationKind, ApplicationStatus
from ..models import Application, CatalogueList, Item, ReviewOpinion


def admitted_item_ids(version_id: int) -> set[int]:
    """Items an approved admission brings into this version (REQ-019)."""
    return set(
        Application.objects.filter(
            resulting_version_id=version_id,
            kind=ApplicationKind.ADMISSION,
            status=ApplicationStatus.APPROVED,
        ).values_list("item_id", flat=True)
    )


DECIDED_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.PUBLISHED,
)


def decisions_public() -> QuerySet[Application]:
    """Admission and exit decisions, for the public page (REQ-024): who applied, for
    what, the meeting, the outcome and its reasons. No personal data is held here."""
    return (
        Application.objects.filter(
            kind__in=[ApplicationKind.ADMISSION, ApplicationKind.EXIT],
            status__in=DECIDED_STATUSES,
        )
        .select_related("catalogue_list__owner", "item", "resulting_version")
        .order_by("-meeting_date", "-id")
    )


def items_to_be_discontinued(catalogue_list: CatalogueList) -> list[Item]:
    """Items an approved exit marks "to be discontinued" while the law is amended
    (REQ-027)."""
    return list(
        Item.objects.filter(
            applications__catalogue_list=catalogue_list,
            applications__kind=ApplicationKind.EXIT,
            applications__status=ApplicationStatus.APPROVED,
            applications__resulting_version__isnull=True,
        ).distinct()
    )


def opinions_awaited(user: Any) -> list[ReviewOpinion]:
    """Requested opinions the user may record, for the home inbox."""
    pending = ReviewOpinion.objects.filter(
        opinion="",
        application__status=ApplicationStatus.IN_REVIEW,
        application__in=Application.objects.visible_to(user),
    ).select_related("application__catalogue_list", "township")
    return [o for o in pending if may_record_opinion(user, o)]


def may_record_opinion(user: Any, opinion: ReviewOpinion) -> bool:
    """The reviewer itself, or civil affairs entering an opinion received on paper."""
    catalogue_list = opinion.application.catalogue_list
    if policy.can(user, "catalogue.manage", catalogue_list):
        return True
    if opinion.township_id:
        return policy.can(user, "catalogue.opinion_township", opinion.township_id)
    return opinion.department in policy.departments_at(user, catalogue_list)
