"""REQ-120, community work admission (社区工作准入): work a department pushes down to the
committees reaches the published assistance list (协助政府工作事项清单, REQ-017) only
through an admission review with a recorded decision, like a certificate item."""

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    ListKind,
    VersionStatus,
)
from yinzheng.catalogue.services import admissions
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput
from yinzheng.core.tests import factories as people

from . import factories
from .test_admissions import COUNTY, approve, reviewed

POLICY = {
    "type": BasisType.POLICY,
    "citation": "《示例县社区工作准入制度》第三条（测试）",
}


@pytest.fixture
def renshe(tree):
    return people.user(
        "renshe", role=Role.DEPARTMENT, at=COUNTY, department=Department.HUMAN_RESOURCES
    )


@pytest.fixture
def assistance(tree):
    task = factories.item("协助开展人口普查（测试）", basis=None, guide=False)
    return factories.published(COUNTY, ListKind.ASSISTANCE, [task])


def _task_application(actor, assistance, **over):
    values = {
        "list_id": assistance.catalogue_list_id,
        "kind": ApplicationKind.ADMISSION,
        "department": Department.HUMAN_RESOURCES,
        "applicant_unit": "县人力资源和社会保障局",
        "reason": "请村（居）委会协助开展就业失业登记摸底",
        "item_key": "assist-employment-survey",
        "item_name": "协助开展就业失业登记摸底",
        "bases": [POLICY],
        "rights_matching": "按户拨付工作经费，提供摸底表格和培训",
        **over,
    }
    return admissions.application_submit(actor=actor, **values)


def test_req_120_a_new_task_cannot_go_straight_onto_a_published_assistance_list(
    assistance,
):
    new = factories.item("临时摊派的工作（测试）", basis=None, guide=False)
    draft = services.version_draft(
        actor=SYSTEM, list_id=assistance.catalogue_list_id, reason="测试"
    )
    with pytest.raises(Conflict) as refused:
        services.version_add_item(actor=SYSTEM, version_id=draft.pk, item_key=new.key)
    assert refused.value.code == "admission_required"
    assert "社区工作准入" in str(refused.value.message)


def test_req_120_an_admitted_task_reaches_the_published_assistance_list(
    assistance, renshe, officer
):
    application = approve(
        reviewed(_task_application(renshe, assistance), officer), officer
    )
    assert application.status == ApplicationStatus.APPROVED
    version = application.resulting_version
    assert version.status == VersionStatus.DRAFT
    services.version_approve(
        actor=officer,
        version_id=version.pk,
        approval_body="县人民政府",
        approval_date=clock.today(),
        approval_reference="县政函〔2026〕9号",
    )
    services.version_publish(
        actor=officer, version_id=version.pk, valid_from=clock.today()
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.entries.filter(item__key="assist-employment-survey").exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLISHED


def test_req_120_community_work_needs_its_basis_and_the_rights_and_funds_with_it(
    assistance, renshe, officer
):
    with pytest.raises(InvalidInput) as refused:
        _task_application(renshe, assistance, bases=[])
    assert "社区工作准入" in str(refused.value.message)
    application = reviewed(
        _task_application(renshe, assistance, rights_matching=""), officer
    )
    with pytest.raises(InvalidInput):
        approve(application, officer)
