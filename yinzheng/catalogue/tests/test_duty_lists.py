"""The duty lists a jurisdiction keeps beside its certificate lists (REQ-017)."""

import datetime as dt

from django.urls import reverse

from yinzheng.catalogue import selectors
from yinzheng.catalogue.choices import ListKind

from . import factories

COUNTY = "620725"


def test_a_duty_list_is_published_without_guides_or_certificate_rules_REQ_017(tree):
    duty = factories.item("调解民间纠纷", guide=False, basis=None)
    version = factories.published(COUNTY, ListKind.DUTIES, [duty])
    assert version.status == "published"
    assistance = factories.item("协助开展人口普查", guide=False, basis=None)
    factories.published(COUNTY, ListKind.ASSISTANCE, [assistance])


def test_duties_never_decide_a_certificate_request_REQ_017(tree):
    duty = factories.item("召集村民会议", guide=False)
    factories.published(COUNTY, ListKind.DUTIES, [duty])
    catalogue = selectors.effective_catalogue(tree["A1a"], dt.date(2025, 1, 1))
    assert duty.key not in catalogue
    results = selectors.lookup_items("召集村民会议", committee_code=tree["A1a"])
    assert all(r.list != ListKind.DUTIES for r in results)


def test_duty_lists_are_public_with_their_kind_REQ_017(tree, client):
    duty = factories.item("村务公开", guide=False, basis=None)
    version = factories.published(COUNTY, ListKind.DUTIES, [duty])
    page = client.get(reverse("portal:catalogue")).content.decode()
    assert str(ListKind.DUTIES.label) in page
    detail = client.get(version.get_absolute_url()).content.decode()
    assert "村务公开" in detail
