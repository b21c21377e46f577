"""The demo lists: sample data, marked as such, never a citation passed off as real."""

import pytest

from yinzheng.catalogue.choices import ListKind, VersionStatus
from yinzheng.catalogue.models import Basis, CatalogueList, Item, ListVersion
from yinzheng.catalogue.reference_data import read_batch1
from yinzheng.demo import catalogue as demo
from yinzheng.demo.loader import load_demo

pytestmark = pytest.mark.django_db

DEMO_COUNTIES = {"620725", "620721", "440804"}


def _demo_lists():
    return CatalogueList.objects.filter(
        owner_id__in=DEMO_COUNTIES, kind=ListKind.POSITIVE
    )


def test_shandan_keeps_both_duty_lists_as_samples_REQ_017():
    load_demo()
    duty_lists = CatalogueList.objects.filter(
        owner_id="620725", kind__in=[ListKind.DUTIES, ListKind.ASSISTANCE]
    )
    assert {lst.kind for lst in duty_lists} == {ListKind.DUTIES, ListKind.ASSISTANCE}
    for lst in duty_lists:
        assert lst.sample and lst.title.endswith("（示例）")
        assert lst.versions.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_the_demo_loader_runs_twice_without_duplicates():
    load_demo()
    counts = (Item.objects.count(), Basis.objects.count(), ListVersion.objects.count())

    load_demo()

    assert (
        Item.objects.count(),
        Basis.objects.count(),
        ListVersion.objects.count(),
    ) == counts
    assert _demo_lists().count() == 3
    for lst in _demo_lists():
        assert lst.kind == ListKind.POSITIVE
        assert lst.versions.filter(status=VersionStatus.PUBLISHED).count() == 1
        assert 4 <= lst.versions.get(status=VersionStatus.PUBLISHED).entries.count()


def test_every_demo_list_and_basis_is_marked_sample():
    load_demo()

    for lst in _demo_lists():
        assert lst.sample and lst.title.endswith("（示例）")
        published = lst.versions.get(status=VersionStatus.PUBLISHED)
        assert published.approval_body.startswith("（示例）")
        assert "示例" in published.approval_reference
        for entry in published.entries.select_related("item"):
            bases = list(entry.item.bases.all())
            assert bases
            for basis in bases:
                assert basis.sample
                assert "示例" in basis.citation and "非真实" in basis.citation
    keys = {i.key for i in demo.ITEMS}
    assert all(b.sample for b in Basis.objects.filter(item__key__in=keys))


def test_no_demo_item_is_on_the_national_negative_list():
    negative = {
        word
        for row in read_batch1()["items"]
        for word in [row["name"], *row["aliases"]]
    }
    for spec in demo.ITEMS:
        for word in [spec.name, *spec.aliases]:
            assert not any(word in n or n in word for n in negative), word


def test_shandan_has_an_open_draft_for_the_manage_page():
    load_demo()

    shandan = _demo_lists().get(owner_id="620725")
    draft = shandan.versions.get(status=VersionStatus.DRAFT)

    assert draft.number == 2
    assert draft.entries.filter(item__key="sample_guardian_designation").exists()
    # REQ-021: the new item came in on an approved admission, the only way in.
    assert draft.applications.get().item.key == "sample_guardian_designation"
    assert (
        not _demo_lists()
        .exclude(owner_id="620725")
        .filter(versions__status=VersionStatus.DRAFT)
    )


def test_the_public_list_pages_show_the_sample_badge(client):
    load_demo()
    shandan = _demo_lists().get(owner_id="620725")

    index = client.get("/catalogue/").content.decode()
    page = client.get(shandan.get_absolute_url()).content.decode()

    assert shandan.title in index and '<span class="badge warn">示例</span>' in index
    assert '<span class="badge warn">示例</span></h1>' in page
    assert demo.SAMPLE_CITATION in page


def test_the_demo_officer_sees_the_draft_on_the_manage_page(client):
    load_demo()
    from yinzheng.accounts.models import User

    client.force_login(User.objects.get(username="minzheng"))
    shandan = _demo_lists().get(owner_id="620725")

    index = client.get("/catalogue/manage/").content.decode()
    page = client.get(f"/catalogue/manage/lists/{shandan.pk}/").content.decode()

    assert shandan.title in index and "草稿" in index
    assert "监护人指定情况证明" in page and "新增" in page


def test_demo_applications_are_sample_data_with_work_waiting_REQ_021_REQ_023():
    from yinzheng.accounts.models import User
    from yinzheng.catalogue import selectors
    from yinzheng.catalogue.models import Application
    from yinzheng.demo.catalogue import SAMPLE_CITATION

    load_demo()
    load_demo()

    applications = Application.objects.filter(catalogue_list__owner_id="620725")
    assert sorted(applications.values_list("status", flat=True)) == [
        "approved",
        "filed",
        "in_review",
        "rejected",
    ]
    for application in applications:
        assert "示例" in application.reason and "演示数据" in application.reason
        assert all(b["citation"] == SAMPLE_CITATION for b in application.bases)
    rejected = applications.get(status="rejected")
    assert "示例" in rejected.decision_reasons and "示例" in rejected.meeting_reference
    for username in ["gongan", "xiangzhen"]:
        waiting = selectors.opinions_awaited(User.objects.get(username=username))
        assert [o.application.status for o in waiting] == ["in_review"], username


def test_shandan_publishes_its_guides_and_two_sample_rules_one_channel_short_REQ_078():
    from yinzheng.accounts.models import User
    from yinzheng.catalogue import selectors
    from yinzheng.catalogue.models import GuidePublication, RelatedRule
    from yinzheng.core import inbox

    load_demo()
    counts = (GuidePublication.objects.count(), RelatedRule.objects.count())
    load_demo()
    assert (GuidePublication.objects.count(), RelatedRule.objects.count()) == counts

    officer = User.objects.get(username="minzheng")
    rules = RelatedRule.objects.filter(owner_id="620725")
    assert rules.count() == 2
    assert all(r.sample and "示例" in r.title and "示例" in r.text for r in rules)
    guides = [r for r in selectors.guide_rows(officer) if r.owner_code == "620725"]
    assert len(guides) >= 4
    assert [len(r.out_of_sync) for r in guides].count(1) == 1
    assert all(r.out_of_sync == [] for r in guides if len(r.out_of_sync) != 1)
    assert len(selectors.rules_out_of_sync(officer)) == 1
    labels = {str(i.label): i.count for i in inbox.items_for(officer)}
    assert labels["尚未在全部渠道同步公布的办事指南"] == 1
    assert labels["尚未在全部渠道公布的相关制度"] == 1
