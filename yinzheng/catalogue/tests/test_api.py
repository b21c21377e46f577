"""Catalogue API: public reads without login (REQ-079, REQ-114), drafts kept out of
sight, the managers' workflow and its permission matrix (REQ-012, REQ-014)."""

import datetime as dt
import json
import re

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import BasisType, ListKind
from yinzheng.catalogue.models import Basis, Item, ListVersion
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as f

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
BASE = "/api/catalogue"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def draft(tree):
    """A county positive list whose only version is a draft naming one item."""
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="草稿清单"
    )
    version = services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="首次制定")
    item = factories.item("草稿里的证明", key="only-in-draft")
    services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=item.key)
    return version


def test_public_lists_need_no_login_and_filter_by_owner_and_kind(api, batch1):
    body = api.get(f"{BASE}/lists/").json()
    row = next(r for r in body["results"] if r["id"] == batch1.pk)
    assert row["owner"] == "CN" and row["kind"] == "negative"
    assert row["current_version"] == 1
    only = api.get(f"{BASE}/lists/", {"owner": "CN", "kind": "negative"}).json()
    assert [r["id"] for r in only["results"]] == [batch1.pk]
    assert api.get(f"{BASE}/lists/", {"owner": COUNTY}).json()["count"] == 0
    # A kind the schema does not list is a 400 (issue 13).
    assert api.get(f"{BASE}/lists/", {"kind": "nonsense"}).status_code == 400


def test_a_public_version_has_entries_bases_and_the_approval_record(api, batch1):
    body = api.get(f"{BASE}/lists/{batch1.pk}/versions/1/").json()
    assert body["number"] == 1 and body["status"] == "published"
    assert body["valid_from"] == "2020-12-30"
    assert body["approval"]["body"].startswith("民政部")
    assert len(body["entries"]) == 20
    marital = next(e for e in body["entries"] if e["number"] == 8)
    assert marital["item"] == "marital_status_certificate"
    assert marital["aliases"] == ["婚姻关系证明", "分居证明"]
    assert marital["exceptions"] == ["婚姻登记档案丢失", "收养情况"]
    assert marital["responsible_departments"] == ["民政", "人民法院"]
    assert marital["route"] and marital["bases"] == []


def test_a_positive_entry_shows_its_typed_bases(api, tree):
    it = factories.item("甲证明")
    v = factories.published(COUNTY, ListKind.POSITIVE, [it])
    body = api.get(f"{BASE}/lists/{v.catalogue_list_id}/versions/1/").json()
    [basis] = body["entries"][0]["bases"]
    assert basis["type"] == "law" and basis["citation"].startswith("测试依据")


def test_list_detail_shows_only_the_public_versions(api, tree):
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])
    services.version_draft(actor=SYSTEM, list_id=v1.catalogue_list_id, reason="调整")
    body = api.get(f"{BASE}/lists/{v1.catalogue_list_id}/").json()
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["current_version"] == 1
    assert (
        api.get(f"{BASE}/lists/{v1.catalogue_list_id}/versions/2/").status_code == 404
    )


def test_a_superseded_version_stays_public(api, tree):
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])
    factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [factories.item()],
        valid_from=dt.date(2025, 1, 1),
        catalogue_list=v1.catalogue_list,
    )
    body = api.get(f"{BASE}/lists/{v1.catalogue_list_id}/").json()
    assert [(v["number"], v["status"]) for v in body["versions"]] == [
        (2, "published"),
        (1, "superseded"),
    ]
    assert body["versions"][1]["valid_to"] == "2024-12-31"
    assert (
        api.get(f"{BASE}/lists/{v1.catalogue_list_id}/versions/1/").status_code == 200
    )


def test_items_are_found_by_name_or_alias_without_login_REQ_007(api, batch1):
    keys = [
        i["key"] for i in api.get(f"{BASE}/items/", {"q": "户籍证明"}).json()["results"]
    ]
    assert keys == ["identity_info_certificate"]
    keys = [
        i["key"] for i in api.get(f"{BASE}/items/", {"q": "分居"}).json()["results"]
    ]
    assert keys == ["marital_status_certificate"]
    assert api.get(f"{BASE}/items/").json()["count"] == 20


