"""The statistics table's staff pages: the bureau opens a table, a township fills in
and submits its return row by row, the bureau follows every unit's status against the
deadline (REQ-100–102); who may open what, refusals shown on the page (never a 500),
and the exports."""

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import ReturnStatus
from yinzheng.stats.models import StatsTable, TableReturn, TableRow
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, DEADLINE, ROW, T1, T2

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 12, 1, 10)
    return factories.people()


@pytest.fixture
def table(people):
    return services.table_create(
        actor=people["bureau"],
        county_code=COUNTY,
        deadline=DEADLINE,
        departments=[Department.PUBLIC_SECURITY],
    )


def _opened(user, table, **unit):
    return services.return_open(actor=user, table_id=table.pk, **unit)


def _filled(user, table, **unit):
    ret = _opened(user, table, **unit)
    services.row_add(actor=user, return_id=ret.pk, values=ROW)
    return ret


# Who may open what ------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get("/stats/tables/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_links_statistics_for_those_who_see_it(client, people):
    client.force_login(people["t1"])
    assert 'href="/stats/tables/"' in text_of(client.get("/"))
    clerk = f.user("wenshu", role=Role.CLERK, at="620725101001")
    client.force_login(clerk)
    assert 'href="/stats/tables/"' not in text_of(client.get("/"))
    assert client.get("/stats/tables/").status_code == 403


def test_the_province_reads_the_table_but_may_not_open_one(client, people, table):
    """REQ-098 in spirit: the province reads; the county bureau opens tables."""
    client.force_login(people["province"])
    page = text_of(client.get(f"/stats/tables/{table.pk}/"))
    assert "未填报" in page and "区划620725101" in page
    assert 'href="/stats/tables/new/"' not in text_of(client.get("/stats/tables/"))
    assert client.get("/stats/tables/new/").status_code == 403
    response = client.post(
        "/stats/tables/new/", {"county": COUNTY, "deadline": "2021-01-30"}
    )
    assert response.status_code == 403
    assert StatsTable.objects.count() == 1


def test_another_county_gets_404(client, people, table):
    other = f.user("qita", role=Role.CIVIL_AFFAIRS, at="440804")
    client.force_login(other)
    assert client.get(f"/stats/tables/{table.pk}/").status_code == 404
    assert client.get(f"/stats/tables/{table.pk}/export/").status_code == 404


# The bureau opens a table; a township fills and submits (REQ-100–102) ------------------


def test_the_bureau_opens_a_table_on_the_page(client, people):
    client.force_login(people["bureau"])
    form = text_of(client.get("/stats/tables/new/"))
    assert COUNTY in form and "2020-12-30" not in form
    response = client.post(
        "/stats/tables/new/",
        {
            "county": COUNTY,
            "deadline": "2020-12-30",
            "departments": [Department.PUBLIC_SECURITY, Department.HEALTH],
            "note": "逐项填写",
        },
    )
    table = StatsTable.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/stats/tables/{table.pk}/"
    )
    assert table.deadline == DEADLINE and table.departments == [
        Department.HEALTH,
        Department.PUBLIC_SECURITY,
    ]
    page = text_of(client.get(response["Location"]))
    assert "区划620725公安" in page and "区划620725卫健" in page
    # Without a deadline the form says so and nothing is created.
    response = client.post("/stats/tables/new/", {"county": COUNTY})
    assert response.status_code == 200 and StatsTable.objects.count() == 1


