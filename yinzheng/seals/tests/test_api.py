"""Seal API: visibility by subtree (a township never sees another township's seals),
the permission matrix of the writes, one journey through every endpoint, and refusals in
the {"code", "message", "detail"} shape."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.core import clock
from yinzheng.core.tests import factories as f
from yinzheng.seals import selectors
from yinzheng.seals.models import Seal

from . import factories

BASE = "/api/seals"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def other_seal(people, tree):
    head = f.user("head-a2a", role=Role.HEAD, at=tree["A2a"])
    keeper = f.user("yz-a2a", role=Role.CUSTODIAN, at=tree["A2a"])
    return factories.in_use(
        officer=people.other_township,
        head=head,
        custodian=keeper,
        committee=tree["A2a"],
    )


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_lists_and_details_show_only_the_users_subtrees(api, people, seal, other_seal):
    body = _as(api, people.township).get(f"{BASE}/seals/").json()
    assert [s["id"] for s in body["results"]] == [seal.pk]
    assert api.get(f"{BASE}/seals/{other_seal.pk}/").status_code == 404
    detail = api.get(f"{BASE}/seals/{seal.pk}/").json()
    assert detail["status"] == "in_use" and detail["usable"] is True
    assert detail["custodian"]["id"] == people.custodian.pk
    assert detail["first_responsible"]["id"] == people.head.pk
    assert detail["issuer"] == "620725101"
    _as(api, people.other_township)
    assert api.get(f"{BASE}/seals/{seal.pk}/").status_code == 404
    assert api.get(f"{BASE}/seals/{seal.pk}/history/").status_code == 404
    assert [s["id"] for s in api.get(f"{BASE}/seals/").json()["results"]] == [
        other_seal.pk
    ]


def test_outsiders_are_refused(api, people, seal):
    assert api.get(f"{BASE}/seals/").status_code == 401
    department = f.user(
        "dept", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    response = _as(api, department).get(f"{BASE}/seals/")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_the_permission_matrix_of_the_writes(api, people, seal, tree):
    """Each write refused for the roles it does not belong to (403)."""
    cases = [
        (people.head, "post", f"{BASE}/seals/{seal.pk}/revoke/", {"reason": "x"}),
        (people.custodian, "post", f"{BASE}/seals/{seal.pk}/collect/", {}),
        (
            people.clerk,
            "post",
            f"{BASE}/seals/{seal.pk}/storage/",
            {"storage_location": "抽屉"},
        ),
        (
            people.township,
            "post",
            f"{BASE}/seals/{seal.pk}/custodian/",
            {"custodian": people.custodian2.pk},
        ),
        (
            people.head,
            "post",
            f"{BASE}/seals/",
            {
                "committee": tree["A1a"],
                "issuer": "620725101",
                "serial": "X-1",
                "imprint": "x",
                "form": "physical",
                "storage_location": "柜",
                "issued_on": "2024-03-01",
            },
        ),
    ]
    for user, method, url, data in cases:
        response = getattr(_as(api, user), method)(url, data, format="json")
        assert response.status_code == 403, (user, url)
        assert response.json()["code"] == "not_allowed"


def test_refusals_carry_their_code(api, people, tree):
    _as(api, people.township)
    response = api.post(
        f"{BASE}/seals/",
        {
            "committee": tree["A1a"],
            "issuer": "620725102",
            "serial": "X-2",
            "imprint": "测试",
            "form": "physical",
            "storage_location": "柜",
            "issued_on": "2024-03-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "issuer_not_township"
    assert set(response.json()) == {"code", "message", "detail"}


def test_a_journey_through_the_endpoints(api, people, tree):
    a1a = tree["A1a"]
    created = _as(api, people.township).post(
        f"{BASE}/seals/",
        {
            "committee": a1a,
            "issuer": "620725101",
            "serial": "API-1",
            "imprint": "测试村民委员会",
            "form": "electronic",
            "storage_location": "电子印章系统",
            "issued_on": "2024-03-01",
        },
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["usable"] is False
    assert created.json()["unusable_reason"] == "issued"
    conflict = api.post(f"{BASE}/seals/{pk}/activate/")
    assert (
        conflict.status_code == 409 and conflict.json()["code"] == "custodian_required"
    )
    appointed = _as(api, people.head).post(
        f"{BASE}/seals/{pk}/custodian/", {"custodian": people.custodian.pk}
    )
    assert appointed.status_code == 201
    assert (
        _as(api, people.township).post(f"{BASE}/seals/{pk}/activate/").json()["usable"]
    )
    moved = _as(api, people.custodian).post(
        f"{BASE}/seals/{pk}/storage/", {"storage_location": "新系统"}
    )
    assert moved.json()["storage_location"] == "新系统"

    due = (clock.now() + dt.timedelta(hours=2)).isoformat()
    # An electronic seal is never carried out of the office (issue 16).
    refused = api.post(
        f"{BASE}/seals/{pk}/takeouts/", {"purpose": "外出办公", "due_back_at": due}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "electronic_not_carried"

    handover = _as(api, people.head).post(
        f"{BASE}/handovers/",
        {
            "committee": a1a,
            "trigger": "custodian_change",
            "trigger_date": "2024-09-28",
            "outgoing": people.custodian.pk,
            "incoming": people.custodian2.pk,
        },
        format="json",
    )
    assert handover.status_code == 201
    h = handover.json()
    assert h["due_on"] == "2024-10-08" and h["overdue"] is True
    assert h["items"][0]["seal"] == pk
    overdue = _as(api, people.township).get(f"{BASE}/handovers/", {"overdue": "1"})
    assert [x["id"] for x in overdue.json()["results"]] == [h["id"]]
    _as(api, people.custodian)
    for item in h["items"]:
        api.post(f"{BASE}/handovers/{h['id']}/items/{item['id']}/", {"checked": True})
    api.post(f"{BASE}/handovers/{h['id']}/confirm/", {"side": "outgoing"})
    done = _as(api, people.custodian2).post(
        f"{BASE}/handovers/{h['id']}/confirm/", {"side": "incoming"}
    )
    assert done.json()["status"] == "completed"
    custodies = api.get(f"{BASE}/seals/{pk}/custodies/").json()
    assert [c["custodian"]["id"] for c in custodies] == [
        people.custodian.pk,
        people.custodian2.pk,
    ]

    loss = _as(api, people.custodian2).post(
        f"{BASE}/seals/{pk}/loss/",
        {"lost_on": "2024-10-09", "circumstances": "密钥介质遗失"},
    )
    assert loss.status_code == 201
    reissued = _as(api, people.township).post(
        f"{BASE}/loss-reports/{loss.json()['id']}/reissue/",
        {
            "serial": "API-2",
            "imprint": "测试村民委员会",
            "storage_location": "电子印章系统",
            "issued_on": "2024-10-10",
        },
        format="json",
    )
    assert reissued.status_code == 201 and reissued.json()["replaces"] == pk
    assert reissued.json()["form"] == "electronic"
    events = [e["event"] for e in api.get(f"{BASE}/seals/{pk}/history/").json()]
    assert events[0] == "seal.issued" and "seal.reissued" in events


def test_replacement_collection_and_destruction(api, people, seal, tree):
    new = factories.issued(
        officer=people.township, committee=tree["A1a"], replaces=seal
    )
    _as(api, people.head).post(
        f"{BASE}/seals/{new.pk}/custodian/", {"custodian": people.custodian.pk}
    )
    _as(api, people.township)
    replaced = api.post(f"{BASE}/seals/{seal.pk}/replace/", {"new_seal": new.pk})
    assert replaced.json()["id"] == new.pk and replaced.json()["status"] == "in_use"
    old = api.get(f"{BASE}/seals/{seal.pk}/").json()
    assert old["status"] == "collected" and old["successors"] == [new.pk]
    assert api.post(f"{BASE}/seals/{seal.pk}/destroy/").json()["status"] == "destroyed"
    revoked = api.post(f"{BASE}/seals/{new.pk}/revoke/", {"reason": "作废"}).json()
    assert revoked["status"] == "revoked" and revoked["revoked_at"]


def test_abolition_collection_task_endpoint(api, people, seal, tree):
    _as(api, people.civil).post(
        f"/api/committees/{tree['A1a']}/abolish/", {"reference": "山政发〔2024〕5号"}
    )
    tasks = (
        _as(api, people.township).get(f"{BASE}/collection-tasks/", {"open": "1"}).json()
    )
    assert [t["committee"] for t in tasks["results"]] == [tree["A1a"]]
    assert api.get(f"{BASE}/seals/{seal.pk}/").json()["status"] == "blocked"
    assert (
        _as(api, people.other_township).get(f"{BASE}/collection-tasks/").json()["count"]
        == 0
    )
    task_id = tasks["results"][0]["id"]
    confirmed = _as(api, people.township).post(
        f"{BASE}/collection-tasks/{task_id}/confirm/", {"note": "已收回"}
    )
    assert confirmed.json()["closed_at"]
    assert Seal.objects.get(pk=seal.pk).status == "collected"
    assert not selectors.collection_tasks_open(people.township).exists()


def test_a_physical_seal_goes_out_and_back_through_the_endpoints(api, people, seal):
    pk = seal.pk
    _as(api, people.custodian)
    due = (clock.now() + dt.timedelta(hours=2)).isoformat()
    takeout = api.post(
        f"{BASE}/seals/{pk}/takeouts/", {"purpose": "外出办公", "due_back_at": due}
    ).json()
    assert takeout["status"] == "requested"
    tid = takeout["id"]
    assert api.post(f"{BASE}/takeouts/{tid}/leave/").json()["code"] == (
        "takeout_not_approved"
    )
    assert _as(api, people.head).post(f"{BASE}/takeouts/{tid}/approve/").json()[
        "decided_by"
    ]["id"] == (people.head.pk)
    _as(api, people.custodian).post(f"{BASE}/takeouts/{tid}/leave/")
    detail = api.get(f"{BASE}/seals/{pk}/").json()
    assert detail["usable"] is False and detail["out"]["purpose"] == "外出办公"
    assert api.post(f"{BASE}/takeouts/{tid}/return/").json()["status"] == "returned"
