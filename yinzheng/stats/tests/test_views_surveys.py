"""The inventory survey's staff pages (摸排, REQ-099): the bureau opens a survey, a
township enters what it finds, the bureau keeps or cancels each entry and closes the
survey once none is left undecided; who may do what, and refusals shown on the page
(never a 500)."""

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import Disposition, SourceType, SurveyStatus
from yinzheng.stats.models import Survey, SurveyEntry
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1

ENTRY = {
    "entry-division": T1,
    "entry-source_type": SourceType.PRACTICE,
    "entry-item_name": "居民死亡证明",
    "entry-responsible_department": "县民政局",
    "entry-basis": "《殡葬管理条例》",
    "entry-demanding_unit": "",
    "entry-note": "",
}


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 12, 1, 10)
    return factories.people()


@pytest.fixture
def survey(people):
    return services.survey_open(
        actor=people["bureau"], county_code=COUNTY, title="二〇二〇年摸排"
    )


def _entry(user, survey, **values):
    return services.entry_add(
        actor=user,
        survey_id=survey.pk,
        **{
            "division_code": T1,
            "source_type": SourceType.PRACTICE,
            "item_name": "居民死亡证明",
            "responsible_department": "县民政局",
            **values,
        },
    )


def test_the_navigation_links_the_survey(client, people):
    client.force_login(people["t1"])
    assert 'href="/stats/surveys/"' in text_of(client.get("/stats/tables/"))


def test_the_bureau_opens_a_survey_on_the_page(client, people):
    client.force_login(people["bureau"])
    assert 'href="/stats/surveys/new/"' in text_of(client.get("/stats/surveys/"))
    assert COUNTY in text_of(client.get("/stats/surveys/new/"))
    response = client.post(
        "/stats/surveys/new/", {"county": COUNTY, "title": "2020年证明事项摸排"}
    )
    survey = Survey.objects.get()
    assert response["Location"] == f"/stats/surveys/{survey.pk}/"
    assert survey.county_id == COUNTY and survey.status == SurveyStatus.OPEN
    page = text_of(client.get(response["Location"]))
    assert "2020年证明事项摸排" in page and "摸排中" in page and "尚未填报" in page
    assert "2020年证明事项摸排" in text_of(client.get("/stats/surveys/"))


