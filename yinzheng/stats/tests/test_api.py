"""Statistics API (REQ-100–102): the bureau opens a table, a township fills in and
submits its return, the bureau sees it submitted; a submitted return changes no more;
a department cannot write a township's return; the province reads and never writes;
the anonymous are asked to log in; bad input is a 400 or 404, never a 500; the schema."""

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories
from yinzheng.stats import services

pytestmark = pytest.mark.django_db

BASE = "/api/stats"
COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "620725", "620725101", "620725102"
DEADLINE = dt.date(2026, 3, 31)
ROW = {
    "item_name": "亲属关系证明",
    "basis": "《某某条例》第十条",
    "implementing_unit": "县公安局",
    "competent_department": "县公安局",
    "note": "",
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 3, 2, 10)
    return SimpleNamespace(
        bureau=factories.user("bureau", role=Role.CIVIL_AFFAIRS, at=COUNTY),
        township=factories.user("township", role=Role.TOWNSHIP, at=TOWNSHIP),
        department=factories.user(
            "police", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
        ),
        province=factories.user("province", role=Role.CIVIL_AFFAIRS, at="62"),
    )


@pytest.fixture
def table(staff):
    return services.table_create(
        actor=staff.bureau,
        county_code=COUNTY,
        deadline=DEADLINE,
        departments=["public_security"],
    )


@pytest.fixture
def township_return(staff, table):
    return services.return_open(
        actor=staff.township, table_id=table.pk, township_code=TOWNSHIP
    )


def _as(api, user):
    api.force_authenticate(user)
    return api


def _unit(table_body, code, department=""):
    (unit,) = [
        u
        for u in table_body["units"]
        if u["division_code"] == code and u["department"] == department
    ]
    return unit


