"""Publicity after a later national batch (REQ-122): the import announces it on the
public pages and in every committee's inbox; each committee acknowledges once; the
township sees which of its committees have not."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import selectors
from yinzheng.catalogue.models import Acknowledgement, Announcement
from yinzheng.catalogue.services import announcements, batches
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from yinzheng.core.inbox import items_for
from yinzheng.core.tests import factories as f
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Entry

from . import factories
from .test_batches import batch2

TOWNSHIP = "620725101"


@pytest.fixture
def announced(tree):
    item = factories.item("测试新增负面证明")
    version, _tasks = batches.national_batch_import(actor=SYSTEM, data=batch2(item))
    return version.announcement


@pytest.fixture
def people(tree):
    return {
        "clerk": f.user("clerk", role=Role.CLERK, at=tree["A1a"]),
        "head": f.user("head", role=Role.HEAD, at=tree["A1a"]),
        "other_clerk": f.user("clerk_b", role=Role.CLERK, at=tree["A1b"]),
        "township": f.user("town", role=Role.TOWNSHIP, at=TOWNSHIP),
        "county": f.user("county", role=Role.CIVIL_AFFAIRS, at="620725"),
        "elsewhere": f.user("potou", role=Role.CIVIL_AFFAIRS, at="440804"),
    }


def _ack(user, announcement, code):
    return announcements.announcement_acknowledge(
        actor=user, announcement_id=announcement.pk, committee_code=code
    )


def test_req_122_importing_a_later_batch_announces_it_publicly(announced, client):
    assert announced.batch_no == 2
    assert Entry.objects.filter(event="catalogue.announcement_published").exists()
    index = client.get(reverse("portal:catalogue")).content.decode()
    assert announced.get_absolute_url() in index
    page = client.get(announced.get_absolute_url()).content.decode()
    assert "测试新增负面证明" in page and "向有关部门申请" in page
    assert "2026-01-01" in page


def test_req_122_a_batch_that_fails_to_import_announces_nothing(tree):
    item = factories.item("甲")
    batches.national_batch_import(actor=SYSTEM, data=batch2(item))
    with pytest.raises(Conflict):
        batches.national_batch_import(actor=SYSTEM, data=batch2(item))
    assert Announcement.objects.count() == 1


def test_req_122_each_committee_acknowledges_once(announced, people, tree):
    ack = _ack(people["clerk"], announced, tree["A1a"])
    assert ack.committee_id == tree["A1a"] and ack.acknowledged_by == people["clerk"]
    with pytest.raises(Conflict) as refused:
        _ack(people["head"], announced, tree["A1a"])
    assert refused.value.code == "announcement_acknowledged"
    assert Acknowledgement.objects.count() == 1
    assert (
        Entry.objects.filter(event="catalogue.announcement_acknowledged").count() == 1
    )


@pytest.mark.parametrize("who", ["other_clerk", "township", "county"])
def test_req_122_only_the_committees_own_clerk_or_head_acknowledges(
    announced, people, tree, who
):
    with pytest.raises(NotAllowed):
        _ack(people[who], announced, tree["A1a"])
    assert not Acknowledgement.objects.exists()


def test_req_122_an_unknown_announcement_or_committee_is_refused(announced, people):
    with pytest.raises(NotFound):
        announcements.announcement_acknowledge(
            actor=SYSTEM,
            announcement_id=announced.pk + 99,
            committee_code="620725101001",
        )
    with pytest.raises(NotFound):
        _ack(SYSTEM, announced, "620725101999")


def test_req_122_an_abolished_committee_is_neither_pending_nor_acknowledges(
    announced, people, tree
):
    Division.objects.filter(code=tree["A1b"]).update(status=CommitteeStatus.ABOLISHED)
    with pytest.raises(InvalidInput):
        _ack(SYSTEM, announced, tree["A1b"])
    pending = selectors.announcement_pending(people["township"], announced)
    assert [c.code for c in pending] == [tree["A1a"]]


def test_req_122_the_township_sees_which_committees_have_not_acknowledged(
    announced, people, tree
):
    _ack(people["clerk"], announced, tree["A1a"])
    township = selectors.announcement_pending(people["township"], announced)
    assert [c.code for c in township] == [tree["A1b"]]
    county = selectors.announcement_pending(people["county"], announced)
    assert [c.code for c in county] == [tree["A1b"], tree["A2a"]]
    elsewhere = selectors.announcement_pending(people["elsewhere"], announced)
    assert [c.code for c in elsewhere] == [tree["B1a"]]
    progress = selectors.announcement_progress(people["county"], announced)
    assert (progress.committees, progress.acknowledged, progress.pending) == (3, 1, 2)


def test_req_122_the_notice_waits_in_the_committees_inbox_until_acknowledged(
    announced, people, tree
):
    def labels(user):
        return [str(i.label) for i in items_for(user)]

    assert any("待阅知" in label for label in labels(people["clerk"]))
    assert any("尚未阅知" in label for label in labels(people["township"]))
    _ack(people["clerk"], announced, tree["A1a"])
    assert not any("待阅知" in label for label in labels(people["clerk"]))
    assert not any("待阅知" in label for label in labels(people["head"]))
    _ack(people["other_clerk"], announced, tree["A1b"])
    assert not any("尚未阅知" in label for label in labels(people["township"]))


def test_req_122_the_clerk_acknowledges_on_the_page_and_the_township_follows(
    announced, people, tree, client
):
    client.force_login(people["clerk"])
    page = client.get(announced.get_absolute_url()).content.decode()
    assert 'id="acknowledge"' in page
    response = client.post(
        reverse("catalogue:announcement_acknowledge", args=[announced.pk]),
        {"committee": tree["A1a"]},
    )
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(committee_id=tree["A1a"]).exists()
    assert (
        'id="acknowledge"'
        not in client.get(announced.get_absolute_url()).content.decode()
    )
    progress_url = reverse("catalogue:announcement_progress", args=[announced.pk])
    assert client.get(progress_url).status_code == 403
    client.force_login(people["township"])
    page = client.get(progress_url).content.decode()
    assert tree["A1b"] in page and tree["A1a"] not in page


def test_req_122_a_forbidden_acknowledgement_on_the_page_is_refused(
    announced, people, tree, client
):
    client.force_login(people["township"])
    response = client.post(
        reverse("catalogue:announcement_acknowledge", args=[announced.pk]),
        {"committee": tree["A1a"]},
    )
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_req_122_the_api_lists_acknowledges_and_follows(announced, people, tree):
    api = APIClient()
    listed = api.get("/api/catalogue/announcements/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["batch_no"] == 2
    assert rows[0]["items"][0]["name"] == "测试新增负面证明"
    url = f"/api/catalogue/announcements/{announced.pk}/acknowledge/"
    assert api.post(url, {"committee": tree["A1a"]}).status_code in (401, 403)
    api.force_authenticate(people["clerk"])
    assert api.post(url, {"committee": tree["A1a"]}).status_code == 201
    second = api.post(url, {"committee": tree["A1a"]})
    assert (
        second.status_code == 409
        and second.json()["code"] == "announcement_acknowledged"
    )
    pending_url = f"/api/catalogue/announcements/{announced.pk}/pending/"
    assert api.get(pending_url).status_code == 403
    api.force_authenticate(people["township"])
    pending = api.get(pending_url).json()
    assert [r["code"] for r in pending["results"]] == [tree["A1b"]]


def test_req_122_the_command_lists_the_committees_that_have_not(
    announced, people, tree, capsys
):
    _ack(people["clerk"], announced, tree["A1a"])
    call_command("catalogue_announcements", "--json")
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["batch_no"], row["pending"]) == (2, 3)  # A1b, A2a, B1a
    call_command(
        "catalogue_announcements", "--pending", str(announced.pk), "--under", TOWNSHIP
    )
    out = capsys.readouterr().out
    assert tree["A1b"] in out and tree["A1a"] not in out and tree["A2a"] not in out
