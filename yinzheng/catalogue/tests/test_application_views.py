"""Pages of the admission, exit and filing applications (REQ-021–030, REQ-024, DIV-03,
DIV-14): who may open them, the journeys through them, refusals shown, the
justification kept private, the public decisions page free of personal data.

The rules themselves are tested in test_admissions.py; here the pages call the services
and show what they say.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue import selectors
from yinzheng.catalogue.choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    ExitGround,
    ListKind,
    Opinion,
)
from yinzheng.catalogue.models import Application
from yinzheng.catalogue.services import admissions
from yinzheng.core import clock
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import pdf_bytes

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
TOWNSHIP = "620725101"
OTHER_TOWNSHIP = "620725102"
NEW = "/catalogue/manage/applications/new/"
LIST = "/catalogue/manage/applications/"
PDF = pdf_bytes("research and justification")
LAW = {"type": BasisType.LAW, "citation": "《示例法》第十条（测试）"}
GUIDE = {
    "work_requirements": "核实申请人居住情况",
    "procedure": "申请—核实—出具",
    "materials": "身份证件",
    "sample_form": "（样表）兹证明……",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def county_list(tree):
    return factories.published(COUNTY, ListKind.POSITIVE, [factories.item("甲证明")])


@pytest.fixture
def renshe(tree):
    return people.user(
        "renshe",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.HUMAN_RESOURCES,
    )


@pytest.fixture
def zhen(tree):
    return people.user("zhen", role=Role.TOWNSHIP, at=TOWNSHIP)


def detail(application) -> str:
    return f"{LIST}{application.pk}/"


def submit(actor, version, **over):
    values = {
        "list_id": version.catalogue_list_id,
        "kind": ApplicationKind.ADMISSION,
        "department": Department.HUMAN_RESOURCES,
        "applicant_unit": "县人力资源和社会保障局",
        "contact": "张联系 13812345678",
        "reason": "办理失业登记需要核实居住情况",
        "item_key": "residence-for-unemployment",
        "item_name": "失业登记居住情况证明",
        "bases": [LAW],
        "within_committee_duties": True,
        "rights_matching": "可调阅网格员走访记录",
        **GUIDE,
        **over,
    }
    return admissions.application_submit(actor=actor, **values)


def in_review(actor, version, officer, **over):
    application = submit(actor, version, **over)
    admissions.application_open_review(actor=officer, application_id=application.pk)
    return application


def form_data(version, **over):
    return {
        "app-catalogue_list": str(version.catalogue_list_id),
        "app-kind": ApplicationKind.ADMISSION,
        "app-department": Department.HUMAN_RESOURCES,
        "app-applicant_unit": "县人力资源和社会保障局",
        "app-contact": "张联系 13812345678",
        "app-reason": "办理失业登记需要核实居住情况",
        "app-item_key": "residence-for-unemployment",
        "app-item_name": "失业登记居住情况证明",
        "app-item_aliases": "居住证明（失业登记）、失业居住证明",
        "app-basis_type_1": BasisType.LAW,
        "app-citation_1": LAW["citation"],
        "app-basis_type_2": BasisType.POLICY,
        "app-citation_2": "县政府文件（测试）",
        "app-within_committee_duties": "on",
        "app-complexity": "complex",
        "app-time_limit_days": "3",
        "app-cites_new_local_rule": "on",
        "app-rights_matching": "可调阅网格员走访记录",
        **{f"app-{k}": v for k, v in GUIDE.items()},
        **over,
    }


# Submitting by page ---------------------------------------------------------------------


def test_the_form_offers_the_departments_lists_with_its_department_preselected(
    client, renshe, county_list
):
    client.force_login(renshe)

    page = client.get(NEW).content.decode()

    assert f'value="{county_list.catalogue_list_id}"' in page
    assert 'value="human_resources" selected' in page
    assert 'value="health"' not in page  # a department applies for itself only
    assert 'enctype="multipart/form-data"' in page
    assert "甲证明" in page  # the current version's items, for an exit


def test_a_department_submits_an_admission_with_its_justification_REQ_021_REQ_029(
    client, renshe, county_list
):
    client.force_login(renshe)
    upload = SimpleUploadedFile("论证报告.pdf", PDF, "application/pdf")

    response = client.post(NEW, {**form_data(county_list), "app-justification": upload})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == renshe
    assert application.item_aliases == ["居住证明（失业登记）", "失业居住证明"]
    assert [b["type"] for b in application.bases] == ["law", "policy"]
    assert application.time_limit_days == 3 and application.cites_new_local_rule
    assert application.justification_sha256 == hashlib.sha256(PDF).hexdigest()
    page = client.get(detail(application)).content.decode()
    assert "已提交申请" in page
    assert application.justification_sha256 in page
    assert f"{detail(application)}justification/" in page


def test_a_refused_submission_is_shown_on_the_form_and_nothing_is_queued_REQ_022(
    client, renshe, county_list
):
    client.force_login(renshe)

    response = client.post(
        NEW,
        form_data(
            county_list,
            **{"app-citation_1": "", "app-basis_type_2": "", "app-citation_2": ""},
        ),
    )

    assert response.status_code == 200
    assert "准入申请须提供村（居）委会出具该证明的设定依据" in response.content.decode()
    assert not Application.objects.exists()


def test_a_new_local_rule_without_its_justification_is_refused_REQ_029(
    client, renshe, county_list
):
    client.force_login(renshe)

    response = client.post(NEW, form_data(county_list))

    assert "须附研究论证材料" in response.content.decode()
    assert not Application.objects.exists()


def test_an_exit_by_page_names_an_item_of_the_current_version_REQ_025(
    client, renshe, county_list
):
    item = county_list.entries.get().item
    client.force_login(renshe)

    client.post(
        NEW,
        {
            "app-catalogue_list": str(county_list.catalogue_list_id),
            "app-kind": ApplicationKind.EXIT,
            "app-department": Department.HUMAN_RESOURCES,
            "app-applicant_unit": "县人社局",
            "app-reason": "可通过信息共享核查",
            "app-complexity": "simple",
            "app-exit_item": item.key,
            "app-exit_ground": ExitGround.DATA_SHARING,
        },
    )

    application = Application.objects.get()
    assert application.kind == ApplicationKind.EXIT and application.item == item


# Who sees what --------------------------------------------------------------------------


def test_users_without_an_application_role_get_403(client, tree, county_list, officer):
    application = submit(officer, county_list)
    clerk = people.user("clerk", role=Role.CLERK, at=tree["A1a"])
    client.force_login(clerk)

    for url in [LIST, NEW, detail(application), f"{detail(application)}justification/"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"{detail(application)}withdraw/", {"withdraw-note": "x"})
    assert response.status_code == 403
    assert client.get(LIST).status_code == 403


def test_applications_outside_ones_reach_are_404(client, tree, county_list, officer):
    application = submit(officer, county_list)
    far = people.user("far", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    justice = people.user(
        "sifa", role=Role.DEPARTMENT, at=COUNTY, department=Department.JUSTICE
    )

    for user in [far, justice]:
        client.force_login(user)
        assert client.get(detail(application)).status_code == 404
        response = client.post(
            f"{detail(application)}open-review/", {"review-townships": [TOWNSHIP]}
        )
        assert response.status_code == 404
        assert "失业登记居住情况证明" not in client.get(LIST).content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_an_odd_list_number_in_the_address_is_ignored_not_a_500(
    client, renshe, county_list, odd
):
    """Found in review: str.isdigit() accepts "²" and 5000 digits, int() does not."""
    submit(renshe, county_list)
    client.force_login(renshe)

    listed = client.get(LIST, {"list": odd})
    new = client.get(f"{LIST}new/", {"list": odd})

    assert listed.status_code == 200 and new.status_code == 200
    assert "失业登记居住情况证明" in listed.content.decode()


def test_a_county_department_does_not_see_applications_to_a_provincial_list(
    client, tree
):
    """Found in review: a county officer saw the same department's applications to the
    lists above the county (contact, attachment, opinions) without being able to act on
    them; data above one's node is not one's to read (accounts.policy)."""
    provincial = factories.published(
        "62", ListKind.POSITIVE, [factories.item("乙证明")]
    )
    province_renshe = people.user(
        "renshe-62",
        role=Role.DEPARTMENT,
        at="62",
        department=Department.HUMAN_RESOURCES,
    )
    county_renshe = people.user(
        "renshe-620725",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.HUMAN_RESOURCES,
    )
    application = submit(province_renshe, provincial)

    assert application in Application.objects.visible_to(province_renshe)
    assert application not in Application.objects.visible_to(county_renshe)
    client.force_login(county_renshe)
    assert client.get(detail(application)).status_code == 404
    assert "失业登记居住情况证明" not in client.get(LIST).content.decode()


def test_a_department_sees_what_it_is_asked_to_review_REQ_023(
    client, renshe, county_list, officer
):
    """Found with these pages: a partner department did not see the applications it
    was asked about, so it could never record its opinion."""
    gongan = people.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department=Department.PUBLIC_SECURITY
    )
    application = submit(renshe, county_list)
    assert application not in Application.objects.visible_to(gongan)

    admissions.application_open_review(actor=officer, application_id=application.pk)

    assert application in Application.objects.visible_to(gongan)
    assert [o.department for o in selectors.opinions_awaited(gongan)] == [
        Department.PUBLIC_SECURITY
    ]
    client.force_login(gongan)
    page = client.get(detail(application)).content.decode()
    assert "登记公安的意见" in page
    assert "登记司法的意见" not in page
    assert "138****5678" in page and "13812345678" not in page  # not the applicant


def test_the_justification_is_served_only_to_those_who_see_the_application(
    client, tree, renshe, county_list, officer
):
    upload = SimpleUploadedFile("论证.pdf", PDF, "application/pdf")
    application = submit(
        renshe, county_list, cites_new_local_rule=True, justification=upload
    )
    url = f"{detail(application)}justification/"
    far = people.user("far", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(far)
    assert client.get(url).status_code == 404
    for user in [renshe, officer]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
    # The stored file has no public address.
    assert client.get(f"/media/{application.justification.name}").status_code == 404
    assert client.get(f"/{application.justification.name}").status_code == 404


# The joint review by page ---------------------------------------------------------------


def test_civil_affairs_opens_the_review_with_the_townships_ticked(
    client, renshe, county_list, officer
):
    application = submit(renshe, county_list)
    client.force_login(officer)

    page = client.get(detail(application)).content.decode()
    response = client.post(
        f"{detail(application)}open-review/",
        {"review-townships": [TOWNSHIP, OTHER_TOWNSHIP]},
    )

    assert f'value="{TOWNSHIP}"' in page and "checked" in page
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.opinions.count() == 7
    page = client.get(detail(application)).content.decode()
    assert page.count('class="badge bad pending"') == 7


def test_opening_the_review_without_townships_shows_the_refusal(
    client, renshe, county_list, officer
):
    application = submit(renshe, county_list)
    client.force_login(officer)

    response = client.post(f"{detail(application)}open-review/", {})

    assert response.status_code == 200
    assert "须向乡镇（街道）征求意见" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_township_records_its_own_opinion_and_not_another_REQ_023(
    client, renshe, county_list, officer, zhen
):
    application = in_review(renshe, county_list, officer)
    own = application.opinions.get(township_id=TOWNSHIP)
    other = application.opinions.get(township_id=OTHER_TOWNSHIP)
    client.force_login(zhen)

    page = client.get(detail(application)).content.decode()
    refused = client.post(
        f"/catalogue/manage/opinions/{other.pk}/record/",
        {f"opinion-{other.pk}-opinion": Opinion.AGREE},
    )
    missing = client.post(
        f"/catalogue/manage/opinions/{own.pk}/record/",
        {f"opinion-{own.pk}-opinion": Opinion.DISAGREE},
    )
    recorded = client.post(
        f"/catalogue/manage/opinions/{own.pk}/record/",
        {
            f"opinion-{own.pk}-opinion": Opinion.AGREE_WITH_CHANGES,
            f"opinion-{own.pk}-comments": "样表须增加用途栏",
        },
    )

    assert f"/catalogue/manage/opinions/{own.pk}/record/" in page
    assert f"/catalogue/manage/opinions/{other.pk}/record/" not in page
    assert refused.status_code == 403
    assert "须写明具体意见" in missing.content.decode()
    assert recorded.status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.opinion == Opinion.AGREE_WITH_CHANGES and own.recorded_by == zhen
    assert other.opinion == ""
    page = client.get(detail(application)).content.decode()
    assert "样表须增加用途栏" in page and "修改后同意" in page


def test_civil_affairs_decides_by_page_after_the_problem_list_clears_REQ_023_REQ_028(
    client, renshe, county_list, officer
):
    application = in_review(renshe, county_list, officer, sample_form="")
    for row in application.opinions.all():
        admissions.opinion_record(actor=officer, opinion_id=row.pk, opinion="agree")
    decide = f"{detail(application)}decide/"
    meeting = {
        "decide-meeting_date": clock.today().isoformat(),
        "decide-meeting_reference": "县民政局联席会议纪要〔2026〕3号",
        "decide-reasons": "依据充分，属于村（居）委会职责范围",
    }
    client.force_login(officer)

    page = client.get(detail(application)).content.decode()
    refused = client.post(decide, {**meeting, "decide-decision": "approve"})
    client.force_login(renshe)
    supplied = client.post(
        f"{detail(application)}supply-guide/",
        {
            **{f"guide-{k}": v for k, v in GUIDE.items()},
            "guide-rights_matching": "可调阅网格员走访记录",
        },
    )
    client.force_login(officer)
    ready = client.get(detail(application)).content.decode()
    approved = client.post(decide, {**meeting, "decide-decision": "approve"})

    assert "申请部门尚未提供：样表" in page
    assert 'value="approve" class="secondary" disabled' in page
    assert refused.status_code == 200
    assert "不能批准" in refused.content.decode()
    assert supplied.status_code == 302
    assert "检查通过" in ready and "尚未提供" not in ready
    assert approved.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    final = client.get(detail(application)).content.decode()
    assert f"/catalogue/manage/lists/{county_list.catalogue_list_id}/" in final
    assert "到清单管理页审核、批准、公布" in final


def test_only_civil_affairs_may_decide_even_by_a_forged_post(
    client, renshe, county_list, officer
):
    application = in_review(renshe, county_list, officer)
    client.force_login(renshe)

    page = client.get(detail(application)).content.decode()
    response = client.post(
        f"{detail(application)}decide/",
        {
            "decide-meeting_date": clock.today().isoformat(),
            "decide-meeting_reference": "纪要",
            "decide-reasons": "理由",
            "decide-decision": "reject",
        },
    )

    assert "decide/" not in page
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_the_applicant_withdraws_and_civil_affairs_files_a_filing_REQ_026(
    client, renshe, county_list, officer
):
    admission = submit(renshe, county_list)
    filing = submit(renshe, county_list, kind=ApplicationKind.FILING, item_key="")
    client.force_login(renshe)
    client.post(f"{detail(admission)}withdraw/", {"withdraw-note": "不再需要"})
    client.force_login(officer)
    client.post(f"{detail(filing)}file/", {"file-note": "已备案"})

    admission.refresh_from_db()
    filing.refresh_from_db()
    assert admission.status == ApplicationStatus.WITHDRAWN
    assert filing.status == ApplicationStatus.FILED
    only_filings = client.get(LIST, {"kind": "filing"}).content.decode()
    assert detail(filing) in only_filings and detail(admission) not in only_filings
    withdrawn = client.get(LIST, {"status": "withdrawn"}).content.decode()
    assert detail(admission) in withdrawn and detail(filing) not in withdrawn


# Items to be discontinued, the inbox, the public page ------------------------------------


def test_an_item_waiting_for_the_law_is_marked_on_the_list_pages_REQ_027(
    client, renshe, county_list, officer
):
    item = county_list.entries.get().item
    application = in_review(
        renshe,
        county_list,
        officer,
        kind=ApplicationKind.EXIT,
        item_key=item.key,
        exit_ground=ExitGround.UNVERIFIABLE,
        law_amendment="建议修改《示例条例》第五条",
    )
    for row in application.opinions.all():
        admissions.opinion_record(actor=officer, opinion_id=row.pk, opinion="agree")
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=True,
        meeting_date=clock.today(),
        meeting_reference="纪要",
        reasons="无法核实",
    )
    client.force_login(officer)

    manage = client.get(
        f"/catalogue/manage/lists/{county_list.catalogue_list_id}/"
    ).content.decode()
    public = client.get(county_list.get_absolute_url()).content.decode()
    page = client.get(detail(application)).content.decode()
    client.post(
        f"{detail(application)}law-amendment/",
        {"law-status": "adopted", "law-note": "《示例条例》修正案已施行"},
    )

    assert "拟退出（待修法）" in manage and "拟退出（待修法）" in public
    assert "记录进展" in page
    application.refresh_from_db()
    assert application.resulting_version is not None
    public = client.get(county_list.get_absolute_url()).content.decode()
    assert "拟退出（待修法）" not in public


def test_the_home_inbox_shows_the_review_work(
    client, renshe, county_list, officer, zhen
):
    in_review(renshe, county_list, officer)
    submit(renshe, county_list, item_key="second-item", item_name="第二项证明")

    client.force_login(officer)
    home = client.get("/").content.decode()
    client.force_login(zhen)
    township_home = client.get("/").content.decode()

    assert "准入/退出申请待联审" in home
    assert "/catalogue/manage/applications/?awaiting=1" in township_home
    assert "待反馈的联审意见" in township_home


def test_the_public_decisions_page_has_no_people_and_no_contact_REQ_024(
    client, renshe, county_list, officer
):
    application = in_review(renshe, county_list, officer)
    for row in application.opinions.all():
        admissions.opinion_record(actor=officer, opinion_id=row.pk, opinion="agree")
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=False,
        meeting_date=clock.today(),
        meeting_reference="县民政局联席会议纪要〔2026〕4号",
        reasons="可通过信息共享核查，无需证明",
    )
    pending = submit(renshe, county_list, item_key="not-decided", item_name="未决证明")

    page = client.get("/catalogue/decisions/").content.decode()

    assert "失业登记居住情况证明" in page
    assert "县民政局联席会议纪要〔2026〕4号" in page
    assert "可通过信息共享核查，无需证明" in page
    assert "人社" in page and "县人力资源和社会保障局" in page
    assert "不通过" in page
    assert pending.item_name not in page
    for private in ["张联系", "13812345678", officer.display_name, renshe.display_name]:
        assert private not in page, private
    assert "/catalogue/decisions/" in client.get("/catalogue/").content.decode()
