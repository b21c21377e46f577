"""The dashboard page (REQ-103): who may open it and for which division, the charts
with their tables and exports, bad filters as a page that says why (never a 500), a
fixed number of queries, and the civil-affairs home page showing it; the vendored
ECharts pinned with its licence and no script or stylesheet from elsewhere."""

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import analysis, charts

from . import dataset as d

pytestmark = pytest.mark.django_db

URL = "/stats/dashboard/"
PERIOD = {"from": d.FIRST.isoformat(), "to": d.LAST.isoformat()}
ECHARTS = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts" / "5.6.0"
ECHARTS_SHA256 = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"


@pytest.fixture
def people(clock_at):
    clock_at(2026, 3, 20, 10)
    data = d.generate()
    return {
        "data": data,
        "county": f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=d.COUNTY),
        "township": f.user("xiang1", role=Role.TOWNSHIP, at=d.T1),
        "head": f.user("zhuren", role=Role.HEAD, at=d.COMMITTEES[0]),
        "clerk": f.user("jingban", role=Role.CLERK, at=d.COMMITTEES[0]),
        "police": f.user(
            "gongan",
            role=Role.DEPARTMENT,
            at=d.COUNTY,
            department=Department.PUBLIC_SECURITY,
        ),
        "province": f.user("sheng", role=Role.CIVIL_AFFAIRS, at="62"),
    }


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def _chart_data(response) -> dict:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the page carries the charts' data"
    return json.loads(found.group(1))


