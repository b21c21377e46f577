"""Demo admission, exit and filing applications in 山丹县 (REQ-021–030), sample data.

On the county's sample positive list, through catalogue.services.admissions and acting as the
demo accounts of core.demo:

- an admission in joint review, entered by civil affairs from a paper form of the county
  HR department; most opinions are in, but the public-security department (demo account
  gongan) and 清泉镇 (xiangzhen) have not answered, so their home pages show the work;
- an admission of the public-security department, rejected at a meeting with reasons;
- a filing (报备) of the justice department, acknowledged;
- an admission of the civil-affairs department, approved at a meeting: it brings
  监护人指定情况证明 into the open draft of version 2 (REQ-021: no other way in).

Every text says it is sample data (（示例）, 演示数据); the bases cite no real law
(catalogue.demo.SAMPLE_CITATION). Each application is found again by its reason, so
running the demo twice adds nothing.
"""

import datetime as dt
from typing import Any

from yinzheng.accounts.choices import Department
from yinzheng.accounts.models import User
from yinzheng.catalogue.choices import (
    ApplicationKind,
    BasisType,
    Complexity,
    ListKind,
    Opinion,
)
from yinzheng.catalogue.models import Application, CatalogueList, Item
from yinzheng.catalogue.services import admissions

COUNTY = "620725"
OFFICER = "minzheng"
POLICE = "gongan"
WAITING_TOWNSHIP = "620725101"  # 清泉镇: the demo township account's opinion waits
MEETING_DATE = dt.date(2024, 6, 28)
MEETING_REFERENCE = "（示例）山丹县民政局联席会议纪要，演示数据，无真实文号"
DEMO = "演示数据"

IN_REVIEW_REASON = (
    "（示例）办理城乡居民养老保险待遇领取资格认证，需要核实领取人实际居住情况。" + DEMO
)
REJECTED_REASON = "（示例）办理有关业务时需要核实申请人临时居住情况。" + DEMO
FILING_REASON = (
    "（示例）报备：人民调解工作中由村（居）委会出具调解情况证明的做法。" + DEMO
)


def _user(username: str) -> Any:
    return User.objects.filter(username=username).first()


def _bases() -> list[dict[str, str]]:
    from yinzheng.demo.catalogue import SAMPLE_CITATION

    return [{"type": BasisType.LAW, "citation": SAMPLE_CITATION}]


def _guide_content(name: str) -> dict[str, Any]:
    return {
        "work_requirements": f"（示例）经办人当面核实{name}所涉事实，如实记录。{DEMO}",
        "procedure": f"（示例）申请—核实—主任签批—盖章出具。{DEMO}",
        "materials": f"（示例）申请人居民身份证、户口簿。{DEMO}",
        "sample_form": f"（示例）{name}申请表：申请人、事由、用途、签字、日期。{DEMO}",
    }


def _record_on_paper(
    officer: Any, application: Application, skip: set[str], opinion: str, comments: str
) -> None:
    """Civil affairs enters the opinions received on paper, all but `skip`."""
    for row in application.opinions.all():
        if row.opinion or (row.township_id or row.department) in skip:
            continue
        admissions.opinion_record(
            actor=officer, opinion_id=row.pk, opinion=opinion, comments=comments
        )


def _in_review(officer: Any, catalogue_list: CatalogueList) -> None:
    name = "养老保险待遇领取居住情况证明（示例）"
    application = admissions.application_submit(
        actor=officer,
        list_id=catalogue_list.pk,
        kind=ApplicationKind.ADMISSION,
        department=Department.HUMAN_RESOURCES,
        applicant_unit="山丹县人力资源和社会保障局（示例）",
        contact="（示例）人社局经办科室",
        reason=IN_REVIEW_REASON,
        item_key="sample_pension_residence",
        item_name=name,
        item_aliases=["养老资格认证居住证明（示例）"],
        bases=_bases(),
        within_committee_duties=True,
        complexity=Complexity.COMPLEX,
        time_limit_days=3,
        rights_matching=f"（示例）可查阅网格员走访记录，可请乡镇（街道）协助核实。{DEMO}",
        **_guide_content(name),
    )
    admissions.application_open_review(actor=officer, application_id=application.pk)
    _record_on_paper(
        officer,
        application,
        {Department.PUBLIC_SECURITY, WAITING_TOWNSHIP},
        Opinion.AGREE,
        f"（示例）同意。{DEMO}",
    )


