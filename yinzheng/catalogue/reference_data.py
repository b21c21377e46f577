"""Reference data every installation carries: the national negative list, batch 1
(REQ-005, REQ-119), loaded from data/national_negative_batch1.json through the services
(services.batches.load_national_batch).

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

from yinzheng.accounts.policy import Actor
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import COUNTRY_CODE

from .choices import ListKind
from .models import CatalogueList, ListVersion
from .services.batches import load_national_batch

DATA = Path(__file__).resolve().parent / "data" / "national_negative_batch1.json"

# 002 says the list is the one the national 《指导意见》 set out; 003 cites that guiding
# opinion as 民发〔2020〕20号 (a 民政部 document). No seed dates the list itself: 001
# (2020-12-30) is the earliest dated document reproducing it, so it is in force from then.
NATIONAL_APPROVAL: dict[str, Any] = {
    "approval_body": "民政部等（《指导意见》，民发〔2020〕20号；据种子文件 002、003）",
    "approval_reference": "民发〔2020〕20号《指导意见》所明确的清单（第一批）",
    "approval_date": dt.date(2020, 12, 30),
}


def read_batch1() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@transaction.atomic
def load_national_batch1(*, actor: Actor) -> ListVersion | None:
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


def ensure_reference_data(sender: Any, **kwargs: Any) -> None:
    """post_migrate: a fresh installation (and every test database) has batch 1."""
    tables = connection.introspection.table_names()
    needed = {CatalogueList._meta.db_table, "ledger_entry", "divisions_division"}
    if needed <= set(tables):
        load_national_batch1(actor=SYSTEM)