def test_a_township_fills_in_and_submits_its_return(client, people, table):
    client.force_login(people["t1"])
    listing = text_of(client.get("/stats/tables/"))
    assert f'action="/stats/tables/{table.pk}/open/"' in listing
    assert f'name="township_code" value="{T1}"' in listing
    response = client.post(f"/stats/tables/{table.pk}/open/", {"township_code": T1})
    ret = TableReturn.objects.get()
    assert response["Location"] == f"/stats/returns/{ret.pk}/"
    assert ret.division_id == T1 and ret.status == ReturnStatus.DRAFT

    page = text_of(client.get(response["Location"]))
    assert "证明事项名称" in page and "2020-12-30" in page and "填报中" in page
    for name in ("居民死亡证明", "亲属关系证明"):
        response = client.post(
            f"/stats/returns/{ret.pk}/rows/", {**ROW, "item_name": name}
        )
        assert response.status_code == 302
    first, second = TableRow.objects.order_by("position")
    assert client.get(f"/stats/rows/{first.pk}/").status_code == 200
    response = client.post(
        f"/stats/rows/{first.pk}/", {**ROW, "item_name": "死亡证明（修改）"}
    )
    assert response.status_code == 302
    assert TableRow.objects.get(pk=first.pk).item_name == "死亡证明（修改）"
    response = client.post(f"/stats/rows/{first.pk}/delete/")
    assert response.status_code == 302
    remaining = TableRow.objects.get()
    assert remaining.item_name == "亲属关系证明" and remaining.position == 1

    # The submission asks to confirm.
    client.post(f"/stats/returns/{ret.pk}/submit/", {})
    assert TableReturn.objects.get().status == ReturnStatus.DRAFT
    response = client.post(
        f"/stats/returns/{ret.pk}/submit/", {"submit-confirmed": "on"}
    )
    assert response.status_code == 302
    assert TableReturn.objects.get().status == ReturnStatus.SUBMITTED
    page = text_of(client.get(f"/stats/returns/{ret.pk}/"))
    assert "已报送" in page and 'id="form-row"' not in page
    assert f"/stats/rows/{remaining.pk}/delete/" not in page

    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/tables/{table.pk}/"))
    units = page.split('id="units"')[1]
    t1_row = units.split(f'id="unit-{T1}"')[1].split("</tr>")[0]
    t2_row = units.split(f'id="unit-{T2}"')[1].split("</tr>")[0]
    police_row = units.split(f'id="unit-{COUNTY}-public_security"')[1].split("</tr>")[0]
    assert "已报送" in t1_row and f'href="/stats/returns/{ret.pk}/"' in t1_row
    assert "未填报" in t2_row and "未填报" in police_row
    assert "<td>1</td>" in t1_row


def test_after_the_deadline_an_unsubmitted_unit_is_late(
    client, people, table, clock_at
):
    _filled(people["t1"], table, township_code=T1)
    clock_at(2020, 12, 31, 9)
    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/tables/{table.pk}/"))
    t1_row = (
        page.split(f'id="unit-{T1}"')[0].rsplit("<tr", 1)[1]
        + page.split(f'id="unit-{T1}"')[1].split("</tr>")[0]
    )
    assert "逾期未报" in t1_row and 'class="overdue"' in t1_row
    listing = text_of(client.get("/stats/tables/"))
    assert 'class="status-late"><span class="badge bad">3</span>' in listing


# Whose return is whose ----------------------------------------------------------------


def test_a_department_fills_only_its_own_return(client, people, table):
    client.force_login(people["police"])
    listing = text_of(client.get("/stats/tables/"))
    assert 'name="department" value="public_security"' in listing
    response = client.post(
        f"/stats/tables/{table.pk}/open/", {"department": Department.PUBLIC_SECURITY}
    )
    ret = TableReturn.objects.get(department=Department.PUBLIC_SECURITY)
    assert response["Location"] == f"/stats/returns/{ret.pk}/"
    assert client.post(f"/stats/returns/{ret.pk}/rows/", ROW).status_code == 302
    # Not the township's.
    response = client.post(f"/stats/tables/{table.pk}/open/", {"township_code": T1})
    assert response.status_code == 403
    township = _opened(people["t1"], table, township_code=T1)
    page = text_of(client.get(f"/stats/returns/{township.pk}/"))
    assert 'id="form-row"' not in page
    assert client.post(f"/stats/returns/{township.pk}/rows/", ROW).status_code == 403
    assert not TableRow.objects.filter(table_return=township).exists()


