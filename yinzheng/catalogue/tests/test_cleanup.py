"""The clean-up pass (REQ-011): suggestions a person must confirm, reasons for removals,
completion into a new draft and the periodic review record (REQ-013); the staff page and
the API."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import (
    BasisType,
    CleanupDisposition,
    ListKind,
    VersionStatus,
)
from yinzheng.catalogue.models import Basis, CleanupReview, Item, ListVersion
from yinzheng.catalogue.services import cleanup
from yinzheng.core import clock
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
NATIONAL_ITEM = "marital_status_certificate"  # batch 1, item 8
BASE = "/api/catalogue"


@pytest.fixture
def county_list(officer, batch1):
    """A county positive list published before batch 1 was in force, naming an item
    with a legal basis, one whose basis has since turned out to be only a policy, and
    one that batch 1 now names."""
    keep = factories.item("居住情况证明", key="keep-me")
    policy_only = factories.item("政策性证明", key="policy-only")
    national = Item.objects.get(key=NATIONAL_ITEM)
    national.within_committee_duties = True
    national.save()
    Basis.objects.create(item=national, basis_type=BasisType.LAW, citation="测试依据")
    factories.published_guide(national)
    version = factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [keep, policy_only, national],
        valid_from=dt.date(2020, 1, 1),
    )
    policy_only.bases.update(basis_type=BasisType.POLICY)
    return version.catalogue_list


def _decisions(review: CleanupReview) -> dict[str, tuple[str, int | None]]:
    return {
        d.item.key: (d.disposition, d.decided_by_id)
        for d in review.decisions.select_related("item")
    }


def _confirm_all(officer, review, reasons=None):
    """Confirm every suggestion, with the reason given or the suggested one."""
    reasons = reasons or {}
    for d in review.decisions.select_related("item"):
        cleanup.cleanup_decide(
            actor=officer,
            review_id=review.pk,
            item_key=d.item.key,
            disposition=d.disposition,
            reason=reasons.get(d.item.key, d.reason),
        )


# Suggestions --------------------------------------------------------------------------


def test_an_item_on_the_national_negative_list_is_suggested_for_removal(
    county_list,
):
    item = Item.objects.get(key=NATIONAL_ITEM)
    assert (
        cleanup.suggest_disposition(county_list, item, clock.today())
        == CleanupDisposition.ON_NEGATIVE_LIST
    )
    # Before batch 1 was in force, nothing placed it on a negative list.
    assert (
        cleanup.suggest_disposition(county_list, item, dt.date(2020, 6, 1))
        == CleanupDisposition.KEEP
    )


def test_starting_prefills_suggestions_that_nobody_has_confirmed_yet(
    officer, county_list
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)

    assert review.base_version.number == 1
    assert _decisions(review) == {
        "keep-me": (CleanupDisposition.KEEP, None),
        "policy-only": (CleanupDisposition.NO_BASIS, None),
        NATIONAL_ITEM: (CleanupDisposition.ON_NEGATIVE_LIST, None),
    }
    national = review.decisions.get(item__key=NATIONAL_ITEM)
    assert "不应由基层群众性自治组织出具证明事项清单" in national.reason
    assert Entry.objects.filter(event="cleanup.started").exists()


def test_an_item_without_any_basis_is_suggested_no_basis(officer, county_list):
    Basis.objects.filter(item__key="keep-me").delete()
    item = Item.objects.get(key="keep-me")
    assert (
        cleanup.suggest_disposition(county_list, item, clock.today())
        == CleanupDisposition.NO_BASIS
    )


def test_only_one_clean_up_is_open_per_list(officer, county_list):
    cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    with pytest.raises(Conflict) as exc:
        cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    assert exc.value.code == "cleanup_open"


def test_a_negative_list_or_an_unpublished_list_is_not_cleaned_up(officer, tree):
    negative = services.list_create(
        actor=officer, owner_code=COUNTY, kind=ListKind.NEGATIVE, title="县负面清单"
    )
    positive = services.list_create(
        actor=officer, owner_code=COUNTY, kind=ListKind.POSITIVE, title="未公布清单"
    )
    with pytest.raises(InvalidInput) as kind:
        cleanup.cleanup_start(actor=officer, list_id=negative.pk)
    with pytest.raises(Conflict) as unpublished:
        cleanup.cleanup_start(actor=officer, list_id=positive.pk)
    assert kind.value.code == "cleanup_list_kind"
    assert unpublished.value.code == "no_published_version"


# Decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "disposition",
    [
        CleanupDisposition.NO_BASIS,
        CleanupDisposition.NOT_CERTIFICATE,
        CleanupDisposition.SELF_SET,
        CleanupDisposition.ON_NEGATIVE_LIST,
        CleanupDisposition.TO_BE_DISCONTINUED,
    ],
)
def test_a_removal_or_discontinuation_without_a_reason_is_refused(
    officer, county_list, disposition
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    with pytest.raises(InvalidInput) as exc:
        cleanup.cleanup_decide(
            actor=officer,
            review_id=review.pk,
            item_key="keep-me",
            disposition=disposition,
            reason="  ",
        )
    assert exc.value.code == "cleanup_reason_required"
    assert _decisions(review)["keep-me"] == (CleanupDisposition.KEEP, None)


def test_keeping_needs_no_reason_and_confirms_the_decision(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    decision = cleanup.cleanup_decide(
        actor=officer,
        review_id=review.pk,
        item_key="keep-me",
        disposition=CleanupDisposition.KEEP,
        reason="",
    )
    assert decision.decided_by == officer
    assert Entry.objects.filter(event="cleanup.decided").count() == 1


def test_several_rows_are_confirmed_all_or_nothing(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    with pytest.raises(InvalidInput) as exc:
        cleanup.cleanup_decide_many(
            actor=officer,
            review_id=review.pk,
            decisions=[
                ("keep-me", CleanupDisposition.KEEP, ""),
                ("policy-only", CleanupDisposition.NO_BASIS, ""),
            ],
        )
    assert [p["item"] for p in exc.value.detail] == ["policy-only"]
    assert _decisions(review)["keep-me"][1] is None


# Completion ---------------------------------------------------------------------------


def test_unconfirmed_suggestions_refuse_completion(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    cleanup.cleanup_decide(
        actor=officer,
        review_id=review.pk,
        item_key="keep-me",
        disposition=CleanupDisposition.KEEP,
        reason="",
    )
    with pytest.raises(Conflict) as exc:
        cleanup.cleanup_complete(actor=officer, review_id=review.pk, conclusion="完成")
    assert exc.value.code == "cleanup_unconfirmed"
    assert sorted(exc.value.detail) == [NATIONAL_ITEM, "policy-only"]
    review.refresh_from_db()
    assert review.completed_at is None


def test_completion_drafts_the_next_version_without_the_removed_items_REQ_011(
    officer, county_list
):
    """Given confirmed removals, completion creates a draft without them, and records
    the periodic review (REQ-013), in one go."""
    county_list.last_reviewed_on = dt.date(2021, 1, 1)
    county_list.save()
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    _confirm_all(officer, review)

    done = cleanup.cleanup_complete(
        actor=officer, review_id=review.pk, conclusion="取消两项"
    )

    draft = done.resulting_version
    assert done.completed_at is not None and done.conclusion == "取消两项"
    assert draft.status == VersionStatus.DRAFT and draft.number == 2
    assert draft.reason == "清理：取消两项"
    assert [e.item.key for e in draft.entries.all()] == ["keep-me"]
    county_list.refresh_from_db()
    assert county_list.last_reviewed_on == clock.today()
    assert Entry.objects.filter(event="catalogue_list.reviewed").exists()
    completed = Entry.objects.get(event="cleanup.completed")
    assert sorted(completed.data["data"]["after"]["removed"]) == [
        NATIONAL_ITEM,
        "policy-only",
    ]
    # The published version is untouched until the draft is approved and published.
    assert county_list.versions.get(number=1).entries.count() == 3


def test_a_keep_only_clean_up_creates_no_version(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    for key in ["keep-me", "policy-only", NATIONAL_ITEM]:
        cleanup.cleanup_decide(
            actor=officer,
            review_id=review.pk,
            item_key=key,
            disposition=CleanupDisposition.KEEP,
            reason="",
        )

    done = cleanup.cleanup_complete(
        actor=officer, review_id=review.pk, conclusion="全部保留"
    )

    assert done.resulting_version is None
    assert county_list.versions.count() == 1
    county_list.refresh_from_db()
    assert county_list.last_reviewed_on == clock.today()


def test_removals_wait_for_an_open_draft_to_be_dealt_with(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    _confirm_all(officer, review)
    services.version_draft(actor=officer, list_id=county_list.pk, reason="别的调整")

    with pytest.raises(Conflict) as exc:
        cleanup.cleanup_complete(actor=officer, review_id=review.pk, conclusion="x")

    assert exc.value.code == "draft_exists"
    review.refresh_from_db()
    assert review.completed_at is None
    county_list.refresh_from_db()
    assert county_list.last_reviewed_on is None


def test_a_completed_clean_up_is_not_changed_again(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    _confirm_all(officer, review)
    cleanup.cleanup_complete(actor=officer, review_id=review.pk, conclusion="完成")

    with pytest.raises(Conflict) as decided:
        cleanup.cleanup_decide(
            actor=officer,
            review_id=review.pk,
            item_key="keep-me",
            disposition=CleanupDisposition.KEEP,
            reason="",
        )
    with pytest.raises(Conflict) as completed:
        cleanup.cleanup_complete(actor=officer, review_id=review.pk, conclusion="再次")
    assert decided.value.code == completed.value.code == "cleanup_completed"


def test_a_conclusion_is_required(officer, county_list):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    _confirm_all(officer, review)
    with pytest.raises(InvalidInput) as exc:
        cleanup.cleanup_complete(actor=officer, review_id=review.pk, conclusion=" ")
    assert exc.value.code == "conclusion_required"


@pytest.mark.parametrize("who", ["clerk", "other_county"])
def test_people_who_do_not_manage_the_list_are_refused(tree, officer, county_list, who):
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    with pytest.raises(NotAllowed):
        cleanup.cleanup_start(actor=user, list_id=county_list.pk)
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    with pytest.raises(NotAllowed):
        cleanup.cleanup_decide(
            actor=user,
            review_id=review.pk,
            item_key="keep-me",
            disposition=CleanupDisposition.KEEP,
            reason="",
        )
    _confirm_all(officer, review)
    with pytest.raises(NotAllowed):
        cleanup.cleanup_complete(actor=user, review_id=review.pk, conclusion="x")
    assert _decisions(review)["keep-me"][1] == officer.pk


# Staff pages --------------------------------------------------------------------------


def test_thirty_items_are_confirmed_in_one_submit_and_completed_by_the_page(
    client, officer, tree
):
    items = [factories.item(f"证明{n:02d}") for n in range(30)]
    version = factories.published(COUNTY, ListKind.POSITIVE, items)
    lst = version.catalogue_list
    client.force_login(officer)

    assert (
        "开始清理第 1 版"
        in client.get(f"/catalogue/manage/lists/{lst.pk}/").content.decode()
    )
    started = client.post(f"/catalogue/manage/lists/{lst.pk}/cleanup/")
    review = CleanupReview.objects.get(catalogue_list=lst)
    assert started["Location"] == f"/catalogue/manage/cleanups/{review.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert page.count("建议，待确认") == 30

    removed = items[3]
    client.post(
        started["Location"],
        {
            f"d-{removed.key}-disposition": CleanupDisposition.SELF_SET,
            f"d-{removed.key}-reason": "乡镇自行设定",
            "confirm_all": "1",
        },
    )
    assert not review.decisions.filter(decided_by__isnull=True).exists()
    done = client.post(
        f"/catalogue/manage/cleanups/{review.pk}/complete/",
        {"complete-conclusion": "取消一项自行设定的证明"},
        follow=True,
    ).content.decode()

    review.refresh_from_db()
    assert review.completed_at and review.resulting_version.number == 2
    assert "已完成清理" in done and "形成的清单版本" in done
    assert review.resulting_version.entries.count() == 29
    assert not review.resulting_version.entries.filter(item=removed).exists()


def test_the_page_keeps_the_rows_and_names_the_one_missing_a_reason(
    client, officer, county_list
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    client.force_login(officer)

    response = client.post(
        f"/catalogue/manage/cleanups/{review.pk}/",
        {
            "d-keep-me-disposition": CleanupDisposition.NOT_CERTIFICATE,
            "d-keep-me-reason": "",
            "d-keep-me-confirm": "1",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "“居住情况证明”拟取消：不属于证明性质，须填写理由" in page
    assert 'value="not_certificate" selected' in page
    assert not review.decisions.filter(decided_by__isnull=False).exists()


def test_a_nul_character_in_a_posted_row_is_refused_not_stored(
    client, officer, county_list
):
    """Found in review: the rows are read from the raw POST, past the forms' check, and
    PostgreSQL answered the NUL with a 500."""
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    client.force_login(officer)

    response = client.post(
        f"/catalogue/manage/cleanups/{review.pk}/",
        {
            "d-keep-me-disposition": CleanupDisposition.NOT_CERTIFICATE,
            "d-keep-me-reason": "不属于\x00证明",
            "d-keep-me-confirm": "1",
        },
    )

    assert response.status_code == 400
    assert not review.decisions.filter(decided_by__isnull=False).exists()


def test_the_page_refuses_completion_while_suggestions_are_unconfirmed(
    client, officer, county_list
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    client.force_login(officer)
    page = client.post(
        f"/catalogue/manage/cleanups/{review.pk}/complete/",
        {"complete-conclusion": "完成"},
        follow=True,
    ).content.decode()
    assert "尚有 3 项处理意见未经确认" in page
    assert "已完成清理" not in page


@pytest.mark.parametrize("who, status", [("clerk", 403), ("other_county", 404)])
def test_the_pages_refuse_people_who_do_not_manage_the_list(
    client, tree, officer, county_list, who, status
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    client.force_login(user)
    for method, url, data in [
        ("post", f"/catalogue/manage/lists/{county_list.pk}/cleanup/", {}),
        ("get", f"/catalogue/manage/cleanups/{review.pk}/", {}),
        (
            "post",
            f"/catalogue/manage/cleanups/{review.pk}/",
            {"d-keep-me-disposition": "keep", "confirm_all": "1"},
        ),
        (
            "post",
            f"/catalogue/manage/cleanups/{review.pk}/complete/",
            {"complete-conclusion": "x"},
        ),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (method, url)
    assert _decisions(review)["keep-me"][1] is None


# API ----------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_clean_up_runs_by_api(api, officer, county_list):
    api.force_authenticate(officer)
    started = api.post(f"{BASE}/cleanups/", {"list": county_list.pk}, format="json")
    assert started.status_code == 201
    body = started.json()
    url = f"{BASE}/cleanups/{body['id']}/"
    assert {d["item"]: d["confirmed"] for d in body["decisions"]} == {
        "keep-me": False,
        "policy-only": False,
        NATIONAL_ITEM: False,
    }

    no_reason = api.post(
        url + "decisions/",
        {"item": "policy-only", "disposition": "no_basis"},
        format="json",
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "cleanup_reason_required"
    early = api.post(url + "complete/", {"conclusion": "x"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "cleanup_unconfirmed"
    for item, disposition, reason in [
        ("keep-me", "keep", ""),
        ("policy-only", "no_basis", "仅有政策依据"),
        (NATIONAL_ITEM, "on_negative_list", "已列入国家负面清单"),
    ]:
        decided = api.post(
            url + "decisions/",
            {"item": item, "disposition": disposition, "reason": reason},
            format="json",
        )
        assert decided.status_code == 200 and decided.json()["confirmed"]
    done = api.post(url + "complete/", {"conclusion": "取消两项"}, format="json")

    assert done.status_code == 200
    assert done.json()["resulting_version"]["number"] == 2
    assert api.get(url).json()["completed_at"]
    draft = ListVersion.objects.get(pk=done.json()["resulting_version"]["id"])
    assert [e.item.key for e in draft.entries.all()] == ["keep-me"]


def test_the_api_refuses_people_who_do_not_manage_the_list(
    api, tree, officer, county_list
):
    review = cleanup.cleanup_start(actor=officer, list_id=county_list.pk)
    url = f"{BASE}/cleanups/{review.pk}/"
    assert api.get(url).status_code == 401

    api.force_authenticate(people.user("c", role=Role.CLERK, at=tree["A1a"]))
    started = api.post(f"{BASE}/cleanups/", {"list": county_list.pk}, format="json")
    assert started.status_code == 403 and started.json()["code"] == "not_allowed"
    assert api.get(url).status_code == 404
    decided = api.post(
        url + "decisions/", {"item": "keep-me", "disposition": "keep"}, format="json"
    )
    assert decided.status_code == 404
    assert _decisions(review)["keep-me"][1] is None