def test_a_township_adds_an_entry_and_the_bureau_disposes_of_it(client, people, survey):
    client.force_login(people["t1"])
    assert "二〇二〇年摸排" in text_of(client.get("/stats/surveys/"))
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert f'action="/stats/surveys/{survey.pk}/entries/"' in page
    assert f'value="{T1}"' in page and 'value="620725102"' not in page
    assert "/dispose/" not in page and "/close/" not in page
    response = client.post(f"/stats/surveys/{survey.pk}/entries/", ENTRY)
    entry = SurveyEntry.objects.get()
    assert response["Location"] == f"/stats/surveys/{survey.pk}/#entry-{entry.pk}"
    assert entry.division_id == T1 and entry.entered_by == people["t1"]
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert "居民死亡证明" in page and "实际出具" in page and "未处理 1" in page

    client.force_login(people["bureau"])
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert f'action="/stats/entries/{entry.pk}/dispose/"' in page
    response = client.post(
        f"/stats/entries/{entry.pk}/dispose/",
        {"disposition": Disposition.CANCEL, "basis": "无法律法规依据"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.disposition == Disposition.CANCEL
    assert entry.disposition_basis == "无法律法规依据"
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert "无法律法规依据" in page and "取消 1" in page and "未处理 0" in page


def test_the_entries_filter_by_source_type_and_undisposed(client, people, survey):
    bureau = people["bureau"]
    kept = _entry(bureau, survey, item_name="亲属关系证明")
    services.entry_dispose(
        actor=bureau, entry_id=kept.pk, disposition=Disposition.KEEP, basis="有依据"
    )
    _entry(
        bureau,
        survey,
        item_name="无犯罪记录证明",
        source_type=SourceType.DEMAND,
        demanding_unit="县供电公司",
    )
    client.force_login(bureau)
    url = f"/stats/surveys/{survey.pk}/"
    page = text_of(client.get(url))
    assert "亲属关系证明" in page and "无犯罪记录证明" in page
    assert "部门、单位要求 1" in page and "保留（有依据） 1" in page
    page = text_of(client.get(url, {"source": SourceType.DEMAND}))
    assert "无犯罪记录证明" in page and "亲属关系证明" not in page
    page = text_of(client.get(url, {"pending": "1"}))
    assert "无犯罪记录证明" in page and "亲属关系证明" not in page
    page = text_of(client.get(url, {"source": SourceType.LOCAL_RULE}))
    assert "没有符合条件的条目" in page
    assert client.get(url, {"source": "bogus"}).status_code == 200


def test_closing_waits_for_every_disposition(client, people, survey):
    bureau = people["bureau"]
    entry = _entry(people["t1"], survey)
    client.force_login(bureau)
    response = client.post(f"/stats/surveys/{survey.pk}/close/", follow=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "不能结束摸排" in page and "居民死亡证明" in page
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN

    services.entry_dispose(
        actor=bureau, entry_id=entry.pk, disposition=Disposition.KEEP, basis="有依据"
    )
    response = client.post(f"/stats/surveys/{survey.pk}/close/")
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert "已结束" in page and 'id="read-only"' in page
    assert "/dispose/" not in page and "/entries/" not in page

    # Closed: what still comes is refused on the page, not a 500.
    response = client.post(
        f"/stats/entries/{entry.pk}/dispose/",
        {"disposition": Disposition.CANCEL, "basis": "改为取消"},
        follow=True,
    )
    assert response.status_code == 200 and "摸排已结束" in text_of(response)
    client.force_login(people["t1"])
    response = client.post(f"/stats/surveys/{survey.pk}/entries/", ENTRY, follow=True)
    assert response.status_code == 200 and "摸排已结束" in text_of(response)
    assert SurveyEntry.objects.count() == 1
    entry.refresh_from_db()
    assert entry.disposition == Disposition.KEEP


def test_a_township_may_not_dispose_or_close(client, people, survey):
    entry = _entry(people["t1"], survey)
    client.force_login(people["t1"])
    response = client.post(
        f"/stats/entries/{entry.pk}/dispose/",
        {"disposition": Disposition.CANCEL, "basis": "自行取消"},
    )
    assert response.status_code == 403
    assert client.post(f"/stats/surveys/{survey.pk}/close/").status_code == 403
    assert client.get("/stats/surveys/new/").status_code == 403
    entry.refresh_from_db()
    assert entry.disposition == ""


def test_the_province_reads_but_may_not_open(client, people, survey):
    entry = _entry(people["t1"], survey)
    client.force_login(people["province"])
    page = text_of(client.get(f"/stats/surveys/{survey.pk}/"))
    assert "居民死亡证明" in page and "/dispose/" not in page
    assert 'href="/stats/surveys/new/"' not in text_of(client.get("/stats/surveys/"))
    assert client.get("/stats/surveys/new/").status_code == 403
    response = client.post("/stats/surveys/new/", {"county": COUNTY, "title": "再摸"})
    assert response.status_code == 403
    response = client.post(
        f"/stats/entries/{entry.pk}/dispose/",
        {"disposition": Disposition.KEEP, "basis": "有依据"},
    )
    assert response.status_code == 403
    assert Survey.objects.count() == 1


def test_another_county_gets_404(client, people, survey):
    entry = _entry(people["t1"], survey)
    client.force_login(f.user("qita", role=Role.CIVIL_AFFAIRS, at="440804"))
    assert client.get(f"/stats/surveys/{survey.pk}/").status_code == 404
    assert client.post(f"/stats/surveys/{survey.pk}/close/").status_code == 404
    assert client.post(f"/stats/entries/{entry.pk}/dispose/").status_code == 404
    assert "二〇二〇年摸排" not in text_of(client.get("/stats/surveys/"))


def test_bad_input_shows_errors_not_500(client, people, survey):
    client.force_login(people["bureau"])
    response = client.post("/stats/surveys/new/", {"county": COUNTY, "title": " "})
    assert response.status_code == 200 and Survey.objects.count() == 1
    response = client.post("/stats/surveys/new/", {"county": "440804", "title": "x"})
    assert response.status_code == 200 and Survey.objects.count() == 1

    client.force_login(people["t1"])
    url = f"/stats/surveys/{survey.pk}/entries/"
    # A demand without the unit that demands it: the service's message on the form.
    response = client.post(url, {**ENTRY, "entry-source_type": SourceType.DEMAND})
    assert response.status_code == 200
    assert "请填写提出要求的部门或单位" in text_of(response)
    # Another township's division: not offered, so the form refuses it.
    response = client.post(url, {**ENTRY, "entry-division": "620725102"})
    assert response.status_code == 200
    response = client.post(url, {**ENTRY, "entry-source_type": "bogus"})
    assert response.status_code == 200
    response = client.post(url, {**ENTRY, "entry-responsible_department": ""})
    assert response.status_code == 200
    assert SurveyEntry.objects.count() == 0

    entry = _entry(people["t1"], survey)
    client.force_login(people["bureau"])
    dispose = f"/stats/entries/{entry.pk}/dispose/"
    response = client.post(dispose, {"disposition": Disposition.KEEP, "basis": " "})
    assert response.status_code == 200 and 'id="id_d' in text_of(response)
    response = client.post(dispose, {"disposition": "bogus", "basis": "理由"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.disposition == ""
