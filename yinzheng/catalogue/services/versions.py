"""List versions: draft → approved → published (REQ-004–020).

A list's content changes only through a new version (REQ-012). A draft starts from the
entries of the latest published version and is edited; an approval record (body, date,
reference) is required before publishing (REQ-014); publishing refuses a positive entry
that a higher negative list names (REQ-010), an ineligible positive entry (REQ-004), a
negative entry without its route (REQ-006), a positive entry without a published guide
(REQ-075) and a re-added item that was removed before, unless an approved admission
brings it back (REQ-019). No way around admission (REQ-021): once the owner has a
published positive list, an item none of its positive lists names goes into a version
(of that list or of a new one) only with the approved admission that brings it
(`admission_id`, given by the admission review); the first positive list of an owner is
its initial load, and the clean-up and national batches only remove entries or fill
negative lists. Publishing closes the validity of
the version before it the day before the new one starts, so validity ranges never
overlap (REQ-018), and sends `version_published` inside its transaction: the admissions
behind the version are published with it (admissions builds on these services, so they
cannot call it).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit

from .. import selectors
from ..choices import (
    ELIGIBLE_BASIS_TYPES,
    ApplicationKind,
    ApplicationStatus,
    GuideStatus,
    ListKind,
    VersionStatus,
)
from ..errors import CatalogueCode
from ..models import Application, CatalogueList, Guide, Item, ListEntry, ListVersion
from . import platform

# Sent inside version_publish's transaction with actor, version_id and valid_from: the
# decisions an admission or exit wrote into the version are published with it.
version_published = Signal()


VERSION_FIELDS = [
    "status",
    "valid_from",
    "valid_to",
    "approval_body",
    "approval_date",
    "approval_reference",
    "published_at",
]


class ListRuleViolation(Conflict):
    code = CatalogueCode.LIST_RULE_VIOLATION


def _version_for_update(version_id: int) -> ListVersion:
    version = (
        ListVersion.objects.select_for_update()
        .select_related("catalogue_list")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound(code=CatalogueCode.VERSION_NOT_FOUND)
    return version


def _require_draft(version: ListVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        # REQ-012: a published (or approved) version never changes; adjust by a new one.
        raise Conflict(
            _("只有草稿版本可以修改；已批准或已公布的版本不能更改，请新建版本"),
            code=CatalogueCode.VERSION_NOT_DRAFT,
        )


@transaction.atomic
def version_discard(*, actor: Actor, version_id: int) -> None:
    """Throw away a version that was never published (draft or approved)."""
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.APPROVED):
        raise Conflict(_("已公布的版本不能删除"), code=CatalogueCode.VERSION_PUBLISHED)
    items = list(version.entries.values_list("item__key", flat=True))
    audit.record(
        actor=actor,
        event="list_version.discarded",
        subject=version,
        before={**audit.snapshot(version, VERSION_FIELDS), "items": items},
    )
    version.entries.all().delete()
    version.delete()


@transaction.atomic
def version_reopen(*, actor: Actor, version_id: int) -> ListVersion:
    """An approved version goes back to draft; its approval record is cleared, since
    what will be published must be approved as it then stands (REQ-014)."""
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    with audit.recorded(
        actor=actor,
        event="list_version.reopened",
        subject=version,
        fields=VERSION_FIELDS,
    ):
        move_to(version, VersionStatus.DRAFT)
        version.approval_body, version.approval_date = "", None
        version.approval_reference = ""
    return version


@transaction.atomic
def version_draft(
    *, actor: Actor, list_id: int, reason: str, source_document: str = ""
) -> ListVersion:
    """A new draft, starting from the entries of the latest published version."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code=CatalogueCode.LIST_NOT_FOUND)
    policy.require(actor, "catalogue.manage", catalogue_list)
    if not reason.strip():
        raise InvalidInput(
            _("请填写调整原因"), code=CoreCode.REASON_REQUIRED
        )  # REQ-012
    if catalogue_list.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
    ).exists():
        raise Conflict(_("该清单已有未公布的版本"), code=CatalogueCode.DRAFT_EXISTS)
    last = catalogue_list.versions.order_by("-number").first()
    version = ListVersion.objects.create(
        catalogue_list=catalogue_list,
        number=(last.number + 1) if last else 1,
        reason=reason.strip(),
        source_document=source_document.strip(),
        created_by=person(actor),
    )
    base = selectors.latest_published(catalogue_list)
    if base is not None:
        ListEntry.objects.bulk_create(
            ListEntry(version=version, item_id=e.item_id, number=e.number, note=e.note)
            for e in base.entries.all()
        )
    audit.record(
        actor=actor,
        event="list_version.drafted",
        subject=version,
        after={
            "number": version.number,
            "reason": version.reason,
            "from_version": base.number if base else None,
        },
    )
    return version