def test_the_county_sees_its_figures_as_charts_with_tables(client, people):
    response = _get(client, people["county"], division=d.COUNTY, **PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    total = len(d.matching_cases(people["data"], d.COUNTY, d.FIRST, d.LAST))
    assert f'<dd id="total">{total}</dd>' in html
    data = _chart_data(response)
    assert list(data) == list(charts.KEYS)
    for key in charts.KEYS:
        assert f'id="chart-{key}"' in html and f'id="table-{key}"' in html
    # The league table: the county's three townships, their totals summing up.
    units = data["units"]
    assert set(units["categories"]) == {f"区划{t}" for t in (d.T1, d.T2, d.T3)}
    assert sum(units["series"][0]["data"]) == total
    # Pinned ECharts from the project's own static files.
    assert "/static/vendor/echarts/5.6.0/echarts.min.js" in html
    assert "/static/yinzheng/dashboard.js" in html


def test_a_committee_head_sees_their_committee(client, people):
    response = _get(client, people["head"])
    assert response.status_code == 200
    data = _chart_data(response)
    assert data["units"]["categories"] == [
        analysis.parse_filters(people["head"], {}, today=d.TODAY).division_name
    ]


@pytest.mark.parametrize(
    "who, division",
    [
        ("township", d.T2),
        ("township", d.COUNTY),
        ("head", d.COMMITTEES[1]),
        ("county", d.OTHER_COUNTY),
    ],
)
def test_another_division_is_refused_with_the_reason(client, people, who, division):
    response = _get(client, people[who], division=division)
    assert response.status_code == 403
    assert "您无权查看该区划的统计数据" in response.content.decode()


@pytest.mark.parametrize("who", ["clerk", "police"])
def test_the_page_is_refused_without_the_grant(client, people, who):
    assert _get(client, people[who]).status_code == 403


def test_the_anonymous_are_sent_to_log_in(client, people):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params, words",
    [
        ({"division": "xyz"}, "区划代码"),
        ({"from": "2026-02-31"}, "开始日期"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ],
)
def test_bad_filters_give_the_page_back_with_the_reason(client, people, params, words):
    response = _get(client, people["county"], **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="dashboard-error"' in html and words in html
    assert 'id="dashboard-filters"' in html


def test_an_unknown_division_gives_the_page_back_as_not_found(client, people):
    response = _get(client, people["county"], division="620725199")
    assert response.status_code == 404
    words = "没有这个区划"
    html = response.content.decode()
    assert 'id="dashboard-error"' in html and words in html
    assert 'id="dashboard-filters"' in html


def test_each_chart_exports_to_csv(client, people):
    response = _get(
        client,
        people["county"],
        division=d.COUNTY,
        export="units",
        format="csv",
        **PERIOD,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["各乡镇（街道）办理情况"]
    assert rows[2][:3] == ["乡镇（街道）", "区划代码", "受理"]
    total = len(d.matching_cases(people["data"], d.COUNTY, d.FIRST, d.LAST))
    assert rows[-1][0] == "合计" and rows[-1][2] == str(total)
    assert sum(int(r[2]) for r in rows[3:-1]) == total


def test_every_chart_exports_to_one_workbook(client, people):
    response = _get(
        client,
        people["county"],
        division=d.COUNTY,
        export="all",
        format="xlsx",
        **PERIOD,
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(charts.KEYS)
    outcomes = book["办理结果"]
    assert outcomes["A3"].value == "办理结果" and outcomes["B3"].value == "件数"
    values = [outcomes.cell(row=r, column=2).value for r in range(4, 13)]
    total = len(d.matching_cases(people["data"], d.COUNTY, d.FIRST, d.LAST))
    assert sum(values) == total
    assert outcomes.cell(row=13, column=1).value == "合计"
    assert outcomes.cell(row=13, column=2).value == total


def test_text_that_looks_like_a_formula_stays_text(client, people):
    """Item names are typed by people: exported, they never run as a formula."""
    from yinzheng.certificates.models import CertificateRequest

    CertificateRequest.objects.filter(item__isnull=True).update(
        item_text='=HYPERLINK("http://example.invalid")'
    )
    response = _get(
        client,
        people["county"],
        division=d.COUNTY,
        export="items",
        format="csv",
        **PERIOD,
    )
    assert "'=HYPERLINK" in response.content.decode()
    response = _get(
        client,
        people["county"],
        division=d.COUNTY,
        export="items",
        format="xlsx",
        **PERIOD,
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    formula = [c for c in cells if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)


@pytest.mark.parametrize(
    "params", [{"export": "nothing"}, {"export": "units", "format": "pdf"}]
)
def test_an_unknown_export_is_refused_in_words(client, people, params):
    response = _get(client, people["county"], **params)
    assert response.status_code == 400
    assert 'id="dashboard-error"' in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["county"])
    client.get(URL)  # the session and the user, once
    with django_assert_max_num_queries(18):
        response = client.get(URL, {"division": d.COUNTY, **PERIOD})
    assert response.status_code == 200


def test_the_nav_links_to_the_dashboard(client, people):
    client.force_login(people["township"])
    html = client.get("/stats/tables/").content.decode()
    assert f'href="{URL}"' in html and "统计分析" in html
    client.force_login(people["clerk"])
    assert f'href="{URL}"' not in client.get("/").content.decode()


# The home page -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county", "township", "head"])
def test_the_home_page_shows_the_dashboard_at_county_level_and_below(
    client, people, who
):
    client.force_login(people[who])
    html = client.get("/").content.decode()
    assert 'id="home-dashboard"' in html
    assert 'id="chart-units"' in html and 'id="dashboard-data"' in html


@pytest.mark.parametrize("who", ["clerk", "police", "province"])
def test_the_home_page_has_no_dashboard_for_others(client, people, who):
    client.force_login(people[who])
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="home-dashboard"' not in response.content.decode()


# The vendored charting library -------------------------------------------------------


def test_echarts_is_vendored_at_its_pinned_version_with_its_licence():
    script = ECHARTS / "echarts.min.js"
    assert hashlib.sha256(script.read_bytes()).hexdigest() == ECHARTS_SHA256
    assert 't.version="5.6.0"' in script.read_text(encoding="utf-8")
    assert "Apache License" in (ECHARTS / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (ECHARTS / "NOTICE").read_text(encoding="utf-8")
    assert (ECHARTS / "licenses" / "LICENSE-d3").exists()


def test_no_template_loads_a_script_or_stylesheet_from_elsewhere():
    """design.md §4: no CDN — pages, charts and fonts come from the project."""
    remote = re.compile(
        r"<script[^>]+src=[\"']?(https?:)?//|<link[^>]+href=[\"']?(https?:)?//"
        r"|@import\s+(url\()?[\"']?(https?:)?//",
        re.I,
    )
    templates = Path(settings.BASE_DIR) / "templates"
    found = [
        str(path)
        for path in templates.rglob("*.html")
        if remote.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    for css in (Path(settings.BASE_DIR) / "static" / "yinzheng").glob("*.css"):
        assert not re.search(r"url\([\"']?(https?:)?//", css.read_text()), css
