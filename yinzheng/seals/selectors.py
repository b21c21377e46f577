"""Reads of the seal registry, through the policy's visibility filter.

`usable()`, `unusable_reason()`, `current_custodian()` and `head_of()` are the interface
the sealing and register work builds on: a seal may be applied only when it is in use,
in the office and has never been lost, blocked, revoked or collected.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yinzheng.accounts import policy
from yinzheng.accounts.choices import COMMITTEE_STAFF, Role
from yinzheng.accounts.models import RoleGrant, User
from yinzheng.core import uploads
from yinzheng.core.codes import Level
from yinzheng.core.db import unique_row
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .choices import HandoverStatus, SealStatus, TakeOutStatus, UseStatus
from .models import (
    CollectionTask,
    Custody,
    Handover,
    LossReport,
    Seal,
    TakeOut,
    UsageRequest,
)

# Visibility (the policy decides; `Model.objects.visible_to(user, action)`) ----------


SEAL_RELATED = ("committee", "issuer", "replaces")
USAGE_RELATED = (
    "committee",
    "seal",
    "handler",
    "reviewer",
    "approver",
    "custodian",
    "register_entry__chain",
)


def seal_get(user: Any, pk: int) -> Seal | None:
    return (
        Seal.objects.visible_to(user)
        .select_related(*SEAL_RELATED)
        .filter(pk=pk)
        .first()
    )


def committees_for_issue(user: Any) -> QuerySet[Division]:
    """Active committees under the townships where the user may issue seals."""
    return (
        Division.objects.committees()
        .in_scope_of(user, "seal.issue")
        .filter(status=CommitteeStatus.ACTIVE)
        .order_by("code")
    )


def issuers_for(user: Any) -> QuerySet[Division]:
    """Townships the user may issue seals for (REQ-060: the issuer is a township)."""
    return (
        Division.objects.filter(level=Level.TOWNSHIP)
        .in_scope_of(user, "seal.issue")
        .order_by("code")
    )


# The interface of a seal ----------------------------------------------------------


def current_takeout(seal: Seal) -> TakeOut | None:
    return unique_row(  # one out at most (takeout_one_out_per_seal)
        TakeOut.objects.filter(seal=seal, status=TakeOutStatus.OUT).select_related(
            "decided_by", "requested_by"
        )
    )


def unusable_reason(seal: Seal) -> str | None:
    """Why the seal may not be applied now (a stable code), or None when it may."""
    if seal.unusable_since is not None or seal.status != SealStatus.IN_USE:
        return seal.status if seal.status != SealStatus.IN_USE else "retired"
    if current_takeout(seal) is not None:
        return "out_of_office"
    return None


def usable(seal: Seal) -> bool:
    """May the seal be applied now? In use, never retired, and in the office."""
    return unusable_reason(seal) is None


def current_custody(seal: Seal) -> Custody | None:
    return unique_row(  # one current at most (custody_one_current_per_seal)
        Custody.objects.filter(seal=seal, until__isnull=True).select_related(
            "custodian", "appointed_by"
        )
    )


def current_custodian(seal: Seal) -> Any:
    custody = current_custody(seal)
    return custody.custodian if custody else None


def custody_history(seal: Seal) -> QuerySet[Custody]:
    return seal.custodies.select_related("custodian", "appointed_by").order_by(
        "since", "pk"
    )


@dataclass(frozen=True)
class HeadTerm:
    user: Any
    since: dt.datetime
    until: dt.datetime | None


def head_history(committee: Division | str) -> list[HeadTerm]:
    """The committee's heads, first responsible persons for its seals (REQ-059), from
    the dated HEAD grants (granted_at / revoked_at), oldest first."""
    code = committee if isinstance(committee, str) else committee.code
    grants = (
        RoleGrant.objects.filter(division_id=code, role=Role.HEAD)
        .select_related("user")
        .order_by("granted_at", "pk")
    )
    return [HeadTerm(g.user, g.granted_at, g.revoked_at) for g in grants]


def head_of(committee: Division | str, on: dt.date | dt.datetime | None = None) -> Any:
    """The head (第一责任人) at a moment, or on a day (REQ-059); None when there was none.

    On a day on which the head changed, the one appointed that day is named.
    """
    code = committee if isinstance(committee, str) else committee.code
    if on is None:
        on = timezone.now()
    if isinstance(on, dt.datetime):
        start = end = on
    else:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(on, dt.time.min, tzinfo=tz)
        end = start + dt.timedelta(days=1)
    grant = (
        RoleGrant.objects.filter(division_id=code, role=Role.HEAD)
        .filter(granted_at__lte=end)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=start))
        .select_related("user")
        .order_by("-granted_at", "-pk")
        .first()
    )
    return grant.user if grant else None


def committee_staff(committee: Division | str) -> QuerySet[User]:
    """Active people holding a committee role there (clerk, head, custodian)."""
    code = committee if isinstance(committee, str) else committee.code
    return User.objects.filter(
        is_active=True,
        grants__division_id=code,
        grants__role__in=COMMITTEE_STAFF,
        grants__revoked_at__isnull=True,
    ).distinct()


def short_staffed(committee: Division | str) -> bool:
    """Fewer than two people: approving and keeping cannot be separated (DIV-01)."""
    return committee_staff(committee).count() < 2


def committees_short_staffed(user: Any) -> QuerySet[Division]:
    """Active committees the user sees that have fewer than two active staff (DIV-01)."""
    staff = (
        RoleGrant.objects.active()
        .filter(
            division=OuterRef("code"),
            role__in=COMMITTEE_STAFF,
            user__is_active=True,
        )
        .order_by()
        .values("division")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return (
        Division.objects.committees()
        .in_scope_of(user, "seal.view")
        .filter(status=CommitteeStatus.ACTIVE)
        .annotate(has_two=Exists(staff.filter(n__gte=2)))
        .filter(has_two=False)
        .order_by("code")
    )


def custodian_is_head(seal: Seal) -> bool:
    """The current custodian has since become head (DIV-01 breached: hand over)."""
    custody = current_custody(seal)
    if custody is None:
        return False
    return (
        RoleGrant.objects.active()
        .filter(user=custody.custodian, division_id=seal.committee_id, role=Role.HEAD)
        .exists()
    )


# Queues ---------------------------------------------------------------------------


def loss_reports_open(user: Any) -> QuerySet[LossReport]:
    return (
        LossReport.objects.visible_to(user)
        .filter(closed_at__isnull=True)
        .select_related("seal__committee", "reported_by")
    )


def collection_tasks_open(user: Any) -> QuerySet[CollectionTask]:
    return (
        CollectionTask.objects.visible_to(user)
        .filter(closed_at__isnull=True)
        .select_related("committee")
    )


def handovers_open(user: Any) -> QuerySet[Handover]:
    return (
        Handover.objects.visible_to(user)
        .filter(status=HandoverStatus.OPEN)
        .select_related("committee", "outgoing", "incoming", "opened_by")
    )


def handovers_overdue(user: Any, today: dt.date) -> QuerySet[Handover]:
    """Open handovers past their due date (REQ-068: due on T+10, overdue after it)."""
    return handovers_open(user).filter(due_on__lt=today).order_by("due_on")


def handovers_waiting_for(user: Any) -> QuerySet[Handover]:
    """Open handovers in which this user still has to confirm a side."""
    heads = policy.scope(user, "seal.custody")  # the head confirms for the outgoing
    mine = Q(outgoing=user, outgoing_confirmed_at__isnull=True) | Q(
        incoming=user, incoming_confirmed_at__isnull=True
    )
    if heads:
        mine |= Q(outgoing_confirmed_at__isnull=True) & heads.q("committee_id")
    return Handover.objects.filter(status=HandoverStatus.OPEN).filter(mine)


def takeouts_overdue(user: Any, now: dt.datetime) -> QuerySet[TakeOut]:
    """Seals out of the office past their due-back time (REQ-066)."""
    return (
        TakeOut.objects.visible_to(user)
        .select_related("seal__committee", "requested_by", "decided_by")
        .filter(status=TakeOutStatus.OUT, due_back_at__lt=now)
        .order_by("due_back_at")
    )


def takeouts_to_decide(user: Any) -> QuerySet[TakeOut]:
    """Take-out requests waiting for this head's decision."""
    return TakeOut.objects.visible_to(user, "seal.custody").filter(
        status=TakeOutStatus.REQUESTED
    )


