"""Admission, exit and filing applications (REQ-019, REQ-021–030, REQ-024, DIV-03, DIV-14).

Proved here: REQ-019, REQ-021, REQ-022, REQ-023, REQ-024, REQ-025, REQ-026, REQ-027,
REQ-028, REQ-029, REQ-030.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import (
    JOINT_REVIEW_DEPARTMENTS,
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    ExitGround,
    GuideStatus,
    LawAmendmentStatus,
    ListKind,
    Opinion,
    VersionStatus,
)
from yinzheng.catalogue.models import Guide, Item
from yinzheng.catalogue.services import admissions
from yinzheng.core import clock
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
LAW = {"type": BasisType.LAW, "citation": "《中华人民共和国示例法》第十条（测试）"}
GUIDE = {
    "work_requirements": "核实申请人居住情况",
    "procedure": "申请—核实—出具",
    "materials": "身份证件",
    "sample_form": "（样表）兹证明……",
}


@pytest.fixture
def county_list(tree):
    return factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])


@pytest.fixture
def renshe(tree):
    return people.user(
        "renshe",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.HUMAN_RESOURCES,
    )


@pytest.fixture
def gongan(tree):
    return people.user(
        "gongan",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.PUBLIC_SECURITY,
    )


def submit(actor, county_list, **over):
    values = {
        "list_id": county_list.catalogue_list_id,
        "kind": ApplicationKind.ADMISSION,
        "department": Department.HUMAN_RESOURCES,
        "applicant_unit": "县人力资源和社会保障局",
        "reason": "办理失业登记需要核实居住情况",
        "item_key": "residence-for-unemployment",
        "item_name": "失业登记居住情况证明",
        "item_aliases": ["居住证明（失业登记）"],
        "bases": [LAW],
        "within_committee_duties": True,
        "rights_matching": "可调阅网格员走访记录",
        **GUIDE,
        **over,
    }
    return admissions.application_submit(actor=actor, **values)


def agree_all(application, actor):
    for opinion in application.opinions.all():
        admissions.opinion_record(
            actor=actor, opinion_id=opinion.pk, opinion=Opinion.AGREE
        )


def approve(application, officer, **over):
    return admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=True,
        meeting_date=over.pop("meeting_date", clock.today()),
        meeting_reference=over.pop(
            "meeting_reference", "县民政局联席会议纪要〔2026〕3号"
        ),
        reasons=over.pop("reasons", "依据充分，属于村（居）委会职责范围"),
    )


def reviewed(application, officer):
    admissions.application_open_review(actor=officer, application_id=application.pk)
    agree_all(application, officer)
    return application


def test_a_department_applies_for_its_own_department_only_REQ_021(county_list, renshe):
    application = submit(renshe, county_list)
    assert application.status == ApplicationStatus.SUBMITTED
    with pytest.raises(NotAllowed) as exc:
        submit(renshe, county_list, department=Department.HEALTH, item_key="other-x")
    assert exc.value.code == "department_mismatch"


def test_an_admission_without_a_basis_is_rejected_REQ_022(county_list, renshe):
    with pytest.raises(InvalidInput) as exc:
        submit(renshe, county_list, bases=[])
    assert exc.value.code == "basis_required"
    with pytest.raises(InvalidInput) as exc:
        submit(renshe, county_list, bases=[{"type": "law", "citation": " "}])
    assert exc.value.code == "basis_invalid"


def test_a_new_local_rule_needs_a_justification_attachment_REQ_029(county_list, renshe):
    with pytest.raises(InvalidInput) as exc:
        submit(renshe, county_list, cites_new_local_rule=True)
    assert exc.value.code == "justification_required"
    research = pdf_bytes("research")
    upload = SimpleUploadedFile("论证.pdf", research, "application/pdf")
    application = submit(
        renshe, county_list, cites_new_local_rule=True, justification=upload
    )
    assert len(application.justification_sha256) == 64
    assert application.justification.read() == research


def test_every_type_of_submission_is_logged_with_its_type_REQ_026(
    county_list, renshe, officer
):
    filing = submit(
        renshe, county_list, kind=ApplicationKind.FILING, item_key="", bases=[]
    )
    events = Entry.objects.filter(
        event="application.submitted", subject=f"catalogue.application:{filing.pk}"
    )
    assert [e.data["data"]["after"]["kind"] for e in events] == ["filing"]
    admissions.application_file(
        actor=officer, application_id=filing.pk, note="已备案，无需调整清单"
    )
    filing.refresh_from_db()
    assert filing.status == ApplicationStatus.FILED


def test_opening_the_review_asks_five_departments_and_the_townships_REQ_023(
    county_list, renshe, officer
):
    application = submit(renshe, county_list)
    admissions.application_open_review(actor=officer, application_id=application.pk)
    departments = set(
        application.opinions.exclude(department="").values_list("department", flat=True)
    )
    townships = set(
        application.opinions.filter(township__isnull=False).values_list(
            "township_id", flat=True
        )
    )
    assert departments == set(JOINT_REVIEW_DEPARTMENTS)
    assert townships == {"620725101", "620725102"}


def test_the_meeting_waits_for_every_opinion_REQ_023(county_list, renshe, officer):
    application = submit(renshe, county_list)
    admissions.application_open_review(actor=officer, application_id=application.pk)
    first = application.opinions.first()
    admissions.opinion_record(actor=officer, opinion_id=first.pk, opinion=Opinion.AGREE)
    with pytest.raises(InvalidInput) as exc:
        approve(application, officer)
    assert exc.value.detail[0]["code"] == "opinions_pending"


def test_reviewers_record_only_their_own_opinion_REQ_023(
    county_list, renshe, gongan, officer
):
    application = submit(renshe, county_list)
    admissions.application_open_review(actor=officer, application_id=application.pk)
    police = application.opinions.get(department=Department.PUBLIC_SECURITY)
    justice = application.opinions.get(department=Department.JUSTICE)
    with pytest.raises(NotAllowed):
        admissions.opinion_record(
            actor=gongan, opinion_id=justice.pk, opinion=Opinion.AGREE
        )
    with pytest.raises(InvalidInput) as exc:
        admissions.opinion_record(
            actor=gongan, opinion_id=police.pk, opinion=Opinion.DISAGREE
        )
    assert exc.value.code == "comments_required"
    admissions.opinion_record(
        actor=gongan,
        opinion_id=police.pk,
        opinion=Opinion.DISAGREE,
        comments="可通过户籍系统核查",
    )
    with pytest.raises(Conflict):
        admissions.opinion_record(
            actor=gongan, opinion_id=police.pk, opinion=Opinion.AGREE
        )
    township = application.opinions.get(township_id="620725101")
    zhen = people.user("zhen", role=Role.TOWNSHIP, at="620725101")
    other_zhen = people.user("zhen2", role=Role.TOWNSHIP, at="620725102")
    with pytest.raises(NotAllowed):
        admissions.opinion_record(
            actor=other_zhen, opinion_id=township.pk, opinion=Opinion.AGREE
        )
    admissions.opinion_record(actor=zhen, opinion_id=township.pk, opinion=Opinion.AGREE)


def test_approval_needs_the_departments_guide_content_REQ_028(
    county_list, renshe, officer
):
    application = reviewed(submit(renshe, county_list, sample_form=""), officer)
    with pytest.raises(InvalidInput) as exc:
        approve(application, officer)
    assert [p["code"] for p in exc.value.detail] == ["guide_content_missing"]
    admissions.application_supply_guide(
        actor=renshe, application_id=application.pk, **GUIDE
    )
    approve(application, officer)


def test_approval_needs_rights_matching_the_responsibility_REQ_030(
    county_list, renshe, officer
):
    application = reviewed(submit(renshe, county_list, rights_matching=""), officer)
    with pytest.raises(InvalidInput) as exc:
        approve(application, officer)
    assert [p["code"] for p in exc.value.detail] == ["rights_matching_missing"]


def test_a_policy_only_basis_is_accepted_but_cannot_be_approved_DIV_07(
    county_list, renshe, officer
):
    policy_basis = {"type": BasisType.POLICY, "citation": "县政府文件（测试）"}
    application = reviewed(submit(renshe, county_list, bases=[policy_basis]), officer)
    with pytest.raises(InvalidInput) as exc:
        approve(application, officer)
    assert "policy_basis_only" in [p["code"] for p in exc.value.detail]


def test_an_item_on_the_negative_list_cannot_apply_REQ_010(county_list, renshe, batch1):
    negative = selectors.latest_published(batch1).entries.first().item
    with pytest.raises(Conflict) as exc:
        submit(renshe, county_list, item_key=negative.key)
    assert exc.value.code == "on_negative_list"


def test_approved_admission_becomes_the_next_version_and_is_published_REQ_024(
    county_list, renshe, officer
):
    application = approve(reviewed(submit(renshe, county_list), officer), officer)
    assert application.status == ApplicationStatus.APPROVED
    version = application.resulting_version
    assert version.status == VersionStatus.DRAFT
    assert version.entries.filter(item__key="residence-for-unemployment").exists()
    item = Item.objects.get(key="residence-for-unemployment")
    assert item.bases.get().citation == LAW["citation"]
    guide = Guide.objects.get(item=item)
    assert guide.status == GuideStatus.DRAFT
    assert guide.sample_form == GUIDE["sample_form"]  # DIV-14: the department's own
    # The owner completes and publishes the guide (REQ-075), approves and publishes.
    guide.certificate_format, guide.purpose = "式样", "失业登记"
    guide.save()
    from yinzheng.catalogue.services import guides

    guides.guide_publish(actor=officer, item_key=item.key)
    services.version_approve(
        actor=officer,
        version_id=version.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕1号",
    )
    services.version_publish(
        actor=officer, version_id=version.pk, valid_from=clock.today()
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLISHED
    assert application in selectors.decisions_public()


def test_rejection_needs_reasons_and_writes_nothing_to_the_list(
    county_list, renshe, officer
):
    application = reviewed(submit(renshe, county_list), officer)
    with pytest.raises(InvalidInput) as exc:
        admissions.application_decide(
            actor=officer,
            application_id=application.pk,
            approve=False,
            meeting_date=clock.today(),
            meeting_reference="纪要",
            reasons=" ",
        )
    assert exc.value.code == "reasons_required"
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=False,
        meeting_date=clock.today(),
        meeting_reference="纪要",
        reasons="可通过信息共享核查，无需证明",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.resulting_version is None
    assert not Item.objects.filter(key="residence-for-unemployment").exists()


def test_a_meeting_in_the_future_is_refused(county_list, renshe, officer):
    application = reviewed(submit(renshe, county_list), officer)
    with pytest.raises(InvalidInput) as exc:
        approve(application, officer, meeting_date=clock.today() + dt.timedelta(1))
    assert exc.value.code == "meeting_date_invalid"


def test_only_civil_affairs_decides(county_list, renshe, officer):
    application = reviewed(submit(renshe, county_list), officer)
    with pytest.raises(NotAllowed):
        approve(application, renshe)


def test_approved_exit_removes_the_item_and_withdraws_its_guide_REQ_025(
    tree, renshe, officer
):
    leaving, staying = factories.item(), factories.item()
    current = factories.published(COUNTY, ListKind.POSITIVE, [leaving, staying])
    application = submit(
        renshe,
        current,
        kind=ApplicationKind.EXIT,
        item_key=leaving.key,
        exit_ground=ExitGround.NO_BASIS,
        reason="设定依据已不存在",
    )
    approve(reviewed(application, officer), officer)
    application.refresh_from_db()
    version = application.resulting_version
    assert list(version.entries.values_list("item__key", flat=True)) == [staying.key]
    services.version_approve(
        actor=officer,
        version_id=version.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕2号",
    )
    services.version_publish(
        actor=officer, version_id=version.pk, valid_from=clock.today()
    )
    assert Guide.objects.get(item=leaving).status == GuideStatus.WITHDRAWN
    assert Guide.objects.get(item=staying).status == GuideStatus.PUBLISHED


def test_exit_of_an_item_another_list_still_names_keeps_its_guide_REQ_025(
    tree, renshe, officer
):
    shared = factories.item()
    current = factories.published(COUNTY, ListKind.POSITIVE, [shared])
    factories.published("440804", ListKind.POSITIVE, [shared])
    application = submit(
        renshe,
        current,
        kind=ApplicationKind.EXIT,
        item_key=shared.key,
        exit_ground=ExitGround.DATA_SHARING,
        reason="可共享核查",
    )
    approve(reviewed(application, officer), officer)
    application.refresh_from_db()
    version = application.resulting_version
    services.version_approve(
        actor=officer,
        version_id=version.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕2号",
    )
    services.version_publish(
        actor=officer, version_id=version.pk, valid_from=clock.today()
    )
    assert Guide.objects.get(item=shared).status == GuideStatus.PUBLISHED


def test_an_outdated_item_with_a_legal_basis_waits_for_the_law_REQ_027(
    tree, renshe, officer
):
    old = factories.item()
    current = factories.published(COUNTY, ListKind.POSITIVE, [old])
    with pytest.raises(InvalidInput) as exc:
        submit(
            renshe,
            current,
            kind=ApplicationKind.EXIT,
            item_key=old.key,
            exit_ground=ExitGround.UNVERIFIABLE,
        )
    assert exc.value.code == "law_amendment_required"
    application = submit(
        renshe,
        current,
        kind=ApplicationKind.EXIT,
        item_key=old.key,
        exit_ground=ExitGround.UNVERIFIABLE,
        law_amendment="建议修改《示例条例》第五条，改由部门核查",
    )
    approve(reviewed(application, officer), officer)
    application.refresh_from_db()
    assert application.resulting_version is None
    assert old in selectors.items_to_be_discontinued(current.catalogue_list)
    with pytest.raises(InvalidInput):
        admissions.application_law_amendment(
            actor=officer,
            application_id=application.pk,
            status=LawAmendmentStatus.PROPOSED,
            note="x",
        )
    admissions.application_law_amendment(
        actor=officer,
        application_id=application.pk,
        status=LawAmendmentStatus.ADOPTED,
        note="《示例条例》修正案已施行",
    )
    application.refresh_from_db()
    assert not application.resulting_version.entries.filter(item=old).exists()


def test_an_admitted_item_may_return_to_a_list_it_left_REQ_019(tree, renshe, officer):
    a, b = factories.item(), factories.item()
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [a, b])
    lst = v1.catalogue_list
    v2 = factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [a],
        valid_from=dt.date(2025, 1, 1),
        catalogue_list=lst,
    )
    application = submit(renshe, v2, item_key=b.key, item_name=b.name)
    approve(reviewed(application, officer), officer)
    application.refresh_from_db()
    version = application.resulting_version
    services.version_approve(
        actor=officer,
        version_id=version.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕5号",
    )
    services.version_publish(
        actor=officer, version_id=version.pk, valid_from=clock.today()
    )
    assert b.key in selectors.effective_catalogue("620725101001", clock.today())


def test_a_decision_goes_into_an_open_draft_but_not_an_approved_one(
    county_list, renshe, officer
):
    draft = services.version_draft(
        actor=officer, list_id=county_list.catalogue_list_id, reason="年度调整"
    )
    application = approve(reviewed(submit(renshe, county_list), officer), officer)
    assert application.resulting_version == draft
    other = reviewed(
        submit(renshe, county_list, item_key="second-item", item_name="第二项证明"),
        officer,
    )
    services.version_approve(
        actor=officer,
        version_id=draft.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕9号",
    )
    with pytest.raises(Conflict) as exc:
        approve(other, officer)
    assert exc.value.code == "approved_version_pending"
    other.refresh_from_db()
    assert other.status == ApplicationStatus.IN_REVIEW  # nothing half-written


def test_withdrawal_by_the_applicant_before_the_decision(county_list, renshe, officer):
    application = submit(renshe, county_list)
    admissions.application_withdraw(
        actor=renshe, application_id=application.pk, reason="政策调整，不再需要"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(Conflict):
        admissions.application_open_review(actor=officer, application_id=application.pk)
