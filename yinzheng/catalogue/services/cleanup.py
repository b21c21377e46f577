"""The clean-up pass (清理) over a list: a disposition for every item (REQ-011).

The owner starts a clean-up on the latest published version of a positive list (or of
one of the duty lists of REQ-017). Every entry gets a decision, prefilled with a
suggestion (`suggest_disposition`): "on a higher negative list" when a negative list in
force at or above the owner names it (REQ-010), "no legal basis" when it has no basis or
only a policy one (REQ-004, DIV-07), else "keep". A suggestion is only that: its
`decided_by` stays empty until a person confirms or changes it (`cleanup_decide`), and
every removal, like "to be discontinued", needs a reason.

Completing (`cleanup_complete`) refuses while any decision is unconfirmed. When some
items are to be removed, the list's next draft version is created from the current one
without them (versions.version_draft / version_remove_item); it then goes through
approval and publication like any other version. A list that already has an open draft
cannot take a second one, so completion is refused until that draft is published or
discarded. Completion also records the periodic clean-up and assessment (REQ-013), all
in one transaction.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, InvalidInput, NotFound
from yinzheng.ledger import audit

from .. import selectors
from ..choices import (
    CLEANUP_REMOVALS,
    ELIGIBLE_BASIS_TYPES,
    CleanupDisposition,
    ListKind,
    VersionStatus,
)
from ..errors import CatalogueCode
from ..models import CatalogueList, CleanupDecision, CleanupReview, Item
from . import lists, versions

ACTION = "catalogue.manage"


CLEANABLE_KINDS = frozenset({ListKind.POSITIVE, ListKind.DUTIES, ListKind.ASSISTANCE})


# Dispositions that must say why (REQ-011; REQ-027 for "to be discontinued").
REASON_REQUIRED = CLEANUP_REMOVALS | {CleanupDisposition.TO_BE_DISCONTINUED}


def suggest_disposition(
    catalogue_list: CatalogueList,
    item: Item,
    on_date: dt.date,
    *,
    negative: dict[int, str] | None = None,
) -> str:
    """What the system suggests for `item` on `on_date`; a person confirms it.

    `negative` (item id → list title, from selectors.negative_items_above) may be passed
    to avoid one query per item."""
    if negative is None:
        negative = selectors.negative_items_above(catalogue_list.owner_id, on_date)
    if item.pk in negative:  # REQ-010
        return CleanupDisposition.ON_NEGATIVE_LIST
    types = {b.basis_type for b in item.bases.all()}
    if not types & ELIGIBLE_BASIS_TYPES:  # REQ-004, REQ-020
        return CleanupDisposition.NO_BASIS
    return CleanupDisposition.KEEP


def _suggestion_reason(disposition: str, item: Item, negative: dict[int, str]) -> str:
    if disposition == CleanupDisposition.ON_NEGATIVE_LIST:
        return _("已列入《%s》") % negative[item.pk]
    if disposition == CleanupDisposition.NO_BASIS:
        if item.bases.all():
            return _("只有政策依据，无法律、法规或国务院保留证明事项清单依据")
        return _("没有设定依据")
    return ""


def _list_for_update(list_id: int) -> CatalogueList:
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code=CatalogueCode.LIST_NOT_FOUND)
    return catalogue_list


def _review_for_update(review_id: int) -> CleanupReview:
    """The review, its list locked first (list → review, the order cleanup_start and the
    list services take)."""
    list_id = (
        CleanupReview.objects.filter(pk=review_id)
        .values_list("catalogue_list_id", flat=True)
        .first()
    )
    if list_id is None:
        raise NotFound(_("未找到该清理"), code=CatalogueCode.CLEANUP_NOT_FOUND)
    _list_for_update(list_id)
    return (
        CleanupReview.objects.select_for_update()
        .select_related("catalogue_list", "base_version")
        .get(pk=review_id)
    )


def _require_open(review: CleanupReview) -> None:
    if review.completed_at is not None:
        raise Conflict(
            _("该清理已完成，不能再修改"), code=CatalogueCode.CLEANUP_COMPLETED
        )


@transaction.atomic
def cleanup_start(*, actor: Actor, list_id: int) -> CleanupReview:
    """Open a clean-up of the list's latest published version, one suggested decision
    per entry (REQ-011)."""
    catalogue_list = _list_for_update(list_id)
    policy.require(actor, ACTION, catalogue_list)
    if catalogue_list.kind not in CLEANABLE_KINDS:
        raise InvalidInput(
            _("只有出具证明事项清单和依法履行职责、协助政府工作事项清单需要清理"),
            code=CatalogueCode.CLEANUP_LIST_KIND,
        )
    if catalogue_list.cleanups.filter(completed_at__isnull=True).exists():
        raise Conflict(_("该清单已有未完成的清理"), code=CatalogueCode.CLEANUP_OPEN)
    base = selectors.latest_published(catalogue_list)
    if base is None:
        raise Conflict(
            _("该清单尚无已公布的版本"), code=CatalogueCode.NO_PUBLISHED_VERSION
        )
    review = CleanupReview.objects.create(
        catalogue_list=catalogue_list, base_version=base, started_by=person(actor)
    )
    negative = selectors.negative_items_above(catalogue_list.owner_id, clock.today())
    decisions = []
    for entry in base.entries.select_related("item").prefetch_related("item__bases"):
        disposition = suggest_disposition(
            catalogue_list, entry.item, clock.today(), negative=negative
        )
        decisions.append(
            CleanupDecision(
                review=review,
                item=entry.item,
                disposition=disposition,
                reason=_suggestion_reason(disposition, entry.item, negative),
                decided_by=None,  # a suggestion until a person confirms it
            )
        )
    CleanupDecision.objects.bulk_create(decisions)
    audit.record(
        actor=actor,
        event="cleanup.started",
        subject=review,
        after={
            "list": catalogue_list.pk,
            "version": base.number,
            "suggested": {d.item.key: d.disposition for d in decisions},
        },
    )
    return review


def _checked_decision(
    decision: CleanupDecision, disposition: str, reason: str
) -> dict[str, str] | None:
    """The problem with deciding `decision` so, or None."""
    if disposition not in CleanupDisposition.values:
        return {
            "item": decision.item.key,
            "code": "disposition_invalid",
            "message": _("处理意见无效"),
        }
    if disposition in REASON_REQUIRED and not reason.strip():
        return {
            "item": decision.item.key,
            "code": "cleanup_reason_required",
            "message": _("“%(item)s”拟%(what)s，须填写理由")
            % {
                "item": decision.item.name,
                "what": CleanupDisposition(disposition).label,
            },
        }
    return None


def _apply(
    actor: Actor, decision: CleanupDecision, disposition: str, reason: str
) -> None:
    before = audit.snapshot(decision, ["disposition", "reason", "decided_by"])
    decision.disposition = disposition
    decision.reason = reason.strip()
    decision.decided_by = person(actor)
    decision.save(update_fields=["disposition", "reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="cleanup.decided",
        subject=decision,
        before=before,
        after={
            "item": decision.item.key,
            **audit.snapshot(decision, ["disposition", "reason", "decided_by"]),
        },
    )


@transaction.atomic
def cleanup_decide(
    *, actor: Actor, review_id: int, item_key: str, disposition: str, reason: str
) -> CleanupDecision:
    """Confirm or change the disposition of one item; removals and "to be
    discontinued" need a reason (REQ-011, REQ-027)."""
    [decision] = cleanup_decide_many(
        actor=actor,
        review_id=review_id,
        decisions=[(item_key, disposition, reason)],
    )
    return decision