def test_a_township_cannot_open_another_townships_return(client, people, table):
    other = _filled(people["t2"], table, township_code=T2)
    row = other.rows.get()
    client.force_login(people["t1"])
    response = client.post(f"/stats/tables/{table.pk}/open/", {"township_code": T2})
    assert response.status_code == 403
    assert client.get(f"/stats/returns/{other.pk}/").status_code == 404
    assert client.post(f"/stats/returns/{other.pk}/rows/", ROW).status_code == 404
    assert client.post(f"/stats/rows/{row.pk}/delete/").status_code == 404
    assert client.post(f"/stats/returns/{other.pk}/submit/").status_code == 404
    # The township reads its county's table (the statuses), never another's return.
    assert client.get(f"/stats/tables/{table.pk}/").status_code == 200
    assert other.rows.count() == 1


# Refusals are shown, never a 500 ---------------------------------------------------


def test_posts_after_submission_are_refused_with_a_message(client, people, table):
    ret = _filled(people["t1"], table, township_code=T1)
    row = ret.rows.get()
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    client.force_login(people["t1"])
    for url, data in (
        (f"/stats/returns/{ret.pk}/rows/", ROW),
        (f"/stats/rows/{row.pk}/", {**ROW, "item_name": "改"}),
        (f"/stats/rows/{row.pk}/delete/", {}),
        (f"/stats/returns/{ret.pk}/submit/", {"submit-confirmed": "on"}),
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert "已报送，不能再修改" in text_of(response), url
    assert ret.rows.get().item_name == ROW["item_name"]
    response = client.get(f"/stats/rows/{row.pk}/", follow=True)
    assert response.status_code == 200 and "已报送，不能再修改" in text_of(response)


def test_an_empty_return_is_not_submitted(client, people, table):
    ret = _opened(people["t1"], table, township_code=T1)
    client.force_login(people["t1"])
    response = client.post(
        f"/stats/returns/{ret.pk}/submit/", {"submit-confirmed": "on"}, follow=True
    )
    assert response.status_code == 200 and "至少要有一行" in text_of(response)
    assert TableReturn.objects.get().status == ReturnStatus.DRAFT


def test_a_row_without_its_columns_is_shown_again(client, people, table):
    ret = _opened(people["t1"], table, township_code=T1)
    client.force_login(people["t1"])
    response = client.post(
        f"/stats/returns/{ret.pk}/rows/", {**ROW, "basis": "", "item_name": "某证明"}
    )
    assert response.status_code == 200 and 'value="某证明"' in text_of(response)
    assert not TableRow.objects.exists()


def test_an_unknown_department_is_a_message(client, people, table):
    client.force_login(people["police"])
    response = client.post(
        f"/stats/tables/{table.pk}/open/",
        {"department": Department.HEALTH},
        follow=True,
    )
    assert response.status_code == 200 and "不在本表的填报单位之列" in text_of(response)


# Exports (REQ-101) -----------------------------------------------------------------


def test_the_exports_answer_a_spreadsheet_or_a_pdf(client, people, table):
    ret = _filled(people["t1"], table, township_code=T1)
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/tables/{table.pk}/"))
    assert f"/stats/tables/{table.pk}/export/?format=xlsx" in page
    for url in (
        f"/stats/tables/{table.pk}/export/",
        f"/stats/returns/{ret.pk}/export/",
    ):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert response.content[:2] == b"PK"
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert ".xlsx" in response["Content-Disposition"]
        response = client.get(url, {"format": "pdf"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert client.get(url, {"format": "doc"}).status_code == 404
    client.force_login(people["t1"])
    response = client.get(f"/stats/returns/{ret.pk}/export/", {"format": "xlsx"})
    assert response.status_code == 200