def test_an_item_shows_route_departments_and_the_lists_it_is_on(api, batch1):
    body = api.get(f"{BASE}/items/marital_status_certificate/").json()
    assert body["responsible_departments"] == ["民政", "人民法院"]
    assert body["exceptions"] == ["婚姻登记档案丢失", "收养情况"]
    assert [(x["list"], x["version"], x["kind"]) for x in body["lists"]] == [
        (batch1.pk, 1, "negative")
    ]


def test_drafts_never_appear_publicly(api, draft):
    lst = draft.catalogue_list
    assert lst.pk not in [r["id"] for r in api.get(f"{BASE}/lists/").json()["results"]]
    assert api.get(f"{BASE}/lists/{lst.pk}/").status_code == 404
    assert api.get(f"{BASE}/lists/{lst.pk}/versions/1/").status_code == 404
    assert api.get(f"{BASE}/items/", {"q": "草稿里"}).json()["count"] == 0
    assert api.get(f"{BASE}/items/only-in-draft/").status_code == 404
    assert api.get(f"{BASE}/versions/{draft.pk}/").status_code == 401


def test_the_manager_sees_the_draft_by_id(api, draft, officer):
    api.force_authenticate(officer)
    body = api.get(f"{BASE}/versions/{draft.pk}/").json()
    assert body["status"] == "draft" and body["list"] == draft.catalogue_list_id
    assert [e["item"] for e in body["entries"]] == ["only-in-draft"]


def _out_of_scope(tree, who):
    if who == "clerk":
        return f.user("c", role=Role.CLERK, at=tree["A1a"])
    if who == "township":
        return f.user("t", role=Role.TOWNSHIP, at=tree["A1a"][:9])
    return f.user("other", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)


@pytest.mark.parametrize("who", ["clerk", "township", "other_county_officer"])
def test_manager_endpoints_refuse_people_out_of_scope(api, tree, draft, who):
    """A draft outside one's lists is 404; acting on a list one may not manage is 403."""
    api.force_authenticate(_out_of_scope(tree, who))
    lst, v = draft.catalogue_list, draft
    created = api.post(
        f"{BASE}/lists/",
        {"owner": COUNTY, "kind": "positive", "title": "x", "batch_no": 9},
        format="json",
    )
    assert created.status_code == 403 and created.json()["code"] == "not_allowed"
    drafted = api.post(f"{BASE}/lists/{lst.pk}/drafts/", {"reason": "x"}, format="json")
    assert drafted.status_code == 403
    for method, url, data in [
        ("get", f"{BASE}/versions/{v.pk}/", None),
        ("post", f"{BASE}/versions/{v.pk}/items/", {"item_key": "x"}),
        ("delete", f"{BASE}/versions/{v.pk}/items/only-in-draft/", None),
        (
            "post",
            f"{BASE}/versions/{v.pk}/approve/",
            {
                "approval_body": "县政府",
                "approval_date": "2024-01-01",
                "approval_reference": "文号",
            },
        ),
        ("post", f"{BASE}/versions/{v.pk}/publish/", {"valid_from": "2024-01-01"}),
    ]:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 404, (method, url)
    assert ListVersion.objects.get(pk=v.pk).entries.count() == 1


@pytest.mark.parametrize("who", ["clerk", "other_county_officer"])
def test_writes_on_a_list_one_cannot_manage_are_403(api, tree, who):
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])
    api.force_authenticate(_out_of_scope(tree, who))
    response = api.post(
        f"{BASE}/lists/{v1.catalogue_list_id}/drafts/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    published = api.post(
        f"{BASE}/versions/{v1.pk}/publish/", {"valid_from": "2026-01-01"}, format="json"
    )
    assert published.status_code == 403
    assert not ListVersion.objects.filter(
        catalogue_list_id=v1.catalogue_list_id, number=2
    ).exists()


