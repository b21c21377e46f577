"""Lists and their versions: draft → approved → published (REQ-003–020).

A list's content changes only through a new version (REQ-012). A draft is edited; an
approval record (body, date, reference) is required before publishing (REQ-014);
publishing refuses a positive entry that a higher negative list names (REQ-010), an
ineligible positive entry (REQ-004), a negative entry without its route (REQ-006) and a
re-added item that was removed before, unless an approved admission brings it back
(REQ-019). Publishing closes the validity of the version before it the day before the new
one starts, so validity ranges never overlap.

Items are created with `item_create` and their flags and texts changed with
`item_update`; an item is shared by every list that names it, so whoever edits it must
manage all those lists, and the national reference data (REQ-119) is never edited.
"""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import COUNTRY_CODE, Level
from yinzheng.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from . import selectors
from .choices import (
    ELIGIBLE_BASIS_TYPES,
    BasisType,
    GuideStatus,
    ListKind,
    VersionStatus,
)
from .models import Basis, CatalogueList, Guide, Item, ListEntry, ListVersion

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
LIST_OWNER_LEVELS = {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}


class ListRuleViolation(Conflict):
    code = "list_rule_violation"


def _version_for_update(version_id: int) -> ListVersion:
    version = (
        ListVersion.objects.select_for_update()
        .select_related("catalogue_list")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound(code="version_not_found")
    return version


def _require_draft(version: ListVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        # REQ-012: a published (or approved) version never changes; adjust by a new one.
        raise Conflict(
            _("只有草稿版本可以修改；已批准或已公布的版本不能更改，请新建版本"),
            code="version_not_draft",
        )


ITEM_FIELDS = [
    "name",
    "aliases",
    "within_committee_duties",
    "implementing_unit",
    "competent_department",
    "remarks",
    "route",
    "responsible_departments",
    "exceptions",
    "complexity",
    "time_limit_days",
]


@transaction.atomic
def item_create(
    *,
    actor: Any,
    key: str,
    name: str,
    bases: Iterable[tuple[str, str]] = (),
    aliases: Iterable[str] = (),
    sample: bool = False,
    **fields: Any,
) -> Item:
    """A certificate item with its typed bases (REQ-002, REQ-020). `bases` holds
    (basis type, citation) pairs; sample data marks every basis as sample."""
    policy.require(actor, "catalogue.manage")
    key, name = key.strip(), name.strip()
    if not key or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{1,79}", key):
        raise InvalidInput(
            _("标识须为小写字母、数字、下划线或连字符"), code="item_key_invalid"
        )
    if not name:
        raise InvalidInput(_("请填写证明名称"), code="item_name_required")
    settable = {f.name for f in Item._meta.get_fields() if f.concrete} - {
        "id",
        "key",
        "name",
        "aliases",
        "search_text",
        "created_at",
    }
    unknown = set(fields) - settable
    if unknown:
        raise InvalidInput(code="item_field_unknown", detail=sorted(unknown))
    bases = [(t, c.strip()) for t, c in bases]
    for basis_type, citation in bases:
        if basis_type not in BasisType.values or not citation:
            raise InvalidInput(
                _("设定依据须有类型和名称条款"), code="basis_invalid"
            )  # REQ-020
    if Item.objects.filter(key=key).exists():
        raise Conflict(_("标识 %s 已存在") % key, code="item_exists")
    item = Item(key=key, name=name, aliases=[a.strip() for a in aliases if a.strip()])
    for field, value in fields.items():
        setattr(item, field, value)
    try:
        item.full_clean(exclude=["search_text"])
    except ValidationError as exc:
        raise InvalidInput(code="item_invalid", detail=exc.message_dict) from exc
    item.save()
    Basis.objects.bulk_create(
        Basis(item=item, basis_type=t, citation=c, sample=sample) for t, c in bases
    )
    audit.record(
        actor=actor,
        event="item.created",
        subject=item,
        division_code=COUNTRY_CODE,
        after={
            **audit.snapshot(item, ["key", *ITEM_FIELDS]),
            "bases": [{"type": t, "citation": c, "sample": sample} for t, c in bases],
        },
    )
    return item


# What item_update may change; key and name are the item's identity on published lists.
ITEM_EDITABLE_FIELDS = [
    "aliases",
    "within_committee_duties",
    "implementing_unit",
    "competent_department",
    "remarks",
    "route",
    "route_en",
    "responsible_departments",
    "exceptions",
    "clause_notes",
    "public_interest",
    "legal_risk",
    "liability_bearing",
    "party_related",
    "commitment_allowed",
    "data_sharing",
    "complexity",
    "time_limit_days",
]
ITEM_LIST_FIELDS = ["aliases", "responsible_departments", "exceptions", "clause_notes"]
# The versions through which a list names an item today (superseded ones are history).
NAMING_STATUSES = [
    VersionStatus.PUBLISHED,
    VersionStatus.APPROVED,
    VersionStatus.DRAFT,
]


def lists_naming(item: Item, kind: str | None = None) -> list[CatalogueList]:
    """The lists whose published, approved or draft version names `item`."""
    qs = CatalogueList.objects.filter(
        versions__status__in=NAMING_STATUSES, versions__entries__item=item
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs.select_related("owner").distinct().order_by("owner_id", "pk"))


def item_edit_refusal(actor: Any, item: Item) -> DomainError | None:
    """Why `actor` may not edit `item` (None: they may). actor=SYSTEM is the system."""
    # REQ-119: the national negative lists are reference data every installation
    # carries; their items change only with a new national batch, never here.
    if ListEntry.objects.filter(
        item=item,
        version__catalogue_list__owner_id=COUNTRY_CODE,
        version__catalogue_list__kind=ListKind.NEGATIVE,
    ).exists():
        return Conflict(
            _("“%s”属于全国负面清单参考数据，不能修改") % item.name,
            code="reference_item",
        )
    if not policy.can(actor, "catalogue.manage"):
        return NotAllowed(detail={"action": "catalogue.manage"})
    # An item is shared by every list that names it: changing it changes them all.
    for catalogue_list in lists_naming(item):
        if not policy.can(actor, "catalogue.manage", catalogue_list):
            return NotAllowed(
                _("该事项也列入《%s》，您无权管理该清单，不能修改此事项")
                % catalogue_list.title,
                code="item_shared_elsewhere",
                detail={"list": catalogue_list.pk, "title": catalogue_list.title},
            )
    return None


def may_edit_item(user: Any, item: Item) -> bool:
    """For pages deciding whether to offer the edit link; item_update still decides."""
    return (
        policy.can(user, "catalogue.manage") and item_edit_refusal(user, item) is None
    )


def _clean_list_field(name: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise InvalidInput(
            _("%s须为文字列表") % Item._meta.get_field(name).verbose_name,
            code="item_invalid",
            detail={name: ["list of strings"]},
        )
    return [v.strip() for v in value if v.strip()]


def require_editable_item_fields(names: Iterable[str]) -> None:
    """Refuse any field item_update does not change (key and name included)."""
    unknown = sorted(set(names) - set(ITEM_EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("以下字段不能修改：%s") % "、".join(unknown),
            code="item_field_unknown",
            detail=unknown,
        )


@transaction.atomic
def item_update(*, actor: Any, item_key: str, **fields: Any) -> Item:
    """Change an item's flags and texts (not its key or name). Every list that names the
    item shows the change, so the actor must manage all of them; national reference
    data is not editable (REQ-119); an item a positive list names cannot become
    liability-bearing (REQ-041). actor=SYSTEM is the system (demo, imports)."""
    policy.require(actor, "catalogue.manage")
    require_editable_item_fields(fields)
    item = Item.objects.select_for_update().filter(key=item_key).first()
    if item is None:
        raise NotFound(_("证明事项 %s 不存在") % item_key, code="item_not_found")
    refusal = item_edit_refusal(actor, item)
    if refusal is not None:
        raise refusal
    for name in ITEM_LIST_FIELDS:
        if name in fields:
            fields[name] = _clean_list_field(name, fields[name])
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip()
    changed = [
        name
        for name in ITEM_EDITABLE_FIELDS
        if name in fields and fields[name] != getattr(item, name)
    ]
    if not changed:
        return item
    if fields.get("liability_bearing") is True and not item.liability_bearing:
        positive = lists_naming(item, ListKind.POSITIVE)
        if positive:
            # REQ-041: a certificate carrying liability may not be on a positive list.
            raise Conflict(
                _(
                    "该事项已列入《%s》，承担法律或经济连带责任的证明不能列入出具证明事项清单"
                )
                % positive[0].title,
                code="liability_on_positive_list",
                detail={"list": positive[0].pk, "title": positive[0].title},
            )
    before = audit.snapshot(item, changed)
    for name in changed:
        setattr(item, name, fields[name])
    try:
        item.full_clean(exclude=["search_text"])
    except ValidationError as exc:
        raise InvalidInput(code="item_invalid", detail=exc.message_dict) from exc
    item.save(update_fields=changed)  # Item.save refreshes search_text from aliases
    audit.record(
        actor=actor,
        event="item.updated",
        subject=item,
        division_code=COUNTRY_CODE,
        before=before,
        after=audit.snapshot(item, changed),
    )
    return item


@transaction.atomic
def version_discard(*, actor: Any, version_id: int) -> None:
    """Throw away a version that was never published (draft or approved)."""
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.APPROVED):
        raise Conflict(_("已公布的版本不能删除"), code="version_published")
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
def version_reopen(*, actor: Any, version_id: int) -> ListVersion:
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
def list_create(
    *,
    actor: Any,
    owner_code: str,
    kind: str,
    title: str,
    batch_no: int | None = None,
    sample: bool = False,
) -> CatalogueList:
    owner = Division.objects.filter(code=owner_code).first()
    if owner is None:
        raise NotFound(_("区划 %s 不存在") % owner_code, code="division_not_found")
    policy.require(actor, "catalogue.manage", owner)
    if owner.level not in LIST_OWNER_LEVELS:
        raise InvalidInput(
            _("清单只能由国家、省、市、县级制定"), code="list_owner_level"
        )
    if kind not in ListKind.values:
        raise InvalidInput(_("清单类型无效"), code="list_kind_invalid")
    if not title.strip():
        raise InvalidInput(_("请填写清单名称"), code="list_title_required")
    try:
        with transaction.atomic():
            catalogue_list = CatalogueList.objects.create(
                owner=owner,
                kind=kind,
                title=title.strip(),
                batch_no=batch_no,
                sample=sample,
            )
    except IntegrityError as exc:
        raise Conflict(_("该区划已有同类同批次清单"), code="list_exists") from exc
    audit.record(
        actor=actor,
        event="catalogue_list.created",
        subject=catalogue_list,
        after={"kind": kind, "title": title, "batch_no": batch_no, "sample": sample},
    )
    return catalogue_list


@transaction.atomic
def list_review_record(
    *, actor: Any, list_id: int, note: str, interval_days: int | None = None
) -> CatalogueList:
    """Record a periodic clean-up and assessment of the list (定期清理、定期评估,
    REQ-013), optionally setting the interval after which the next one falls due."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code="list_not_found")
    policy.require(actor, "catalogue.manage", catalogue_list)
    if not note.strip():
        raise InvalidInput(_("请填写清理评估结论"), code="review_note_required")
    if interval_days is not None and not 1 <= interval_days <= 3660:
        raise InvalidInput(_("评估间隔须在 1 到 3660 天之间"), code="interval_invalid")
    with audit.recorded(
        actor=actor,
        event="catalogue_list.reviewed",
        subject=catalogue_list,
        fields=["last_reviewed_on", "review_interval_days"],
    ):
        catalogue_list.last_reviewed_on = clock.today()
        if interval_days is not None:
            catalogue_list.review_interval_days = interval_days
    audit.record(
        actor=actor,
        event="catalogue_list.review_note",
        subject=catalogue_list,
        note=note.strip(),
    )
    return catalogue_list


@transaction.atomic
def version_draft(
    *, actor: Any, list_id: int, reason: str, source_document: str = ""
) -> ListVersion:
    """A new draft, starting from the entries of the latest published version."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code="list_not_found")
    policy.require(actor, "catalogue.manage", catalogue_list)
    if not reason.strip():
        raise InvalidInput(_("请填写调整原因"), code="reason_required")  # REQ-012
    if catalogue_list.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
    ).exists():
        raise Conflict(_("该清单已有未公布的版本"), code="draft_exists")
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
    elif catalogue_list.kind == ListKind.NEGATIVE:
        if not item.route.strip():
            problems.append({"code": "route_required", "message": _("缺少办事途径")})
        if not item.responsible_departments:
            problems.append(
                {"code": "department_required", "message": _("缺少办理部门")}
            )
    return problems


@transaction.atomic
def version_add_item(
    *, actor: Any, version_id: int, item_key: str, note: str = ""
) -> ListEntry:
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    _require_draft(version)
    item = Item.objects.filter(key=item_key).first()
    if item is None:
        raise NotFound(_("证明事项 %s 不存在") % item_key, code="item_not_found")
    problems = entry_problems(version.catalogue_list, item)
    if problems:
        raise InvalidInput(
            _("“%(item)s”不能列入该清单：%(why)s")
            % {"item": item.name, "why": "；".join(p["message"] for p in problems)},
            code="entry_ineligible",
            detail=problems,
        )
    if version.entries.filter(item=item).exists():
        raise Conflict(_("该事项已在清单中"), code="entry_exists")
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
def version_remove_item(*, actor: Any, version_id: int, item_key: str) -> None:
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    _require_draft(version)
    entry = version.entries.filter(item__key=item_key).first()
    if entry is None:
        raise NotFound(_("该事项不在清单中"), code="entry_not_found")
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
    actor: Any,
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
            code="approval_incomplete",
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
                        "message": _("已列入上级负面清单：%s")
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
        admitted = selectors.admitted_item_ids(version.pk)
        removed = selectors.items_removed_before(catalogue_list)
        for entry in entries:  # REQ-019
            if entry.item_id in removed and entry.item_id not in admitted:
                problems.append(
                    {
                        "code": "backsliding",
                        "message": _("曾被移出本清单，须经准入审核方可重新列入"),
                        "item": entry.item.key,
                        "name": entry.item.name,
                    }
                )
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


@transaction.atomic
def version_publish(
    *,
    actor: Any,
    version_id: int,
    valid_from: dt.date,
) -> ListVersion:
    version = _version_for_update(version_id)
    policy.require(actor, "catalogue.manage", version)
    if version.status == VersionStatus.DRAFT:
        raise Conflict(
            _("尚无批准记录，不能公布（须先记录批准机关、日期和文号）"),
            code="approval_required",
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
    # The admissions behind the version are published with it (admissions.py listens).
    version_published.send(
        sender=ListVersion, actor=actor, version_id=version.pk, valid_from=valid_from
    )
    return version
