"""Service guides (办事指南) of the items committees issue (REQ-028, REQ-075–077, DIV-14).

Each item has at most one guide. The requesting or competent department supplies its
content and the list owner reviews and publishes it (DIV-14): `guide_save` takes an actor
the policy grants "catalogue.guide_propose" (department officers) or "catalogue.manage"
(civil affairs), and saves only drafts; publishing and withdrawing need
"catalogue.manage". Both are checked without an object, since an item belongs to no
single division. The guide records who saved it last (`updated_by`).

A guide moves DRAFT → PUBLISHED → WITHDRAWN. `guide_save` creates a guide or edits a
draft; a withdrawn guide that is edited goes back to draft. A published guide is never
edited in place: `guide_save` refuses it (Conflict "guide_published"), so what residents
read is always what was checked at publication; to change it, withdraw it, edit, and
publish again. Publishing refuses a guide with any required part missing and names the
missing parts (REQ-028, REQ-076): the time limit is required only for items not done on
the spot. A positive list version cannot be published while one of its items has no
published guide (REQ-075, in versions.publish_problems).

Items committees do not issue (negative list) need no guide row: their public page shows
the item's route and responsible departments as the guide (REQ-077).
"""

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor, Viewer
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import COUNTRY_CODE
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit

from ..choices import Complexity, GuideStatus
from ..errors import CatalogueCode
from ..models import Guide, Item
from . import platform

ACTION = "catalogue.manage"
# A certificate valid for longer than ten years has no limit worth printing.
MAX_VALIDITY_DAYS = 3650
PROPOSE = "catalogue.guide_propose"
TEXT_FIELDS = [
    "certificate_format",
    "procedure",
    "operating_rules",
    "purpose",
    "basis",
    "materials",
    "sample_form",
]
CONTENT_FIELDS = [*TEXT_FIELDS, "time_limit_days", "validity_days"]
GUIDE_FIELDS = [*CONTENT_FIELDS, "sample", "status", "published_at", "updated_by"]


class GuideIncomplete(InvalidInput):
    code = CatalogueCode.GUIDE_INCOMPLETE


def may_save(user: Any) -> bool:
    """May `user` write a guide draft (DIV-14: the department proposes, or the list
    owner edits)?"""
    return policy.can(user, ACTION) or policy.can(user, PROPOSE)


def _guide_for_update(item_key: str) -> Guide:
    guide = (
        Guide.objects.select_for_update()
        .select_related("item")
        .filter(item__key=item_key)
        .first()
    )
    if guide is None:
        raise NotFound(_("该事项尚无办事指南"), code=CatalogueCode.GUIDE_NOT_FOUND)
    return guide


def guide_for_editing(*, actor: Viewer, item_key: str) -> Guide:
    """The item's guide as its editors see it, drafts included (not a public read)."""
    if not may_save(actor):
        raise NotAllowed(detail={"action": PROPOSE})
    guide = (
        Guide.objects.select_related("item", "updated_by")
        .filter(item__key=item_key)
        .first()
    )
    if guide is None:
        raise NotFound(_("该事项尚无办事指南"), code=CatalogueCode.GUIDE_NOT_FOUND)
    return guide


def _snapshot(guide: Guide) -> dict[str, Any]:
    return audit.snapshot(guide, GUIDE_FIELDS)


def _field_label(name: str) -> str:
    """The verbose name of one of the guide's own fields."""
    field = Guide._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation has no label
        raise TypeError(f"Guide.{name} is not a field of the guide")
    return str(field.verbose_name)


def guide_missing_parts(guide: Guide) -> list[dict[str, str]]:
    """The required parts `guide` still lacks, as (field, label) records (REQ-076)."""
    missing = [
        {"field": name, "label": _field_label(name)}
        for name in TEXT_FIELDS
        if not getattr(guide, name).strip()
    ]
    # An item done on the spot has no time limit; a complex one must state it.
    if guide.time_limit_days is None and guide.item.complexity == Complexity.COMPLEX:
        missing.append(
            {
                "field": "time_limit_days",
                "label": str(Guide._meta.get_field("time_limit_days").verbose_name),
            }
        )
    return missing