def test_manager_endpoints_need_a_login(api, draft):
    lst = draft.catalogue_list
    for url, data in [
        (f"{BASE}/lists/", {"owner": COUNTY, "kind": "positive", "title": "x"}),
        (f"{BASE}/lists/{lst.pk}/drafts/", {"reason": "x"}),
        (f"{BASE}/versions/{draft.pk}/items/", {"item_key": "x"}),
        (f"{BASE}/versions/{draft.pk}/publish/", {"valid_from": "2024-01-01"}),
    ]:
        response = api.post(url, data, format="json")
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


def test_draft_add_approve_publish_by_api(api, tree, officer):
    a, b = factories.item("甲证明"), factories.item("乙证明")
    api.force_authenticate(officer)

    created = api.post(
        f"{BASE}/lists/",
        {"owner": COUNTY, "kind": "positive", "title": "县清单", "batch_no": 1},
        format="json",
    )
    assert created.status_code == 201, created.json()
    list_id = created.json()["id"]
    # The officer reads the list just made, before it has a version (schemathesis's
    # stateful check found a 404); the public does not see it yet.
    own = api.get(f"{BASE}/lists/{list_id}/")
    assert own.status_code == 200 and own.json()["title"] == "县清单"
    api.force_authenticate(None)
    assert api.get(f"{BASE}/lists/{list_id}/").status_code == 404
    api.force_authenticate(officer)
    drafted = api.post(
        f"{BASE}/lists/{list_id}/drafts/",
        {"reason": "首次制定", "source_document": "县政府办公室通知"},
        format="json",
    )
    assert drafted.status_code == 201 and drafted.json()["number"] == 1
    vid = drafted.json()["id"]
    for it in (a, b):
        added = api.post(
            f"{BASE}/versions/{vid}/items/", {"item_key": it.key}, format="json"
        )
        assert added.status_code == 201 and added.json()["item"] == it.key
    assert api.delete(f"{BASE}/versions/{vid}/items/{b.key}/").status_code == 204
    approved = api.post(
        f"{BASE}/versions/{vid}/approve/",
        {
            "approval_body": "县人民政府",
            "approval_date": "2024-12-20",
            "approval_reference": "县政府常务会议纪要〔2024〕9号",
        },
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    published = api.post(
        f"{BASE}/versions/{vid}/publish/", {"valid_from": "2025-01-01"}, format="json"
    )

    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    api.force_authenticate(None)
    public = api.get(f"{BASE}/lists/{list_id}/versions/1/").json()
    assert [e["item"] for e in public["entries"]] == [a.key]
    assert public["approval"] == {
        "body": "县人民政府",
        "date": "2024-12-20",
        "reference": "县政府常务会议纪要〔2024〕9号",
    }
    assert public["source_document"] == "县政府办公室通知"
    assert api.get(f"{BASE}/lists/{list_id}/").json()["current_version"] == 1


def test_a_publication_in_conflict_with_the_national_negative_list_is_409_REQ_010(
    api, tree, batch1, officer
):
    kinship = Item.objects.get(key="kinship_certificate")
    Basis.objects.create(item=kinship, basis_type=BasisType.LAW, citation="某法第1条")
    kinship.within_committee_duties = True
    kinship.save(update_fields=["within_committee_duties"])
    factories.published_guide(kinship)
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="县清单"
    )
    api.force_authenticate(officer)
    vid = api.post(
        f"{BASE}/lists/{lst.pk}/drafts/", {"reason": "首次制定"}, format="json"
    ).json()["id"]
    added = api.post(
        f"{BASE}/versions/{vid}/items/", {"item_key": kinship.key}, format="json"
    )
    assert added.status_code == 201
    early = api.post(
        f"{BASE}/versions/{vid}/publish/", {"valid_from": "2024-01-01"}, format="json"
    )
    assert early.status_code == 409 and early.json()["code"] == "approval_required"
    api.post(
        f"{BASE}/versions/{vid}/approve/",
        {
            "approval_body": "县人民政府",
            "approval_date": "2023-12-20",
            "approval_reference": "文号",
        },
        format="json",
    )

    refused = api.post(
        f"{BASE}/versions/{vid}/publish/", {"valid_from": "2024-01-01"}, format="json"
    )

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "list_rule_violation"
    assert [(p["code"], p["item"]) for p in body["detail"]] == [
        ("conflicts_with_higher_negative_list", "kinship_certificate")
    ]
    assert ListVersion.objects.get(pk=vid).status == "approved"