@transaction.atomic
def cleanup_decide_many(
    *,
    actor: Actor,
    review_id: int,
    decisions: Iterable[tuple[str, str, str]],
) -> list[CleanupDecision]:
    """Confirm several items at once: (item key, disposition, reason) each. All or
    nothing: every row's problem is named in `detail` and none is saved."""
    review = _review_for_update(review_id)
    policy.require(actor, ACTION, review)
    _require_open(review)
    wanted = list(decisions)
    rows = {
        d.item.key: d
        for d in review.decisions.select_for_update()
        .select_related("item")
        .filter(item__key__in=[key for key, _d, _r in wanted])
    }
    problems = []
    for key, disposition, reason in wanted:
        decision = rows.get(key)
        if decision is None:
            problems.append(
                {
                    "item": key,
                    "code": "decision_not_found",
                    "message": _("事项 %s 不在本次清理中") % key,
                }
            )
        elif problem := _checked_decision(decision, disposition, reason):
            problems.append(problem)
    if problems:
        if len(wanted) == 1 and problems[0]["code"] == "decision_not_found":
            raise NotFound(
                problems[0]["message"], code=CatalogueCode.DECISION_NOT_FOUND
            )
        raise InvalidInput(
            "；".join(p["message"] for p in problems),
            code=CatalogueCode(problems[0]["code"])
            if len(problems) == 1
            else CatalogueCode.CLEANUP_ROWS_INVALID,
            detail=problems,
        )
    for key, disposition, reason in wanted:
        _apply(actor, rows[key], disposition, reason)
    return [rows[key] for key, _d, _r in wanted]