@transaction.atomic
def guide_save(
    *,
    actor: Actor,
    item_key: str,
    certificate_format: str = "",
    procedure: str = "",
    operating_rules: str = "",
    time_limit_days: int | None = None,
    purpose: str = "",
    basis: str = "",
    materials: str = "",
    sample_form: str = "",
    sample: bool = False,
    validity_days: int | None = None,
) -> Guide:
    """Create the item's guide or edit its draft; a published guide is refused.

    A department officer (catalogue.guide_propose) saves drafts too: the content is
    theirs to supply, its publication is not (DIV-14, REQ-028).
    """
    if not may_save(actor):
        raise NotAllowed(detail={"action": PROPOSE})
    item = Item.objects.select_for_update().filter(key=item_key).first()
    if item is None:
        raise NotFound(_("证明事项 %s 不存在") % item_key, code=CoreCode.ITEM_NOT_FOUND)
    if time_limit_days is not None and not 1 <= time_limit_days <= 365:
        raise InvalidInput(
            _("出具时限须为 1 至 365 个工作日，当场办结的不填"),
            code=CatalogueCode.GUIDE_TIME_LIMIT_INVALID,
        )
    if validity_days is not None and not 1 <= validity_days <= MAX_VALIDITY_DAYS:
        raise InvalidInput(
            _("证明有效期须为 1 至 %(max)d 天，没有期限的不填")
            % {"max": MAX_VALIDITY_DAYS},
            code=CatalogueCode.GUIDE_VALIDITY_INVALID,
        )
    guide = Guide.objects.select_for_update().filter(item=item).first()
    created = guide is None
    if guide is None:
        guide = Guide(item=item)
        before = None
    else:
        if guide.status == GuideStatus.PUBLISHED:
            raise Conflict(
                _("已公布的办事指南不能直接修改，请先撤回，修改后重新公布"),
                code=CatalogueCode.GUIDE_PUBLISHED,
            )
        before = _snapshot(guide)
        if guide.status == GuideStatus.WITHDRAWN:
            move_to(guide, GuideStatus.DRAFT)
    values = {
        "certificate_format": certificate_format,
        "procedure": procedure,
        "operating_rules": operating_rules,
        "purpose": purpose,
        "basis": basis,
        "materials": materials,
        "sample_form": sample_form,
    }
    for name, value in values.items():
        setattr(guide, name, value.strip())
    guide.time_limit_days = time_limit_days
    guide.validity_days = validity_days
    guide.sample = sample
    guide.updated_by = person(actor)
    guide.save()
    audit.record(
        actor=actor,
        event="guide.created" if created else "guide.updated",
        subject=guide,
        division_code=COUNTRY_CODE,
        before=before,
        after={"item": item.key, **_snapshot(guide)},
    )
    return guide


@transaction.atomic
def guide_publish(*, actor: Actor, item_key: str) -> Guide:
    """Publish a complete guide (REQ-028, REQ-076); the missing parts are named."""
    policy.require(actor, ACTION)
    guide = _guide_for_update(item_key)
    if guide.status == GuideStatus.PUBLISHED:
        raise Conflict(
            _("该办事指南已公布"), code=CatalogueCode.GUIDE_ALREADY_PUBLISHED
        )
    missing = guide_missing_parts(guide)
    if missing:
        raise GuideIncomplete(
            _("办事指南不完整，缺少：%s") % "、".join(m["label"] for m in missing),
            detail=missing,
        )
    before = _snapshot(guide)
    move_to(guide, GuideStatus.PUBLISHED)
    guide.published_at = clock.now()
    guide.updated_by = person(actor)
    guide.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        event="guide.published",
        subject=guide,
        division_code=COUNTRY_CODE,
        before=before,
        after={"item": guide.item.key, **_snapshot(guide)},
    )
    # REQ-112: the government-service platforms hear of it once this commits.
    platform.messages_for_guide(guide)
    return guide


@transaction.atomic
def guide_withdraw(*, actor: Actor, item_key: str, reason: str) -> Guide:
    """Take a published guide off the public page, so it can be edited."""
    policy.require(actor, ACTION)
    guide = _guide_for_update(item_key)
    if not reason.strip():
        raise InvalidInput(_("请填写撤回原因"), code=CoreCode.REASON_REQUIRED)
    before = _snapshot(guide)
    move_to(guide, GuideStatus.WITHDRAWN)
    guide.updated_by = person(actor)
    guide.save(update_fields=["status", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        event="guide.withdrawn",
        subject=guide,
        division_code=COUNTRY_CODE,
        before=before,
        after={"item": guide.item.key, **_snapshot(guide)},
        note=reason.strip(),
    )
    return guide