def test_an_ineligible_item_is_refused_with_the_missing_conditions_REQ_004(
    api, tree, officer, draft
):
    it = factories.item(basis=BasisType.POLICY, within_duties=False)
    api.force_authenticate(officer)
    response = api.post(
        f"{BASE}/versions/{draft.pk}/items/", {"item_key": it.key}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "entry_ineligible"
    assert {p["code"] for p in response.json()["detail"]} == {
        "policy_basis_only",
        "not_within_duties",
    }


@pytest.mark.parametrize(
    "url,data",
    [
        ("versions/{v}/publish/", {"valid_from": "not a date"}),
        ("versions/{v}/approve/", {"approval_body": "x"}),
        ("versions/{v}/items/", {"item_key": "bad key!"}),
        ("lists/", {"owner": COUNTY, "kind": "nonsense", "title": "x"}),
        ("lists/", {"owner": COUNTY, "kind": "positive", "title": "x", "batch_no": 0}),
    ],
)
def test_bad_input_is_a_400_with_the_error_shape(api, officer, draft, url, data):
    api.force_authenticate(officer)
    response = api.post(f"{BASE}/{url.format(v=draft.pk)}", data, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "detail"}


@pytest.mark.parametrize(
    "url",
    [
        "lists/99999999999999999999/",
        "lists/1/versions/99999999999999999999/",
        "versions/99999999999999999999/",
        "items/no-such-item/",
    ],
)
def test_unknown_or_oversized_ids_are_404_not_500(api, officer, url):
    api.force_authenticate(officer)
    assert api.get(f"{BASE}/{url}").status_code == 404


def test_a_nul_in_the_search_is_refused(api, batch1):
    response = api.get(f"{BASE}/items/", {"q": "户籍\x00"})
    assert response.status_code == 400


def test_the_schema_lists_the_catalogue_endpoints(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in [
        "/api/catalogue/lists/",
        "/api/catalogue/lists/{id}/",
        "/api/catalogue/lists/{id}/drafts/",
        "/api/catalogue/lists/{id}/versions/{number}/",
        "/api/catalogue/lists/{id}/versions/{number}/export/",
        "/api/catalogue/items/",
        "/api/catalogue/items/{key}/",
        "/api/catalogue/versions/{id}/",
        "/api/catalogue/versions/{id}/items/",
        "/api/catalogue/versions/{id}/items/{item_key}/",
        "/api/catalogue/versions/{id}/approve/",
        "/api/catalogue/versions/{id}/publish/",
    ]:
        assert path in paths, path


# Guides: the department supplies, the list owner publishes (DIV-14, REQ-028, REQ-075–077)

GUIDE = {
    "certificate_format": "兹证明……特此证明。",
    "procedure": "申请、核实、签批、用印、出具",
    "operating_rules": "当面核实身份",
    "purpose": "办理低保",
    "basis": "某法第1条",
    "materials": "居民身份证",
    "sample_form": "申请表样本",
}


@pytest.fixture
def department(tree):
    return f.user(
        "gonganju", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )


def test_a_department_officer_saves_a_guide_draft_by_api_DIV_14(api, department):
    item = factories.item("低保证明", guide=False)
    api.force_authenticate(department)

    response = api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["item"], body["status"]) == (item.key, "draft")
    assert body["procedure"] == GUIDE["procedure"] and body["missing"] == []
    assert body["updated_by"] == "gonganju" and body["published_at"] is None
    assert api.get(f"{BASE}/items/{item.key}/guide/").json()["status"] == "draft"


def test_a_department_officer_cannot_publish_or_withdraw_a_guide_DIV_14(
    api, department
):
    item = factories.item(guide=False)
    api.force_authenticate(department)
    api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")

    publish = api.post(f"{BASE}/items/{item.key}/guide/publish/")
    withdraw = api.post(
        f"{BASE}/items/{item.key}/guide/withdraw/", {"reason": "x"}, format="json"
    )

    assert publish.status_code == 403 and publish.json()["code"] == "not_allowed"
    assert publish.json()["detail"] == {"action": "catalogue.manage"}
    assert withdraw.status_code == 403 and withdraw.json()["code"] == "not_allowed"


def test_a_civil_affairs_officer_publishes_the_department_draft_REQ_075(
    api, department, officer
):
    item = factories.item(guide=False)
    api.force_authenticate(department)
    api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")
    api.force_authenticate(officer)

    response = api.post(f"{BASE}/items/{item.key}/guide/publish/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published" and body["published_at"]
    assert body["updated_by"] == "minzheng"


def test_a_published_guide_cannot_be_edited_by_api_but_withdrawn_first(
    api, department, officer
):
    item = factories.item()  # its guide is published
    api.force_authenticate(department)
    edit = api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")
    api.force_authenticate(officer)
    no_reason = api.post(f"{BASE}/items/{item.key}/guide/withdraw/")
    withdrawn = api.post(
        f"{BASE}/items/{item.key}/guide/withdraw/",
        {"reason": "依据修订"},
        format="json",
    )
    api.force_authenticate(department)
    again = api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")

    assert edit.status_code == 409 and edit.json()["code"] == "guide_published"
    assert (
        no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert again.status_code == 200 and again.json()["status"] == "draft"


def test_an_incomplete_guide_is_not_published_and_the_missing_parts_are_named(
    api, officer
):
    item = factories.item(guide=False)
    api.force_authenticate(officer)
    saved = api.put(
        f"{BASE}/items/{item.key}/guide/", {**GUIDE, "sample_form": ""}, format="json"
    )

    response = api.post(f"{BASE}/items/{item.key}/guide/publish/")

    assert [m["field"] for m in saved.json()["missing"]] == ["sample_form"]
    assert response.status_code == 400 and response.json()["code"] == "guide_incomplete"


def test_guide_writes_need_a_login(api, tree):
    item = factories.item()
    for method, url in [
        ("get", f"{BASE}/items/{item.key}/guide/"),
        ("put", f"{BASE}/items/{item.key}/guide/"),
        ("post", f"{BASE}/items/{item.key}/guide/publish/"),
        ("post", f"{BASE}/items/{item.key}/guide/withdraw/"),
    ]:
        response = getattr(api, method)(url, GUIDE, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["code"] == "not_authenticated"


def test_a_clerk_may_neither_read_nor_write_a_guide_draft(api, tree):
    clerk = f.user("clerk", role=Role.CLERK, at=tree["A1a"])
    item = factories.item(guide=False)
    api.force_authenticate(clerk)

    read = api.get(f"{BASE}/items/{item.key}/guide/")
    write = api.put(f"{BASE}/items/{item.key}/guide/", GUIDE, format="json")

    assert read.status_code == 403 and write.status_code == 403
    assert write.json()["detail"] == {"action": "catalogue.guide_propose"}


def test_a_guide_for_an_unknown_item_is_404(api, officer):
    api.force_authenticate(officer)

    response = api.put(f"{BASE}/items/no-such-item/guide/", GUIDE, format="json")

    assert response.status_code == 404 and response.json()["code"] == "item_not_found"


def test_the_schema_names_the_catalogue_enums(api, db):
    """ENUM_NAME_OVERRIDES: "kind" and "status" carry their own enum, not a string."""
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    def enum_of(component, prop):
        field = json.dumps(components[component]["properties"][prop])
        return set(re.findall(r"#/components/schemas/(\w+Enum)", field)) - {"BlankEnum"}

    assert components["ListKindEnum"]["enum"] == list(ListKind.values)
    assert enum_of("CatalogueList", "kind") == {"ListKindEnum"}
    assert enum_of("VersionSummary", "status") == {"VersionStatusEnum"}
    assert enum_of("Basis", "type") == {"BasisTypeEnum"}
    assert enum_of("GuideState", "status") == {"GuideStatusEnum"}
    assert enum_of("ChannelsSetRequest", "channels") == {"ChannelEnum"}
    assert enum_of("Committee", "kind") == {"CommitteeKindEnum"}
    assert "/api/catalogue/items/{key}/guide/publish/" in schema["paths"]