def _rejected(officer: Any, police: Any, catalogue_list: CatalogueList) -> None:
    application = admissions.application_submit(
        actor=police or officer,
        list_id=catalogue_list.pk,
        kind=ApplicationKind.ADMISSION,
        department=Department.PUBLIC_SECURITY,
        applicant_unit="山丹县公安局（示例）",
        reason=REJECTED_REASON,
        item_key="sample_temporary_residence",
        item_name="临时居住情况证明（示例）",
        bases=_bases(),
        within_committee_duties=True,
        rights_matching=f"（示例）可调阅流动人口登记信息。{DEMO}",
        **_guide_content("临时居住情况证明（示例）"),
    )
    admissions.application_open_review(actor=officer, application_id=application.pk)
    _record_on_paper(
        officer,
        application,
        set(),
        Opinion.DISAGREE,
        f"（示例）可通过信息共享核查，无需村（居）委会出具证明。{DEMO}",
    )
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=False,
        meeting_date=MEETING_DATE,
        meeting_reference=MEETING_REFERENCE,
        reasons=f"（示例）有关部门可通过信息共享核查临时居住情况，不列入清单。{DEMO}",
    )


def _filing(officer: Any, catalogue_list: CatalogueList) -> None:
    application = admissions.application_submit(
        actor=officer,
        list_id=catalogue_list.pk,
        kind=ApplicationKind.FILING,
        department=Department.JUSTICE,
        applicant_unit="山丹县司法局（示例）",
        reason=FILING_REASON,
        item_key="sample_dispute_mediation",
    )
    admissions.application_file(
        actor=officer,
        application_id=application.pk,
        note=f"（示例）已备案，无需调整清单。{DEMO}",
    )


def ensure_demo_applications() -> list[Application]:
    """The three sample applications of 山丹县; needs its demo list and accounts."""
    officer = _user(OFFICER)
    catalogue_list = CatalogueList.objects.filter(
        owner_id=COUNTY, kind=ListKind.POSITIVE, sample=True
    ).first()
    if officer is None or catalogue_list is None:
        return []
    from yinzheng.demo.catalogue import LISTS

    draft_adds = next(s.draft_adds for s in LISTS if s.county == COUNTY)
    steps = [
        *(
            (
                ADMITTED_REASON,
                lambda key=key: admit_into_draft(officer, catalogue_list, key),
            )
            for key in draft_adds
        ),
        (IN_REVIEW_REASON, lambda: _in_review(officer, catalogue_list)),
        (REJECTED_REASON, lambda: _rejected(officer, _user(POLICE), catalogue_list)),
        (FILING_REASON, lambda: _filing(officer, catalogue_list)),
    ]
    for reason, make in steps:
        if not catalogue_list.applications.filter(reason=reason).exists():
            make()
    return list(catalogue_list.applications.filter(reason__in=[r for r, _m in steps]))


ADMITTED_REASON = (
    "（示例）办理监护有关事务时需要核实村（居）民会议指定监护人的情况。" + DEMO
)


def admit_into_draft(
    officer: Any, catalogue_list: CatalogueList, item_key: str
) -> None:
    """An admission of `item_key` entered from a paper form, reviewed and approved; the
    approval writes the item into the list's open draft (REQ-021, REQ-024)."""
    if catalogue_list.applications.filter(reason=ADMITTED_REASON).exists():
        return
    item = Item.objects.get(key=item_key)
    application = admissions.application_submit(
        actor=officer,
        list_id=catalogue_list.pk,
        kind=ApplicationKind.ADMISSION,
        department=Department.CIVIL_AFFAIRS,
        applicant_unit="山丹县民政局社会事务股（示例）",
        reason=ADMITTED_REASON,
        item_key=item.key,
        bases=_bases(),
        within_committee_duties=True,
        rights_matching=f"（示例）可查阅村（居）民会议记录。{DEMO}",
        **_guide_content(item.name),
    )
    admissions.application_open_review(actor=officer, application_id=application.pk)
    _record_on_paper(
        officer, application, set(), Opinion.AGREE, f"（示例）同意。{DEMO}"
    )
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=True,
        meeting_date=MEETING_DATE,
        meeting_reference=MEETING_REFERENCE,
        reasons=f"（示例）有法律依据，属于村（居）委会职责范围。{DEMO}",
    )
