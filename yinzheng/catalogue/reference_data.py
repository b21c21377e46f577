"""Reference data every installation carries: the national negative list, batch 1
(REQ-005, REQ-119), loaded from data/national_negative_batch1.json through the services.

The seeds reproduce the list (001, 附件1) without its own document number or date; the
version's approval record therefore says where it comes from and what is derived:
`NATIONAL_APPROVAL` below. It is loaded once; later national batches are new lists or
versions (REQ-015), never edits of this one.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import COUNTRY_CODE
from yinzheng.divisions.services import ensure_country_root

from . import services
from .choices import ListKind
from .models import CatalogueList, Item, ListVersion

DATA = Path(__file__).resolve().parent / "data" / "national_negative_batch1.json"

# 002 says the list is the one the national 《指导意见》 set out; 003 cites that guiding
# opinion as 民发〔2020〕20号 (a 民政部 document). No seed dates the list itself: 001
# (2020-12-30) is the earliest dated document reproducing it, so it is in force from then.
NATIONAL_APPROVAL = {
    "approval_body": "民政部等（《指导意见》，民发〔2020〕20号；据种子文件 002、003）",
    "approval_reference": "民发〔2020〕20号《指导意见》所明确的清单（第一批）",
    "approval_date": dt.date(2020, 12, 30),
}
ITEM_FIELDS = [
    "name",
    "name_en",
    "aliases",
    "aliases_en",
    "open_alias_list",
    "route",
    "route_en",
    "responsible_departments",
    "exceptions",
    "clause_notes",
    "no_prior_certificate",
    "data_sharing",
]


def read_batch1() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@transaction.atomic
def load_national_batch1(*, actor: Any) -> ListVersion | None:
    """Create the national negative list, batch 1, unless it exists. Returns its version."""
    if CatalogueList.objects.filter(
        owner_id=COUNTRY_CODE, kind=ListKind.NEGATIVE, batch_no=1
    ).exists():
        return None
    return load_national_batch(
        read_batch1(),
        actor=actor,
        approval=NATIONAL_APPROVAL,
        valid_from=NATIONAL_APPROVAL["approval_date"],
    )


@transaction.atomic
def load_national_batch(
    data: dict[str, Any],
    *,
    actor: Any,
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
    catalogue_list = services.list_create(
        actor=actor,
        owner_code=COUNTRY_CODE,
        kind=ListKind.NEGATIVE,
        title=meta["title"],
        batch_no=meta["batch_no"],
    )
    version = services.version_draft(
        actor=actor,
        list_id=catalogue_list.pk,
        reason=f"载入{meta['title']}",
        source_document=meta.get("source_document", ""),
    )
    for row in sorted(data["items"], key=lambda r: r["number"]):
        services.version_add_item(
            actor=actor, version_id=version.pk, item_key=row["key"]
        )
    services.version_approve(actor=actor, version_id=version.pk, **approval)
    return services.version_publish(
        actor=actor, version_id=version.pk, valid_from=valid_from
    )


def ensure_reference_data(sender: Any, **kwargs: Any) -> None:
    """post_migrate: a fresh installation (and every test database) has batch 1."""
    tables = connection.introspection.table_names()
    needed = {CatalogueList._meta.db_table, "ledger_entry", "divisions_division"}
    if needed <= set(tables):
        load_national_batch1(actor=SYSTEM)
