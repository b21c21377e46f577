"""The inventory survey (摸排, REQ-099): entries with their source type and responsible
department; the survey cannot close while an entry lacks a disposition."""

import pytest
from django.db import IntegrityError, transaction

from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import Disposition, SourceType, SurveyStatus
from yinzheng.stats.errors import StatsCode
from yinzheng.stats.models import SurveyEntry
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 12, 1, 10)
    return factories.people()


@pytest.fixture
def survey(people):
    return services.survey_open(
        actor=people["bureau"], county_code=COUNTY, title="2020年证明事项摸排"
    )


def _entry(people, survey, tree, **over):
    fields = {
        "actor": people["t1"],
        "survey_id": survey.pk,
        "division_code": tree["A1a"],
        "source_type": SourceType.PRACTICE,
        "item_name": "无犯罪记录证明",
        "responsible_department": "县公安局",
    }
    fields.update(over)
    return services.entry_add(**fields)


def test_each_entry_has_a_source_type_and_a_responsible_department_REQ_099(
    people, survey, tree
):
    entry = _entry(people, survey, tree)
    assert entry.source_type == SourceType.PRACTICE
    assert entry.responsible_department == "县公安局"
    with pytest.raises(InvalidInput):
        _entry(people, survey, tree, responsible_department=" ")
    with pytest.raises(InvalidInput):
        _entry(people, survey, tree, source_type="rumour")
    with pytest.raises(InvalidInput):  # a demand names who demands it
        _entry(people, survey, tree, source_type=SourceType.DEMAND)
    demand = _entry(
        people,
        survey,
        tree,
        source_type=SourceType.DEMAND,
        demanding_unit="县供电公司",
        item_name="房屋产权证明",
        responsible_department="县住建局",
    )
    assert demand.demanding_unit == "县供电公司"
    rule = _entry(
        people,
        survey,
        tree,
        actor=people["police"],
        division_code=COUNTY,
        source_type=SourceType.LOCAL_RULE,
        basis="某县规范性文件",
    )
    assert rule.division_id == COUNTY


def test_a_township_enters_only_in_its_own_area(people, survey, tree):
    with pytest.raises(NotAllowed):
        _entry(people, survey, tree, actor=people["t2"])
    with pytest.raises(NotAllowed):
        services.survey_open(actor=people["t1"], county_code=COUNTY, title="x")
    with pytest.raises(InvalidInput):
        _entry(people, survey, tree, division_code=tree["B1a"])


def test_the_survey_cannot_close_while_an_entry_lacks_a_disposition_REQ_099(
    people, survey, tree
):
    kept = _entry(people, survey, tree)
    cancelled = _entry(people, survey, tree, item_name="亲属关系证明")
    services.entry_dispose(
        actor=people["bureau"],
        entry_id=kept.pk,
        disposition=Disposition.KEEP,
        basis="《中华人民共和国治安管理处罚法》",
    )
    with pytest.raises(Conflict) as exc:
        services.survey_close(actor=people["bureau"], survey_id=survey.pk)
    assert exc.value.code == StatsCode.SURVEY_UNDISPOSED
    assert exc.value.detail["undisposed"] == ["亲属关系证明"]
    with pytest.raises(InvalidInput):  # the reason is part of the decision
        services.entry_dispose(
            actor=people["bureau"],
            entry_id=cancelled.pk,
            disposition=Disposition.CANCEL,
            basis="",
        )
    with pytest.raises(NotAllowed):  # the bureau decides, not the township
        services.entry_dispose(
            actor=people["t1"],
            entry_id=cancelled.pk,
            disposition=Disposition.CANCEL,
            basis="无依据",
        )
    services.entry_dispose(
        actor=people["bureau"],
        entry_id=cancelled.pk,
        disposition=Disposition.CANCEL,
        basis="无法律法规依据，由公安机关办理",
    )
    survey = services.survey_close(actor=people["bureau"], survey_id=survey.pk)
    assert survey.status == SurveyStatus.CLOSED
    with pytest.raises(Conflict):
        _entry(people, survey, tree)


def test_the_province_reads_but_does_not_run_a_survey(people, survey, tree):
    entry = _entry(people, survey, tree)
    assert SurveyEntry.objects.visible_to(people["province"]).get() == entry
    with pytest.raises(NotAllowed):
        services.survey_close(actor=people["province"], survey_id=survey.pk)


def test_the_database_refuses_a_disposition_without_its_basis(people, survey, tree):
    entry = _entry(people, survey, tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyEntry.objects.filter(pk=entry.pk).update(disposition="keep")


def test_a_department_enters_for_the_county(people, survey, tree):
    other = f.user("weijian", role="department", at=COUNTY, department="health")
    entry = _entry(
        people,
        survey,
        tree,
        actor=other,
        division_code=T1,
        source_type="demand",
        demanding_unit="县医院",
    )
    assert entry.entered_by == other