# Sealing (REQ-050–058) ------------------------------------------------------------


def usage_get(user: Any, pk: int) -> UsageRequest | None:
    return (
        UsageRequest.objects.visible_to(user)
        .select_related(*USAGE_RELATED)
        .filter(pk=pk)
        .first()
    )


def _keeps(user: Any) -> Exists:
    return Exists(
        Custody.objects.filter(
            seal=OuterRef("seal_id"), until__isnull=True, custodian_id=user.pk
        )
    )


def usage_to_review(user: Any) -> QuerySet[UsageRequest]:
    """Waiting for review where the user may review (clerk, head), except the matters
    on seals the user keeps: a custodian never reviews (REQ-067, DIV-01)."""
    return (
        UsageRequest.objects.visible_to(user, "usage.review")
        .filter(status=UseStatus.SUBMITTED)
        .exclude(_keeps(user))
        .order_by("submitted_at", "pk")
    )


def usage_to_approve(user: Any) -> QuerySet[UsageRequest]:
    """Reviewed, waiting for this head's signature (REQ-054)."""
    return (
        UsageRequest.objects.visible_to(user, "usage.approve")
        .filter(status=UseStatus.REVIEWED)
        .exclude(_keeps(user))
        .order_by("reviewed_at", "pk")
    )


def usage_to_seal(user: Any) -> QuerySet[UsageRequest]:
    """Approved, on a seal this user keeps now: to register and seal (REQ-070)."""
    return (
        UsageRequest.objects.filter(status=UseStatus.APPROVED)
        .filter(_keeps(user))
        .order_by("approved_at", "pk")
    )


def usage_document_name(usage: UsageRequest) -> str:
    """The name the document is shown and downloaded under: the matter's content with
    the extension of the type the document's content shows. The uploaded name is not
    kept (issue 13), and the stored one is random."""
    file_type = uploads.stored_type(usage.document)
    return uploads.display_name(
        usage.content[:60], file_type, fallback=f"document-{usage.pk}"
    )


# History --------------------------------------------------------------------------


def seal_history(seal: Seal) -> list[audit.Event]:
    """The seal's events as the audit journal holds them, oldest first."""
    return audit.history(seal)
