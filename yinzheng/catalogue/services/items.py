"""Certificate items (证明事项) with their typed bases (REQ-002, REQ-020).

Items are created with `item_create` and their flags and texts changed with
`item_update`; an item is shared by every list that names it, so whoever edits it must
manage all those lists (`item_edit_refusal` says why not), and the national reference
data (REQ-119) is never edited. The key and the name are the item's identity on published
lists and never change; an item a positive list names cannot become liability-bearing
(REQ-041).
"""

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core.codes import COUNTRY_CODE
from yinzheng.core.errors import (
    Conflict,
    CoreCode,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from yinzheng.ledger import audit

from ..choices import BasisType, ListKind, VersionStatus
from ..errors import CatalogueCode
from ..models import Basis, CatalogueList, Item, ListEntry

ITEM_FIELDS = [
    "name",
    "aliases",
    "within_committee_duties",
    "implementing_unit",
    "competent_department",
    "remarks",
    "route",
    "responsible_departments",
    "sharing_departments",
    "exceptions",
    "complexity",
    "time_limit_days",
]


@transaction.atomic
def item_create(
    *,
    actor: Actor,
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
            _("标识须为小写字母、数字、下划线或连字符"),
            code=CatalogueCode.ITEM_KEY_INVALID,
        )
    if not name:
        raise InvalidInput(_("请填写证明名称"), code=CatalogueCode.ITEM_NAME_REQUIRED)
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
        raise InvalidInput(
            code=CatalogueCode.ITEM_FIELD_UNKNOWN, detail=sorted(unknown)
        )
    bases = [(t, c.strip()) for t, c in bases]
    for basis_type, citation in bases:
        if basis_type not in BasisType.values or not citation:
            raise InvalidInput(
                _("设定依据须有类型和名称条款"), code=CatalogueCode.BASIS_INVALID
            )  # REQ-020
    if Item.objects.filter(key=key).exists():
        raise Conflict(_("标识 %s 已存在") % key, code=CatalogueCode.ITEM_EXISTS)
    item = Item(key=key, name=name, aliases=[a.strip() for a in aliases if a.strip()])
    for field, value in fields.items():
        setattr(item, field, value)
    try:
        item.full_clean(exclude=["search_text"])
    except ValidationError as exc:
        raise InvalidInput(
            code=CatalogueCode.ITEM_INVALID, detail=exc.message_dict
        ) from exc
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
    "sharing_departments",
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


ITEM_LIST_FIELDS = [
    "aliases",
    "responsible_departments",
    "sharing_departments",
    "exceptions",
    "clause_notes",
]


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


def item_edit_refusal(actor: Actor, item: Item) -> DomainError | None:
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
            code=CatalogueCode.REFERENCE_ITEM,
        )
    if not policy.can(actor, "catalogue.manage"):
        return NotAllowed(detail={"action": "catalogue.manage"})
    # An item is shared by every list that names it: changing it changes them all.
    for catalogue_list in lists_naming(item):
        if not policy.can(actor, "catalogue.manage", catalogue_list):
            return NotAllowed(
                _("该事项也列入《%s》，您无权管理该清单，不能修改此事项")
                % catalogue_list.title,
                code=CatalogueCode.ITEM_SHARED_ELSEWHERE,
                detail={"list": catalogue_list.pk, "title": catalogue_list.title},
            )
    return None


def may_edit_item(user: Any, item: Item) -> bool:
    """For pages deciding whether to offer the edit link; item_update still decides."""
    return (
        policy.can(user, "catalogue.manage") and item_edit_refusal(user, item) is None
    )


def _field_label(name: str) -> str:
    """The verbose name of one of the item's own fields."""
    field = Item._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation has no label
        raise TypeError(f"Item.{name} is not a field of the item")
    return str(field.verbose_name)


def _clean_list_field(name: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise InvalidInput(
            _("%s须为文字列表") % _field_label(name),
            code=CatalogueCode.ITEM_INVALID,
            detail={name: ["list of strings"]},
        )
    return [v.strip() for v in value if v.strip()]


def require_editable_item_fields(names: Iterable[str]) -> None:
    """Refuse any field item_update does not change (key and name included)."""
    unknown = sorted(set(names) - set(ITEM_EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("以下字段不能修改：%s") % "、".join(unknown),
            code=CatalogueCode.ITEM_FIELD_UNKNOWN,
            detail=unknown,
        )


@transaction.atomic
def item_update(*, actor: Actor, item_key: str, **fields: Any) -> Item:
    """Change an item's flags and texts (not its key or name). Every list that names the
    item shows the change, so the actor must manage all of them; national reference
    data is not editable (REQ-119); an item a positive list names cannot become
    liability-bearing (REQ-041). actor=SYSTEM is the system (demo, imports)."""
    policy.require(actor, "catalogue.manage")
    require_editable_item_fields(fields)
    item = Item.objects.select_for_update().filter(key=item_key).first()
    if item is None:
        raise NotFound(_("证明事项 %s 不存在") % item_key, code=CoreCode.ITEM_NOT_FOUND)
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
                code=CatalogueCode.LIABILITY_ON_POSITIVE_LIST,
                detail={"list": positive[0].pk, "title": positive[0].title},
            )
    before = audit.snapshot(item, changed)
    for name in changed:
        setattr(item, name, fields[name])
    try:
        item.full_clean(exclude=["search_text"])
    except ValidationError as exc:
        raise InvalidInput(
            code=CatalogueCode.ITEM_INVALID, detail=exc.message_dict
        ) from exc
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