def entry_problems(catalogue_list: CatalogueList, item: Item) -> list[dict[str, str]]:
    """What keeps `item` off this list, as (code, message) records (REQ-004, REQ-006)."""
    problems: list[dict[str, str]] = []
    if catalogue_list.kind == ListKind.POSITIVE:
        types = {b.basis_type for b in item.bases.all()}
        if not types:
            problems.append({"code": "no_basis", "message": _("没有设定依据")})
        elif not types & ELIGIBLE_BASIS_TYPES:
            problems.append(
                {
                    "code": "policy_basis_only",
                    "message": _(
                        "只有政策依据，须有法律、法规或国务院保留证明事项清单依据"
                    ),
                }
            )
        if not item.within_committee_duties:
            problems.append(
                {
                    "code": "not_within_duties",
                    "message": _("未确认属于村（居）委会职责范围"),
                }
            )
        if item.liability_bearing:  # REQ-041
            problems.append(
                {
                    "code": "liability_bearing",
                    "message": _(
                        "承担法律或经济连带责任的证明不能列入出具证明事项清单"
                    ),
                }
            )
    elif catalogue_list.kind in (ListKind.NEGATIVE, ListKind.DEPARTMENT):
        # REQ-006, REQ-123: the resident is told where to go instead.
        if not item.route.strip():
            problems.append({"code": "route_required", "message": _("缺少办事途径")})
        if not item.responsible_departments:
            problems.append(
                {"code": "department_required", "message": _("缺少办理部门")}
            )
        if item.data_sharing and not item.sharing_departments:  # REQ-117
            problems.append(
                {
                    "code": "sharing_departments_required",
                    "message": _("办事途径为信息共享核查的，须写明信息共享核查部门"),
                }
            )
    return problems


# The lists a department's demand enters only through an admission review: the
# certificates committees issue (REQ-021) and the work pushed down to them, the assistance
# list of REQ-017 (社区工作准入, REQ-120).
ADMITTED_KINDS = frozenset({ListKind.POSITIVE, ListKind.ASSISTANCE})


class AdmissionRequired(Conflict):
    code = CatalogueCode.ADMISSION_REQUIRED


def listed_at_owner(version: ListVersion) -> set[int] | None:
    """The items the owner's lists of the version's kind (positive, or assistance for
    community work, REQ-120) name in their current published versions, or None when the
    owner has none published yet: then `version` is the initial load, the one way onto
    such a list besides an admission (REQ-021). A second list of the same owner is no
    way around admission: it may take over items the owner already lists, nothing new."""
    catalogue_list = version.catalogue_list
    lists = CatalogueList.objects.filter(
        owner_id=catalogue_list.owner_id, kind=catalogue_list.kind
    )
    current = [v for v in map(selectors.latest_published, lists) if v is not None]
    if not current:
        return None
    return set(
        ListEntry.objects.filter(version__in=current).values_list("item_id", flat=True)
    )


def admission_needed(version: ListVersion, item: Item) -> str:
    """Why `item` may enter `version` only through an approved admission, or "" when it
    may enter directly (REQ-021, REQ-019)."""
    catalogue_list = version.catalogue_list
    if catalogue_list.kind not in ADMITTED_KINDS:
        return ""
    if item.pk in selectors.items_removed_before(catalogue_list):
        return str(_("曾被移出本清单，须经准入审核方可重新列入（不得先减后增）"))
    listed = listed_at_owner(version)
    if listed is None or item.pk in listed:
        return ""
    if catalogue_list.kind == ListKind.ASSISTANCE:  # REQ-120
        return str(
            _(
                "新增社区工作事项须经社区工作准入审核：请由需要村（居）委会协助的部门"
                "向县级民政部门提交准入申请，经联审批准后列入协助政府工作事项清单"
            )
        )
    return str(
        _(
            "新增事项须经准入审核：请由需要出具该证明的部门向县级民政部门提交准入申请，"
            "经联审批准后列入清单"
        )
    )


