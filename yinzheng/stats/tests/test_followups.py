"""Where a kept survey entry goes (REQ-099 → REQ-021): to an admission application,
pre-filled from the entry; once the item is proposed or listed, the survey says so."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue.choices import ApplicationKind, BasisType, ListKind
from yinzheng.catalogue.services import admissions
from yinzheng.catalogue.tests import factories as catalogue
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import Disposition, SourceType
from yinzheng.stats.followups import followups
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree, clock_at):
    clock_at(2024, 6, 1, 10)
    return factories.people()


@pytest.fixture
def survey(people):
    return services.survey_open(
        actor=people["bureau"], county_code=COUNTY, title="证明事项摸排"
    )


def _kept(people, survey, tree, name):
    entry = services.entry_add(
        actor=people["t1"],
        survey_id=survey.pk,
        division_code=tree["A1a"],
        source_type=SourceType.DEMAND,
        item_name=name,
        demanding_unit="县人社局就业服务中心",
        responsible_department="县人社局",
        basis="《示例条例》第三条",
    )
    return services.entry_dispose(
        actor=people["bureau"],
        entry_id=entry.pk,
        disposition=Disposition.KEEP,
        basis="《示例条例》第三条（测试）",
    )


def test_a_kept_entry_offers_an_admission_application_prefilled_REQ_099(
    people, survey, tree
):
    entry = _kept(people, survey, tree, "灵活就业居住证明")
    found = followups(survey, [entry])[entry.pk]
    assert found.state == "none"
    query = parse_qs(urlsplit(found.url).query)
    assert query["kind"] == [ApplicationKind.ADMISSION]
    assert query["item_name"] == ["灵活就业居住证明"]
    assert query["citation_1"] == ["《示例条例》第三条（测试）"]


def test_the_admission_form_shows_what_the_survey_handed_over(
    people, survey, tree, client
):
    catalogue.published(COUNTY, ListKind.POSITIVE, [catalogue.item()])
    entry = _kept(people, survey, tree, "灵活就业居住证明")
    renshe = f.user(
        "renshe", role=Role.DEPARTMENT, at=COUNTY, department=Department.HUMAN_RESOURCES
    )
    client.force_login(renshe)
    page = client.get(followups(survey, [entry])[entry.pk].url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["item_name"].value() == "灵活就业居住证明"
    assert form["citation_1"].value() == "《示例条例》第三条（测试）"


def test_a_proposed_item_shows_its_application(people, survey, tree):
    version = catalogue.published(
        COUNTY, ListKind.POSITIVE, [catalogue.item("已列证明")]
    )
    renshe = f.user(
        "renshe", role=Role.DEPARTMENT, at=COUNTY, department=Department.HUMAN_RESOURCES
    )
    proposed = _kept(people, survey, tree, "灵活就业居住证明")
    listed = _kept(people, survey, tree, "已列证明")
    admissions.application_submit(
        actor=renshe,
        list_id=version.catalogue_list_id,
        kind=ApplicationKind.ADMISSION,
        department=Department.HUMAN_RESOURCES,
        applicant_unit="县人力资源和社会保障局",
        reason="摸排保留",
        item_key="flexible-residence",
        item_name="灵活就业居住证明",
        bases=[{"type": BasisType.LAW, "citation": "《示例法》第十条（测试）"}],
        within_committee_duties=True,
        rights_matching="可调阅走访记录",
        work_requirements="核实",
        procedure="申请—核实—出具",
        materials="身份证件",
        sample_form="兹证明……",
    )
    found = followups(survey, [proposed, listed])
    assert found[proposed.pk].state == "applied"
    assert "/applications/" in found[proposed.pk].url


def test_a_listed_item_shows_its_list(people, survey, tree):
    catalogue.published(COUNTY, ListKind.POSITIVE, [catalogue.item("已列证明")])
    listed = _kept(people, survey, tree, "已列证明")
    assert followups(survey, [listed])[listed.pk].state == "listed"


def test_a_kept_item_on_the_negative_list_is_flagged(people, survey, tree):
    catalogue.published(
        COUNTY,
        ListKind.NEGATIVE,
        [catalogue.item("亲属关系证明", route="公安机关", departments=["公安"])],
        valid_from=dt.date(2024, 1, 1),
    )
    entry = _kept(people, survey, tree, "亲属关系证明")
    assert followups(survey, [entry])[entry.pk].state == "negative"


def test_cancelled_entries_have_no_followup(people, survey, tree):
    entry = _kept(people, survey, tree, "某证明")
    entry = services.entry_dispose(
        actor=people["bureau"],
        entry_id=entry.pk,
        disposition=Disposition.CANCEL,
        basis="无依据",
    )
    assert followups(survey, [entry]) == {}
