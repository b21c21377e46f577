"""A fresh installation carries the national negative list, batch 1 (REQ-005, REQ-119)."""

import datetime as dt

import pytest

from yinzheng.catalogue import reference_data, selectors
from yinzheng.catalogue.choices import ListKind, VersionStatus
from yinzheng.catalogue.models import CatalogueList, Item
from yinzheng.core.actors import SYSTEM


@pytest.mark.django_db
def test_batch1_is_published_nationally_with_twenty_items_in_order():
    lst = CatalogueList.objects.get(owner_id="CN", kind=ListKind.NEGATIVE, batch_no=1)
    (version,) = lst.versions.all()
    assert version.status == VersionStatus.PUBLISHED
    assert version.approval_reference and version.approval_body  # REQ-014
    data = reference_data.read_batch1()["items"]
    entries = list(version.entries.select_related("item").order_by("number"))
    assert [(e.number, e.item.key) for e in entries] == [
        (row["number"], row["key"]) for row in data
    ]
    for entry, row in zip(entries, data, strict=True):
        assert entry.item.route == row["route"]
        assert entry.item.name == row["name"] and entry.item.aliases == row["aliases"]
        assert entry.item.responsible_departments  # REQ-006


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    assert reference_data.load_national_batch1(actor=SYSTEM) is None
    assert Item.objects.filter(remarks__startswith="国家负面清单").count() == 20


@pytest.mark.django_db
def test_every_committee_sees_batch1_as_negative_today(tree):
    catalogue = selectors.effective_catalogue(tree["A1a"], dt.date(2026, 11, 21))
    negative = {k for k, e in catalogue.items() if e.kind == ListKind.NEGATIVE}
    assert {"kinship_certificate", "property_certificate"} <= negative
    assert catalogue["marital_status_certificate"].item.exceptions == [
        "婚姻登记档案丢失",
        "收养情况",
    ]
