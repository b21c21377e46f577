"""Reads of the batch announcements (REQ-122): the public list, what a committee has yet
to acknowledge, and which committees under a township, county or inspector have not."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from yinzheng.accounts import policy
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division, DivisionQuerySet

from ..models import Acknowledgement, Announcement, ListEntry

ACKNOWLEDGE = "catalogue.acknowledge"
PROGRESS_ACTION = "catalogue.announcement_progress"


def announcements() -> QuerySet[Announcement]:
    """Every announcement, the newest first (public)."""
    return Announcement.objects.select_related("version__catalogue_list")


def announcement_entries(announcement: Announcement) -> QuerySet[ListEntry]:
    return announcement.version.entries.select_related("item").order_by("number")


def _read(announcement: Announcement) -> Exists:
    return Exists(
        Acknowledgement.objects.filter(
            announcement=announcement, committee_id=OuterRef("code")
        )
    )


def _in_service() -> DivisionQuerySet:
    return Division.objects.committees().filter(status=CommitteeStatus.ACTIVE)


def announcement_pending(viewer: Any, announcement: Announcement) -> DivisionQuerySet:
    """The committees in service under the viewer that have not acknowledged it, by
    code (NOT EXISTS on the acknowledgements' unique index: no row per committee is
    written at import)."""
    return (
        _in_service()
        .in_scope_of(viewer, PROGRESS_ACTION)
        .exclude(_read(announcement))
        .select_related("parent")
        .order_by("code")
    )


@dataclass(frozen=True)
class Progress:
    committees: int
    acknowledged: int

    @property
    def pending(self) -> int:
        return self.committees - self.acknowledged


def announcement_progress(viewer: Any, announcement: Announcement) -> Progress:
    committees = _in_service().in_scope_of(viewer, PROGRESS_ACTION)
    return Progress(
        committees=committees.count(),
        acknowledged=committees.filter(_read(announcement)).count(),
    )


def to_acknowledge(user: Any) -> list[tuple[Announcement, Division]]:
    """(announcement, committee) for each announcement a committee the user may
    acknowledge for has not yet acknowledged, the newest first."""
    if not policy.can(user, ACKNOWLEDGE):
        return []
    committees = list(
        _in_service().in_scope_of(user, ACKNOWLEDGE).order_by("code")[:50]
    )
    if not committees:
        return []
    read = set(
        Acknowledgement.objects.filter(
            committee__in=[c.code for c in committees]
        ).values_list("announcement_id", "committee_id")
    )
    return [
        (a, c)
        for a in announcements()
        for c in committees
        if (a.pk, c.code) not in read
    ]