def test_a_table_goes_from_the_bureau_to_a_township_and_back(api, staff):
    _as(api, staff.bureau)
    created = api.post(
        f"{BASE}/tables/",
        {
            "county": COUNTY,
            "deadline": DEADLINE.isoformat(),
            "departments": ["public_security"],
            "note": "请各单位如实填报",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    table = created.json()
    assert table["county"] == COUNTY and table["departments"] == ["public_security"]
    assert table["created_by"]["id"] == staff.bureau.pk
    assert [u["division_code"] for u in table["units"]] == [
        TOWNSHIP,
        OTHER_TOWNSHIP,
        COUNTY,
    ]
    assert _unit(table, TOWNSHIP)["status"] == "not_started"
    assert _unit(table, TOWNSHIP)["table_return"] is None
    assert _unit(table, COUNTY, "public_security")["department_display"] == "公安"

    _as(api, staff.township)
    opened = api.post(
        f"{BASE}/tables/{table['id']}/open/", {"township": TOWNSHIP}, format="json"
    )
    assert opened.status_code == 200, opened.json()
    ret = opened.json()
    assert ret["status"] == "draft" and ret["division"] == TOWNSHIP
    assert ret["rows"] == []
    again = api.post(
        f"{BASE}/tables/{table['id']}/open/", {"township": TOWNSHIP}, format="json"
    )
    assert again.json()["id"] == ret["id"]

    url = f"{BASE}/returns/{ret['id']}"
    first = api.post(f"{url}/rows/", ROW, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["position"] == 1
    second = api.post(f"{url}/rows/", {**ROW, "item_name": "居住证明"}, format="json")
    third = api.post(f"{url}/rows/", {**ROW, "item_name": "婚姻状况"}, format="json")
    assert (second.json()["position"], third.json()["position"]) == (2, 3)

    patched = api.patch(
        f"{BASE}/rows/{second.json()['id']}/", {"note": "已取消"}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["note"] == "已取消"
    assert patched.json()["item_name"] == "居住证明"

    deleted = api.delete(f"{BASE}/rows/{first.json()['id']}/")
    assert deleted.status_code == 200, deleted.json()
    assert [(r["position"], r["item_name"]) for r in deleted.json()["rows"]] == [
        (1, "居住证明"),
        (2, "婚姻状况"),
    ]

    detail = api.get(f"{url}/")
    assert detail.status_code == 200
    assert [r["position"] for r in detail.json()["rows"]] == [1, 2]
    assert detail.json()["row_count"] == 2

    submitted = api.post(f"{url}/submit/", format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by"]["id"] == staff.township.pk

    _as(api, staff.bureau)
    body = api.get(f"{BASE}/tables/{table['id']}/").json()
    unit = _unit(body, TOWNSHIP)
    assert unit["status"] == "submitted" and unit["status_display"] == "已报送"
    assert unit["rows"] == 2 and unit["late"] is False
    assert unit["table_return"] == ret["id"]
    assert _unit(body, OTHER_TOWNSHIP)["status"] == "not_started"
    listed = api.get(f"{BASE}/returns/", {"table": table["id"]}).json()
    assert [r["id"] for r in listed["results"]] == [ret["id"]]


def test_a_submitted_return_changes_no_more(api, staff, township_return):
    _as(api, staff.township)
    url = f"{BASE}/returns/{township_return.pk}"
    row = api.post(f"{url}/rows/", ROW, format="json").json()
    assert api.post(f"{url}/submit/").status_code == 200
    again = api.post(f"{url}/rows/", ROW, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "return_submitted"
    patched = api.patch(f"{BASE}/rows/{row['id']}/", {"note": "x"}, format="json")
    assert patched.status_code == 409
    assert api.delete(f"{BASE}/rows/{row['id']}/").status_code == 409
    assert api.post(f"{url}/submit/").json()["code"] == "return_submitted"


def test_an_empty_return_is_not_submitted(api, staff, township_return):
    _as(api, staff.township)
    response = api.post(f"{BASE}/returns/{township_return.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["code"] == "return_empty"


def test_a_department_fills_its_own_return_not_a_townships(
    api, staff, table, township_return
):
    _as(api, staff.department)
    url = f"{BASE}/returns/{township_return.pk}"
    assert api.get(f"{url}/").status_code == 200
    denied = api.post(f"{url}/rows/", ROW, format="json")
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_allowed"
    assert api.post(f"{url}/submit/").status_code == 403
    as_township = api.post(
        f"{BASE}/tables/{table.pk}/open/", {"township": OTHER_TOWNSHIP}, format="json"
    )
    assert as_township.status_code == 403
    own = api.post(
        f"{BASE}/tables/{table.pk}/open/",
        {"department": "public_security"},
        format="json",
    )
    assert own.status_code == 200, own.json()
    assert own.json()["division"] == COUNTY
    assert own.json()["department_display"] == "公安"
    added = api.post(f"{BASE}/returns/{own.json()['id']}/rows/", ROW, format="json")
    assert added.status_code == 201, added.json()


def test_the_province_reads_and_writes_nothing(api, staff, table, township_return):
    _as(api, staff.province)
    assert api.get(f"{BASE}/tables/").json()["count"] == 1
    assert api.get(f"{BASE}/tables/{table.pk}/").status_code == 200
    assert api.get(f"{BASE}/returns/").json()["count"] == 1
    assert api.get(f"{BASE}/returns/{township_return.pk}/").status_code == 200
    created = api.post(
        f"{BASE}/tables/",
        {"county": COUNTY, "deadline": DEADLINE.isoformat()},
        format="json",
    )
    assert created.status_code == 403
    assert created.json()["code"] == "not_allowed"
    row = api.post(f"{BASE}/returns/{township_return.pk}/rows/", ROW, format="json")
    assert row.status_code == 403
    opened = api.post(
        f"{BASE}/tables/{table.pk}/open/", {"township": TOWNSHIP}, format="json"
    )
    assert opened.status_code == 403


def test_another_county_sees_nothing_of_this_one(api, staff, table, township_return):
    other = factories.user("other", role=Role.CIVIL_AFFAIRS, at="440804")
    _as(api, other)
    assert api.get(f"{BASE}/tables/").json()["count"] == 0
    assert api.get(f"{BASE}/tables/{table.pk}/").status_code == 404
    assert api.get(f"{BASE}/returns/{township_return.pk}/").status_code == 404
    row = api.post(f"{BASE}/returns/{township_return.pk}/rows/", ROW, format="json")
    assert row.status_code == 404


def test_the_anonymous_are_asked_to_log_in(api, table, township_return):
    for name in ("tables", "returns"):
        response = api.get(f"{BASE}/{name}/")
        assert response.status_code in (401, 403), name
        assert response.json()["code"] in ("not_authenticated", "not_allowed")
    created = api.post(
        f"{BASE}/tables/",
        {"county": COUNTY, "deadline": DEADLINE.isoformat()},
        format="json",
    )
    assert created.status_code in (401, 403)
    row = api.post(f"{BASE}/returns/{township_return.pk}/rows/", ROW, format="json")
    assert row.status_code in (401, 403)


def test_bad_input_is_a_400_or_404_never_a_500(api, staff, table, township_return):
    _as(api, staff.bureau)
    missing = api.post(f"{BASE}/tables/", {"county": COUNTY}, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid_input"
    assert "deadline" in missing.json()["detail"]
    bad_date = api.post(
        f"{BASE}/tables/", {"county": COUNTY, "deadline": "31/03"}, format="json"
    )
    assert bad_date.status_code == 400
    unknown = api.post(
        f"{BASE}/tables/",
        {
            "county": COUNTY,
            "deadline": DEADLINE.isoformat(),
            "departments": ["secret_police"],
        },
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["detail"]["unknown"] == ["secret_police"]
    no_county = api.post(
        f"{BASE}/tables/",
        {"county": "999999", "deadline": DEADLINE.isoformat()},
        format="json",
    )
    assert no_county.status_code == 404

    _as(api, staff.township)
    open_url = f"{BASE}/tables/{table.pk}/open/"
    neither = api.post(open_url, {}, format="json")
    assert neither.status_code == 400 and neither.json()["code"] == "unit_invalid"
    both = api.post(
        open_url, {"township": TOWNSHIP, "department": "public_security"}, format="json"
    )
    assert both.status_code == 400 and both.json()["code"] == "unit_invalid"
    foreign = api.post(open_url, {"township": "440804001"}, format="json")
    assert foreign.status_code == 400 and foreign.json()["code"] == "unit_invalid"
    not_listed = api.post(open_url, {"department": "health"}, format="json")
    assert not_listed.status_code == 400

    url = f"{BASE}/returns/{township_return.pk}/rows/"
    partial = api.post(url, {"item_name": "x"}, format="json")
    assert partial.status_code == 400 and "basis" in partial.json()["detail"]
    blank = api.post(url, {**ROW, "item_name": "  "}, format="json")
    assert blank.status_code == 400
    too_long = api.post(url, {**ROW, "item_name": "长" * 201}, format="json")
    assert too_long.status_code == 400
    assert api.post(url, "not json", content_type="application/json").status_code == (
        400
    )

    for path in (
        "tables/abc/",
        "tables/abc/open/",
        "returns/abc/",
        "returns/abc/rows/",
        "returns/1.5/submit/",
        "rows/abc/",
        "tables/999999/",
        "returns/999999/",
        "rows/999999/",
    ):
        assert api.get(f"{BASE}/{path}").status_code in (404, 405), path
        response = api.post(f"{BASE}/{path}", {}, format="json")
        assert response.status_code in (404, 405), path
    assert api.patch(f"{BASE}/rows/999999/", {}, format="json").status_code == 404
    assert api.delete(f"{BASE}/rows/abc/").status_code == 404


def test_the_schema_lists_the_stats_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/stats/tables/",
        "/api/stats/tables/{id}/",
        "/api/stats/tables/{id}/open/",
        "/api/stats/returns/",
        "/api/stats/returns/{id}/",
        "/api/stats/returns/{id}/rows/",
        "/api/stats/returns/{id}/submit/",
        "/api/stats/rows/{id}/",
    ):
        assert path in paths, path
    assert {"patch", "delete"} <= set(paths["/api/stats/rows/{id}/"])
    assert "put" not in paths["/api/stats/rows/{id}/"]
    rows = paths["/api/stats/returns/{id}/rows/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(rows)
    components = schema["components"]["schemas"]
    for name in (
        "StatsTableDetail",
        "StatsUnit",
        "StatsReturnDetail",
        "StatsTableRow",
        "StatsRowRequest",
    ):
        assert name in components, name
