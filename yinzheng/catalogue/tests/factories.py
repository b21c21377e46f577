"""Catalogue test data: items with bases, lists with published versions."""

import datetime as dt
import itertools

from yinzheng.accounts.choices import Department
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    GuideStatus,
)
from yinzheng.catalogue.models import (
    Application,
    Basis,
    CatalogueList,
    Guide,
    Item,
    ListEntry,
    ListVersion,
)
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM

_keys = itertools.count(1)


def item(
    name: str | None = None,
    *,
    basis: str | None = BasisType.LAW,
    within_duties: bool = True,
    route: str = "",
    departments=(),
    key: str | None = None,
    guide: bool = True,
) -> Item:
    """An item; with `guide`, a complete published guide (REQ-075 lets it be listed)."""
    n = next(_keys)
    obj = Item.objects.create(
        key=key or f"item-{n}",
        name=name or f"测试证明{n}",
        within_committee_duties=within_duties,
        route=route,
        responsible_departments=list(departments),
    )
    if basis:
        Basis.objects.create(
            item=obj, basis_type=basis, citation=f"测试依据{n}", sample=True
        )
    if guide:
        published_guide(obj)
    return obj


def published_guide(obj: Item, **fields) -> Guide:
    """A complete published guide for `obj`, written directly (test data)."""
    values = {
        "certificate_format": "测试式样",
        "procedure": "测试程序",
        "operating_rules": "测试规范",
        "purpose": "测试用途",
        "basis": "测试依据",
        "materials": "测试要件",
        "sample_form": "测试样表",
        "sample": True,
        **fields,
    }
    return Guide.objects.create(
        item=obj, status=GuideStatus.PUBLISHED, published_at=clock.now(), **values
    )


def negative_item(name: str | None = None, **kw) -> Item:
    return item(
        name,
        basis=None,
        within_duties=False,
        guide=kw.pop("guide", False),
        route=kw.pop("route", "向有关部门申请"),
        departments=kw.pop("departments", ["公安"]),
        **kw,
    )


def published(
    owner: str,
    kind: str,
    items: list[Item],
    *,
    valid_from: dt.date = dt.date(2024, 1, 1),
    catalogue_list: CatalogueList | None = None,
    admit: bool = True,
) -> ListVersion:
    """A list at `owner` (created when not given) with a published version of `items`.

    Where the owner already keeps a published positive list, an item new to it comes in
    on an approved admission (REQ-021), written by `admitted`; `admit=False` adds it
    directly, as a county officer might try to."""
    if catalogue_list is None:
        catalogue_list = services.list_create(
            actor=SYSTEM,
            owner_code=owner,
            kind=kind,
            title=f"{owner} {kind}",
            batch_no=CatalogueList.objects.filter(owner_id=owner, kind=kind).count()
            + 1,
        )
    version = services.version_draft(
        actor=SYSTEM, list_id=catalogue_list.pk, reason="测试"
    )
    for entry in list(version.entries.all()):
        services.version_remove_item(
            actor=SYSTEM, version_id=version.pk, item_key=entry.item.key
        )
    for it in items:
        if admit and services.admission_needed(version, it):
            admitted(version, it)
        else:
            services.version_add_item(
                actor=SYSTEM, version_id=version.pk, item_key=it.key
            )
    services.version_approve(
        actor=SYSTEM,
        version_id=version.pk,
        approval_body="测试机关",
        approval_date=valid_from,
        approval_reference="测试文号",
    )
    return services.version_publish(
        actor=SYSTEM, version_id=version.pk, valid_from=valid_from
    )


def admitted(version: ListVersion, obj: Item) -> ListEntry:
    """`obj` put on the draft `version` by an approved admission application (REQ-021).

    The application row is test data written directly (its review is tested in
    test_admissions.py); the entry goes through the service, as the review's does."""
    application = Application.objects.create(
        catalogue_list=version.catalogue_list,
        kind=ApplicationKind.ADMISSION,
        status=ApplicationStatus.APPROVED,
        department=Department.HUMAN_RESOURCES,
        applicant_unit="测试申请单位",
        reason="测试准入",
        item=obj,
        item_key=obj.key,
        item_name=obj.name,
        meeting_reference="测试联审会议纪要",
        resulting_version=version,
    )
    return services.version_add_item(
        actor=SYSTEM,
        version_id=version.pk,
        item_key=obj.key,
        admission_id=application.pk,
    )
