"""National negative-list batches (REQ-005, REQ-015).

`load_national_batch` loads a batch in the shipped JSON shape through the list services:
its items created or updated by key, a new national list for the batch, approved and
published; the reference data loads batch 1 with it (reference_data.py).

Importing a later batch (`national_batch_import`) publishes it so and, in the same
transaction, opens a follow-up task for every local positive list in force that still
names one of the batch's items. Such a list can no longer publish a version with those
items (REQ-010 refuses it); the owner closes the task with a note once adjusted
(`follow_up_close`). The batch is announced in the same transaction (REQ-122,
services/announcements.py).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import COUNTRY_CODE
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.divisions.services import ensure_country_root
from yinzheng.ledger import audit

from .. import selectors
from ..choices import ListKind
from ..errors import CatalogueCode
from ..models import CatalogueList, FollowUpTask, Item, ListEntry, ListVersion
from . import announcements, lists, versions

ITEM_FIELDS = [
    "name",
    "name_en",
    "aliases",
    "aliases_en",
    "open_alias_list",
    "route",
    "route_en",
    "responsible_departments",
    "sharing_departments",
    "exceptions",
    "clause_notes",
    "no_prior_certificate",
    "data_sharing",
]


@transaction.atomic
def load_national_batch(
    data: dict[str, Any],
    *,
    actor: Actor,
    approval: dict[str, Any],
    valid_from: dt.date,
) -> ListVersion:
    """A national negative-list batch in the shipped JSON shape, through the services:
    items created or updated by key, a new list for the batch, approved and published."""
    ensure_country_root()
    meta = data["list"]
    for row in data["items"]:
        Item.objects.update_or_create(
            key=row["key"],
            defaults={
                **{f: row[f] for f in ITEM_FIELDS if f in row},
                # REQ-006: where the route names no department, the derived one
                # (explained in the remarks) stands in.
                "responsible_departments": row.get("responsible_departments")
                or row.get("responsible_departments_derived", []),
                "within_committee_duties": False,
                "remarks": "；".join(
                    filter(
                        None,
                        [
                            f"国家负面清单（第{meta['batch_no']}批）第 {row['number']} 项",
                            row.get("departments_note", ""),
                        ],
                    )
                ),
            },
        )
    catalogue_list = lists.list_create(
        actor=actor,
        owner_code=COUNTRY_CODE,
        kind=ListKind.NEGATIVE,
        title=meta["title"],
        batch_no=meta["batch_no"],
    )
    version = versions.version_draft(
        actor=actor,
        list_id=catalogue_list.pk,
        reason=f"载入{meta['title']}",
        source_document=meta.get("source_document", ""),
    )
    for row in sorted(data["items"], key=lambda r: r["number"]):
        versions.version_add_item(
            actor=actor, version_id=version.pk, item_key=row["key"]
        )
    versions.version_approve(actor=actor, version_id=version.pk, **approval)
    return versions.version_publish(
        actor=actor, version_id=version.pk, valid_from=valid_from
    )


def _checked(data: dict[str, Any]) -> tuple[dict[str, Any], dt.date]:
    try:
        meta, items, approval = data["list"], data["items"], data["approval"]
        batch_no = int(meta["batch_no"])
        valid_from = parse_date(str(meta["valid_from"]))
        approval = {
            "approval_body": str(approval["body"]),
            "approval_date": parse_date(str(approval["date"])),
            "approval_reference": str(approval["reference"]),
        }
        keys = [str(row["key"]) for row in items]
        for row in items:
            int(row["number"]), str(row["name"]), str(row["route"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            _("批次文件格式不正确：%s") % exc, code=CatalogueCode.BATCH_FILE_INVALID
        ) from exc
    if batch_no < 2 or valid_from is None or approval["approval_date"] is None:
        raise InvalidInput(
            _("批次文件须有第二批及以后的批次号、生效日期和批准记录"),
            code=CatalogueCode.BATCH_FILE_INVALID,
        )
    if len(set(keys)) != len(keys) or not keys:
        raise InvalidInput(
            _("批次文件中的事项标识重复或为空"), code=CatalogueCode.BATCH_FILE_INVALID
        )
    if CatalogueList.objects.filter(
        owner_id=COUNTRY_CODE, kind=ListKind.NEGATIVE, batch_no=batch_no
    ).exists():
        raise Conflict(_("第 %d 批已导入") % batch_no, code=CatalogueCode.BATCH_EXISTS)
    return approval, valid_from


@transaction.atomic
def national_batch_import(
    *, actor: Actor, data: dict[str, Any]
) -> tuple[ListVersion, list[FollowUpTask]]:
    policy.require(actor, "catalogue.manage", COUNTRY_CODE)
    approval, valid_from = _checked(data)
    version = load_national_batch(
        data, actor=actor, approval=approval, valid_from=valid_from
    )
    keys = {row["key"] for row in data["items"]}
    affected: dict[int, set[str]] = {}
    for list_id, key in ListEntry.objects.filter(
        version__in=selectors.versions_in_force_anywhere(
            max(valid_from, clock.today())
        ),
        version__catalogue_list__kind=ListKind.POSITIVE,
        item__key__in=keys,
    ).values_list("version__catalogue_list_id", "item__key"):
        affected.setdefault(list_id, set()).add(key)
    tasks = []
    for list_id, item_keys in sorted(affected.items()):
        task = FollowUpTask.objects.create(
            catalogue_list_id=list_id,
            source_version=version,
            item_keys=sorted(item_keys),
        )
        audit.record(
            actor=actor,
            event="follow_up_task.opened",
            subject=task,
            after={"list": list_id, "items": task.item_keys, "source": version.pk},
        )
        tasks.append(task)
    # REQ-122: announced on the public pages and in every committee's inbox.
    announcements.announcement_publish(actor=actor, version=version)
    return version, tasks


@transaction.atomic
def follow_up_close(*, actor: Actor, task_id: int, note: str) -> FollowUpTask:
    task = (
        FollowUpTask.objects.select_for_update()
        .select_related("catalogue_list")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not policy.can(actor, "catalogue.manage", task):
        raise NotFound(code=CoreCode.TASK_NOT_FOUND)
    if task.closed_at is not None:
        raise Conflict(_("该任务已办结"), code=CoreCode.TASK_CLOSED)
    if not note.strip():
        raise InvalidInput(_("请填写办结说明"), code=CoreCode.NOTE_REQUIRED)
    with audit.recorded(
        actor=actor,
        event="follow_up_task.closed",
        subject=task,
        fields=["closed_at", "closed_by", "closing_note"],
    ):
        task.closed_at, task.closed_by = clock.now(), person(actor)
        task.closing_note = note.strip()
    return task
