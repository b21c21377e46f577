"""Lists (清单): created by the division that owns them, reviewed periodically.

A list belongs to a country, province, prefecture or county and has a kind (positive,
negative, the two duty lists of REQ-017); one per owner, kind and batch (REQ-003).
Its content changes only through versions (versions.py). The owner records each periodic
clean-up and assessment and may set the interval after which the next falls due
(定期清理、定期评估, REQ-013).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import ListKind
from ..errors import CatalogueCode
from ..models import CatalogueList

LIST_OWNER_LEVELS = {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}


@transaction.atomic
def list_create(
    *,
    actor: Actor,
    owner_code: str,
    kind: str,
    title: str,
    batch_no: int | None = None,
    sample: bool = False,
) -> CatalogueList:
    owner = Division.objects.filter(code=owner_code).first()
    if owner is None:
        raise NotFound(
            _("区划 %s 不存在") % owner_code, code=CoreCode.DIVISION_NOT_FOUND
        )
    policy.require(actor, "catalogue.manage", owner)
    if owner.level not in LIST_OWNER_LEVELS:
        raise InvalidInput(
            _("清单只能由国家、省、市、县级制定"), code=CatalogueCode.LIST_OWNER_LEVEL
        )
    if kind not in ListKind.values:
        raise InvalidInput(_("清单类型无效"), code=CatalogueCode.LIST_KIND_INVALID)
    if not title.strip():
        raise InvalidInput(_("请填写清单名称"), code=CatalogueCode.LIST_TITLE_REQUIRED)
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
        raise Conflict(
            _("该区划已有同类同批次清单"), code=CatalogueCode.LIST_EXISTS
        ) from exc
    audit.record(
        actor=actor,
        event="catalogue_list.created",
        subject=catalogue_list,
        after={"kind": kind, "title": title, "batch_no": batch_no, "sample": sample},
    )
    return catalogue_list


@transaction.atomic
def list_review_record(
    *, actor: Actor, list_id: int, note: str, interval_days: int | None = None
) -> CatalogueList:
    """Record a periodic clean-up and assessment of the list (定期清理、定期评估,
    REQ-013), optionally setting the interval after which the next one falls due."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code=CatalogueCode.LIST_NOT_FOUND)
    policy.require(actor, "catalogue.manage", catalogue_list)
    if not note.strip():
        raise InvalidInput(
            _("请填写清理评估结论"), code=CatalogueCode.REVIEW_NOTE_REQUIRED
        )
    if interval_days is not None and not 1 <= interval_days <= 3660:
        raise InvalidInput(
            _("评估间隔须在 1 到 3660 天之间"), code=CatalogueCode.INTERVAL_INVALID
        )
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