@transaction.atomic
def cleanup_complete(*, actor: Actor, review_id: int, conclusion: str) -> CleanupReview:
    """Close the clean-up: removals go into the list's next draft; the periodic review is
    recorded (REQ-011, REQ-013)."""
    review = _review_for_update(review_id)
    policy.require(actor, ACTION, review)
    _require_open(review)
    conclusion = conclusion.strip()
    if not conclusion:
        raise InvalidInput(_("请填写清理结论"), code=CatalogueCode.CONCLUSION_REQUIRED)
    decisions = list(review.decisions.select_related("item").order_by("item__name"))
    unconfirmed = [d for d in decisions if d.decided_by_id is None]
    if unconfirmed:
        raise Conflict(
            _("尚有 %(n)d 项处理意见未经确认：%(items)s")
            % {
                "n": len(unconfirmed),
                "items": "、".join(d.item.name for d in unconfirmed),
            },
            code=CatalogueCode.CLEANUP_UNCONFIRMED,
            detail=[d.item.key for d in unconfirmed],
        )
    catalogue_list = review.catalogue_list
    removals = [d for d in decisions if d.disposition in CLEANUP_REMOVALS]
    removed: list[str] = []
    if removals:
        if catalogue_list.versions.filter(
            status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
        ).exists():
            raise Conflict(
                _("该清单已有未公布的版本，请先公布或删除该版本，再完成清理"),
                code=CatalogueCode.DRAFT_EXISTS,
            )
        version = versions.version_draft(
            actor=actor, list_id=catalogue_list.pk, reason=_("清理：") + conclusion
        )
        present = set(version.entries.values_list("item__key", flat=True))
        for d in removals:
            # An item a later version already dropped is simply not there any more.
            if d.item.key in present:
                versions.version_remove_item(
                    actor=actor, version_id=version.pk, item_key=d.item.key
                )
                removed.append(d.item.key)
        review.resulting_version = version
    lists.list_review_record(
        actor=actor, list_id=catalogue_list.pk, note=conclusion
    )  # REQ-013
    review.conclusion = conclusion
    review.completed_at = clock.now()
    review.save(update_fields=["conclusion", "completed_at", "resulting_version"])
    audit.record(
        actor=actor,
        event="cleanup.completed",
        subject=review,
        after={
            "conclusion": conclusion,
            "decisions": {d.item.key: d.disposition for d in decisions},
            "removed": removed,
            "resulting_version": (
                review.resulting_version.number if review.resulting_version else None
            ),
        },
    )
    return review