def _check_admission(version: ListVersion, item: Item, admission_id: int) -> None:
    """The admission named must be an approved admission of this item to this list,
    not yet written into another version."""
    admission = Application.objects.filter(
        pk=admission_id,
        kind=ApplicationKind.ADMISSION,
        status=ApplicationStatus.APPROVED,
        catalogue_list_id=version.catalogue_list_id,
        item_id=item.pk,
    ).first()
    if admission is None or admission.resulting_version_id not in (None, version.pk):
        raise Conflict(
            _("准入申请 %(id)s 不是“%(item)s”列入该清单的已批准申请")
            % {"id": admission_id, "item": item.name},
            code=CatalogueCode.ADMISSION_INVALID,
        )


@transaction.atomic
def version_add_item(
    *,
    actor: Actor,
    version_id: int,
    item_key: str,
    note: str = "",
    admission_id: int | None = None,
) -> ListEntry:
    """Put an item on a draft. On a positive list that was published before, an item
    its current version does not name needs `admission_id`, the approved admission that
    brings it (REQ-021, REQ-019); only the admission review passes it."""
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    _require_draft(version)
    item = Item.objects.filter(key=item_key).first()
    if item is None:
        raise NotFound(_("证明事项 %s 不存在") % item_key, code=CoreCode.ITEM_NOT_FOUND)
    if admission_id is not None:
        _check_admission(version, item, admission_id)
    else:
        why = admission_needed(version, item)
        if why:  # REQ-021: no way around admission
            raise AdmissionRequired(
                _("“%(item)s”不能直接列入：%(why)s") % {"item": item.name, "why": why},
                detail=[{"code": "admission_required", "item": item.key}],
            )
    problems = entry_problems(version.catalogue_list, item)
    if problems:
        raise InvalidInput(
            _("“%(item)s”不能列入该清单：%(why)s")
            % {"item": item.name, "why": "；".join(p["message"] for p in problems)},
            code=CatalogueCode.ENTRY_INELIGIBLE,
            detail=problems,
        )
    if version.entries.filter(item=item).exists():
        raise Conflict(_("该事项已在清单中"), code=CatalogueCode.ENTRY_EXISTS)
    last = version.entries.order_by("-number").first()
    entry = ListEntry.objects.create(
        version=version, item=item, number=(last.number + 1) if last else 1, note=note
    )
    audit.record(
        actor=actor,
        event="list_version.item_added",
        subject=version,
        after={"item": item.key, "number": entry.number},
    )
    return entry


@transaction.atomic
def version_remove_item(*, actor: Actor, version_id: int, item_key: str) -> None:
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    _require_draft(version)
    entry = version.entries.filter(item__key=item_key).first()
    if entry is None:
        raise NotFound(_("该事项不在清单中"), code=CoreCode.ENTRY_NOT_FOUND)
    entry.delete()
    audit.record(
        actor=actor,
        event="list_version.item_removed",
        subject=version,
        before={"item": item_key, "number": entry.number},
    )


@transaction.atomic
def version_approve(
    *,
    actor: Actor,
    version_id: int,
    approval_body: str,
    approval_date: dt.date,
    approval_reference: str,
) -> ListVersion:
    """Record the approval the jurisdiction requires before publishing (REQ-014)."""
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    missing = [
        name
        for name, value in [
            (_("批准机关"), approval_body.strip()),
            (_("批准日期"), approval_date),
            (_("批准文号或会议"), approval_reference.strip()),
        ]
        if not value
    ]
    if missing:
        raise InvalidInput(
            _("批准记录不完整，缺少：%s") % "、".join(str(m) for m in missing),
            code=CatalogueCode.APPROVAL_INCOMPLETE,
        )
    with audit.recorded(
        actor=actor,
        event="list_version.approved",
        subject=version,
        fields=VERSION_FIELDS,
    ):
        move_to(version, VersionStatus.APPROVED)
        version.approval_body = approval_body.strip()
        version.approval_date = approval_date
        version.approval_reference = approval_reference.strip()
    return version


