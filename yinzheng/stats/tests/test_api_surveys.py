"""Inventory survey API (REQ-099): the bureau opens a survey, townships, a department and
the bureau enter findings of each source type, the bureau disposes of them and closes
the survey only once each has its disposition; a township cannot dispose; the province
reads and never writes; a township sees its county's survey; bad input is a 400 or 404,
never a 500; the schema."""

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import SourceType
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY

pytestmark = pytest.mark.django_db

BASE = "/api/stats"
ENTRY = {
    "source_type": "practice",
    "item_name": "无犯罪记录证明",
    "responsible_department": "县公安局",
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 12, 1, 10)
    return factories.people()


@pytest.fixture
def survey(people):
    return services.survey_open(
        actor=people["bureau"], county_code=COUNTY, title="2020年证明事项摸排"
    )


@pytest.fixture
def entry(people, survey, tree):
    return services.entry_add(
        actor=people["t1"],
        survey_id=survey.pk,
        division_code=tree["A1a"],
        source_type=SourceType.PRACTICE,
        item_name="无犯罪记录证明",
        responsible_department="县公安局",
    )


def _as(api, user):
    api.force_authenticate(user)
    return api


def _count(rows, value):
    (row,) = [r for r in rows if r["value"] == value]
    return row["count"]


def test_a_survey_is_opened_filled_disposed_and_closed(api, people, tree):
    _as(api, people["bureau"])
    created = api.post(
        f"{BASE}/surveys/", {"county": COUNTY, "title": "2020年摸排"}, format="json"
    )
    assert created.status_code == 201, created.json()
    survey = created.json()
    assert survey["county"] == COUNTY and survey["status"] == "open"
    assert survey["opened_by"]["id"] == people["bureau"].pk
    assert survey["entries"] == [] and survey["entry_count"] == 0
    url = f"{BASE}/surveys/{survey['id']}"

    _as(api, people["t1"])
    assert api.get(f"{BASE}/surveys/").json()["count"] == 1
    practice = api.post(
        f"{url}/entries/", {**ENTRY, "division": tree["A1a"]}, format="json"
    )
    assert practice.status_code == 201, practice.json()
    assert practice.json()["source_type"] == "practice"
    assert practice.json()["disposition"] == ""
    assert practice.json()["entered_by"]["id"] == people["t1"].pk

    _as(api, people["t2"])
    demand = api.post(
        f"{url}/entries/",
        {
            **ENTRY,
            "division": tree["A2a"],
            "source_type": "demand",
            "item_name": "房屋产权证明",
            "demanding_unit": "县供电公司",
            "responsible_department": "县住建局",
        },
        format="json",
    )
    assert demand.status_code == 201, demand.json()
    assert demand.json()["demanding_unit"] == "县供电公司"

    _as(api, people["police"])
    rule = api.post(
        f"{url}/entries/",
        {
            **ENTRY,
            "division": COUNTY,
            "source_type": "local_rule",
            "basis": "某县规范性文件",
        },
        format="json",
    )
    assert rule.status_code == 201, rule.json()

    _as(api, people["t1"])  # a township sees its own area's entries
    own = api.get(f"{url}/").json()
    assert [e["id"] for e in own["entries"]] == [practice.json()["id"]]
    denied = api.post(
        f"{BASE}/survey-entries/{practice.json()['id']}/dispose/",
        {"disposition": "cancel", "basis": "无依据"},
        format="json",
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_allowed"

    _as(api, people["bureau"])
    detail = api.get(f"{url}/").json()
    assert detail["entry_count"] == 3
    assert [e["source_type"] for e in detail["entries"]] == [
        "practice",
        "demand",
        "local_rule",
    ]
    for value in ("practice", "demand", "local_rule"):
        assert _count(detail["by_source_type"], value) == 1
    assert _count(detail["by_disposition"], "") == 3

    kept = api.post(
        f"{BASE}/survey-entries/{practice.json()['id']}/dispose/",
        {"disposition": "keep", "basis": "《某某条例》第十条"},
        format="json",
    )
    assert kept.status_code == 200, kept.json()
    assert kept.json()["disposition"] == "keep"
    assert kept.json()["disposition_basis"] == "《某某条例》第十条"
    assert kept.json()["disposed_by"]["id"] == people["bureau"].pk
    cancelled = api.post(
        f"{BASE}/survey-entries/{demand.json()['id']}/dispose/",
        {"disposition": "cancel", "basis": "无法律依据"},
        format="json",
    )
    assert cancelled.status_code == 200, cancelled.json()

    refused = api.post(f"{url}/close/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "survey_undisposed"
    assert refused.json()["detail"]["undisposed"] == [rule.json()["item_name"]]

    api.post(
        f"{BASE}/survey-entries/{rule.json()['id']}/dispose/",
        {"disposition": "cancel", "basis": "规范性文件已废止"},
        format="json",
    )
    counts = api.get(f"{url}/").json()
    assert _count(counts["by_disposition"], "keep") == 1
    assert _count(counts["by_disposition"], "cancel") == 2
    assert _count(counts["by_disposition"], "") == 0
    closed = api.post(f"{url}/close/")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_by"]["id"] == people["bureau"].pk

    late = api.post(f"{url}/entries/", {**ENTRY, "division": COUNTY}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "survey_closed"
    again = api.post(f"{url}/close/")
    assert again.status_code == 409 and again.json()["code"] == "survey_closed"


def test_the_province_reads_and_writes_nothing(api, people, survey, entry, tree):
    _as(api, people["province"])
    assert api.get(f"{BASE}/surveys/").json()["count"] == 1
    assert api.get(f"{BASE}/surveys/{survey.pk}/").status_code == 200
    assert api.get(f"{BASE}/survey-entries/{entry.pk}/").status_code == 200
    created = api.post(
        f"{BASE}/surveys/", {"county": COUNTY, "title": "摸排"}, format="json"
    )
    assert created.status_code == 403
    assert created.json()["code"] == "not_allowed"
    added = api.post(
        f"{BASE}/surveys/{survey.pk}/entries/",
        {**ENTRY, "division": tree["A1a"]},
        format="json",
    )
    assert added.status_code == 403
    disposed = api.post(
        f"{BASE}/survey-entries/{entry.pk}/dispose/",
        {"disposition": "keep", "basis": "依据"},
        format="json",
    )
    assert disposed.status_code == 403
    assert api.post(f"{BASE}/surveys/{survey.pk}/close/").status_code == 403


def test_another_county_sees_nothing_of_this_one(api, people, survey, entry):
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at="440804")
    _as(api, other)
    assert api.get(f"{BASE}/surveys/").json()["count"] == 0
    assert api.get(f"{BASE}/surveys/{survey.pk}/").status_code == 404
    assert api.get(f"{BASE}/survey-entries/{entry.pk}/").status_code == 404
    assert api.post(f"{BASE}/surveys/{survey.pk}/close/").status_code == 404


def test_the_anonymous_are_asked_to_log_in(api, survey, entry):
    response = api.get(f"{BASE}/surveys/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "not_allowed")
    created = api.post(
        f"{BASE}/surveys/", {"county": COUNTY, "title": "摸排"}, format="json"
    )
    assert created.status_code in (401, 403)
    assert api.get(f"{BASE}/survey-entries/{entry.pk}/").status_code in (401, 403)


def test_bad_input_is_a_400_or_404_never_a_500(api, people, survey, entry, tree):
    _as(api, people["bureau"])
    missing = api.post(f"{BASE}/surveys/", {"county": COUNTY}, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid_input"
    assert "title" in missing.json()["detail"]
    blank = api.post(
        f"{BASE}/surveys/", {"county": COUNTY, "title": "  "}, format="json"
    )
    assert blank.status_code == 400
    no_county = api.post(
        f"{BASE}/surveys/", {"county": "999999", "title": "摸排"}, format="json"
    )
    assert no_county.status_code == 404

    url = f"{BASE}/surveys/{survey.pk}/entries/"
    partial = api.post(url, {"division": COUNTY}, format="json")
    assert partial.status_code == 400 and "item_name" in partial.json()["detail"]
    rumour = api.post(
        url, {**ENTRY, "division": COUNTY, "source_type": "rumour"}, format="json"
    )
    assert rumour.status_code == 400
    assert rumour.json()["detail"]["allowed"] == list(SourceType.values)
    demand = api.post(
        url, {**ENTRY, "division": COUNTY, "source_type": "demand"}, format="json"
    )
    assert demand.status_code == 400
    foreign = api.post(url, {**ENTRY, "division": tree["B1a"]}, format="json")
    assert foreign.status_code == 400
    no_department = api.post(
        url,
        {**ENTRY, "division": COUNTY, "responsible_department": " "},
        format="json",
    )
    assert no_department.status_code == 400
    too_long = api.post(
        url, {**ENTRY, "division": COUNTY, "item_name": "长" * 201}, format="json"
    )
    assert too_long.status_code == 400
    not_json = api.post(url, "not json", content_type="application/json")
    assert not_json.status_code == 400

    dispose = f"{BASE}/survey-entries/{entry.pk}/dispose/"
    unknown = api.post(dispose, {"disposition": "maybe", "basis": "x"}, format="json")
    assert unknown.status_code == 400
    no_basis = api.post(dispose, {"disposition": "keep", "basis": " "}, format="json")
    assert no_basis.status_code == 400
    assert api.post(dispose, {}, format="json").status_code == 400

    for path in (
        "surveys/abc/",
        "surveys/abc/entries/",
        "surveys/1.5/close/",
        "surveys/999999/",
        "surveys/999999/entries/",
        "surveys/999999/close/",
        "survey-entries/abc/",
        "survey-entries/999999/",
        "survey-entries/999999/dispose/",
    ):
        assert api.get(f"{BASE}/{path}").status_code in (404, 405), path
        response = api.post(f"{BASE}/{path}", {}, format="json")
        assert response.status_code in (404, 405), path


def test_the_schema_lists_the_survey_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/stats/surveys/",
        "/api/stats/surveys/{id}/",
        "/api/stats/surveys/{id}/entries/",
        "/api/stats/surveys/{id}/close/",
        "/api/stats/survey-entries/{id}/",
        "/api/stats/survey-entries/{id}/dispose/",
    ):
        assert path in paths, path
    assert "post" in paths["/api/stats/surveys/"]
    entries = paths["/api/stats/surveys/{id}/entries/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(entries)
    components = schema["components"]["schemas"]
    for name in (
        "StatsSurvey",
        "StatsSurveyDetail",
        "StatsSurveyEntry",
        "StatsSurveyCount",
        "StatsSurveyCreateRequest",
        "StatsSurveyEntryCreateRequest",
        "StatsSurveyDisposeRequest",
    ):
        assert name in components, name