def publish_problems(
    version: ListVersion,
    *,
    valid_from: dt.date,
) -> list[dict[str, Any]]:
    """Every reason `version` cannot be published on `valid_from` (empty: it can)."""
    catalogue_list = version.catalogue_list
    entries = list(
        version.entries.select_related("item").prefetch_related("item__bases")
    )
    problems: list[dict[str, Any]] = []
    for entry in entries:
        for p in entry_problems(catalogue_list, entry.item):
            problems.append({**p, "item": entry.item.key, "name": entry.item.name})
    if catalogue_list.kind == ListKind.POSITIVE:
        negative = selectors.negative_items_above(catalogue_list.owner_id, valid_from)
        for entry in entries:
            if entry.item_id in negative:  # REQ-010
                problems.append(
                    {
                        "code": "conflicts_with_higher_negative_list",
                        # REQ-010; REQ-123: or on a list of items departments certify.
                        "message": _("已列入《%s》，村（居）委会不出具")
                        % negative[entry.item_id],
                        "item": entry.item.key,
                        "name": entry.item.name,
                    }
                )
        guided = set(
            Guide.objects.filter(
                item_id__in=[e.item_id for e in entries],
                status=GuideStatus.PUBLISHED,
            ).values_list("item_id", flat=True)
        )
        for entry in entries:  # REQ-075
            if entry.item_id not in guided:
                problems.append(
                    {
                        "code": "guide_required",
                        "message": _("尚无已公布的办事指南"),
                        "item": entry.item.key,
                        "name": entry.item.name,
                    }
                )
    if catalogue_list.kind in ADMITTED_KINDS:
        problems += _admission_problems(version, catalogue_list, entries)
    current = selectors.latest_published(catalogue_list)
    if current is not None and current.valid_from and valid_from <= current.valid_from:
        problems.append(
            {
                "code": "validity_overlap",
                "message": _("生效日期须晚于现行版本的生效日期（%s）")
                % current.valid_from.isoformat(),
            }
        )
    return problems


def _admission_problems(
    version: ListVersion, catalogue_list: CatalogueList, entries: Any
) -> list[dict[str, Any]]:
    """Entries that came in around the admission review (REQ-019, REQ-021; REQ-120 for
    the community work a department pushes down onto the assistance list)."""
    problems: list[dict[str, Any]] = []
    admitted = selectors.admitted_item_ids(version.pk)
    removed = selectors.items_removed_before(catalogue_list)
    listed = listed_at_owner(version)
    for entry in entries:
        if entry.item_id in admitted:
            continue
        if entry.item_id in removed:  # REQ-019
            problems.append(
                {
                    "code": "backsliding",
                    "message": _("曾被移出本清单，须经准入审核方可重新列入"),
                    "item": entry.item.key,
                    "name": entry.item.name,
                }
            )
        elif listed is not None and entry.item_id not in listed:  # REQ-021
            problems.append(
                {
                    "code": "admission_required",
                    "message": _("新增事项须经准入审核批准后方可列入"),
                    "item": entry.item.key,
                    "name": entry.item.name,
                }
            )
    return problems


@transaction.atomic
def version_publish(
    *,
    actor: Actor,
    version_id: int,
    valid_from: dt.date,
) -> ListVersion:
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    if version.status == VersionStatus.DRAFT:
        raise Conflict(
            _("尚无批准记录，不能公布（须先记录批准机关、日期和文号）"),
            code=CatalogueCode.APPROVAL_REQUIRED,
        )  # REQ-014
    problems = publish_problems(version, valid_from=valid_from)
    if problems:
        raise ListRuleViolation(
            _("清单不能公布：%s")
            % "；".join(
                f"{p['name']}：{p['message']}" if p.get("name") else str(p["message"])
                for p in problems
            ),
            detail=problems,
        )
    current = selectors.latest_published(version.catalogue_list, for_update=True)
    if current is not None:
        with audit.recorded(
            actor=actor,
            event="list_version.superseded",
            subject=current,
            fields=VERSION_FIELDS,
        ):
            move_to(current, VersionStatus.SUPERSEDED)  # REQ-018
            current.valid_to = valid_from - dt.timedelta(days=1)
    with audit.recorded(
        actor=actor,
        event="list_version.published",
        subject=version,
        fields=VERSION_FIELDS,
    ):
        move_to(version, VersionStatus.PUBLISHED)
        version.valid_from = valid_from
        version.published_at = clock.now()
    # The admissions behind the version are published with it (admissions.review).
    version_published.send(
        sender=ListVersion, actor=actor, version_id=version.pk, valid_from=valid_from
    )
    # REQ-112: the government-service platforms hear of it once this commits.
    platform.messages_for_version(version)
    return version
