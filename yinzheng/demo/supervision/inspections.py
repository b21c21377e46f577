"""The demo's inspections, rectification list and township checks (REQ-092–097), in
山丹县 by the county inspector, plus a field study in 肃南县."""

import datetime as dt
from typing import Any

from yinzheng.core.codes import Level, subtree_q
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Entry
from yinzheng.seals.models import UsageRequest
from yinzheng.supervision import services
from yinzheng.supervision.choices import FindingKind, InspectionMode

from .common import (
    BEITAN,
    CHANGCHENG,
    DRAW_SEED,
    INSPECTOR,
    SHANDAN,
    SUNAN,
    TOWNSHIP,
    Step,
    user,
    working_days_before,
)


def inspection_steps(today: dt.date) -> list[Step]:
    """A random check whose item relapses at its follow-up (round 2, REQ-097); a
    special inspection of a logged draw (REQ-095) with one item past its deadline
    (REQ-096) and one closed with its follow-up booked; a field study (REQ-094)."""
    held: dict[str, Any] = {}

    def random_check(day: dt.date) -> None:
        held["random"] = services.inspection_create(
            actor=user(INSPECTOR),
            county_code=SHANDAN,
            title="（示例）第三季度村（居）用印管理随机检查",
            mode=InspectionMode.RANDOM,
            started_on=day,
            inspectors="（示例）山丹县督查 卫督查、山丹县民政局 王民政",
            committee_codes=[BEITAN, CHANGCHENG],
        )
        finding = services.finding_record(
            actor=user(INSPECTOR),
            committee_code=BEITAN,
            kind=FindingKind.OTHER,
            description="（示例）出具证明事项登记簿多条未登记需要单位和联系电话。",
            inspection_id=held["random"].pk,
        )
        held["relapse"] = services.finding_to_item(
            actor=user(INSPECTOR),
            finding_id=finding.pk,
            responsible_unit="北滩村村民委员会",
            deadline=day + dt.timedelta(days=15),
        )

    def evidence(day: dt.date) -> None:  # the committee reports what it did
        services.item_evidence(
            actor=user("jingban2"),
            item_id=held["relapse"].pk,
            evidence="（示例）已逐条补登，经办人已学习登记要求。",
        )

    def close(day: dt.date) -> None:
        services.item_close(
            actor=user(INSPECTOR),
            item_id=held["relapse"].pk,
            follow_up_on=working_days_before(today, 10),
        )

    def follow_up(day: dt.date) -> None:
        services.item_follow_up(
            actor=user(INSPECTOR),
            item_id=held["relapse"].pk,
            relapse=True,
            note="（示例）回头看发现，本月又有 3 条登记未填联系电话，问题反弹。",
            deadline=day + dt.timedelta(days=30),
        )

    def draw(day: dt.date) -> None:
        held["draw"] = services.draw_create(
            actor=user(INSPECTOR), county_code=SHANDAN, seed=DRAW_SEED
        )
        held["special"] = services.inspection_create(
            actor=user(INSPECTOR),
            county_code=SHANDAN,
            title="（示例）证明事项清单制度落实情况专项督查",
            mode=InspectionMode.SPECIAL,
            started_on=day,
            inspectors="（示例）县民政局、县委组织部、县司法局联合督查组",
            draw_id=held["draw"].pk,
            note="（示例）每个镇抽取 2 个村（社区）。",
        )

    def special_findings(day: dt.date) -> None:
        drawn = sorted(held["draw"].committees.values_list("code", flat=True))
        late = services.finding_record(
            actor=user(INSPECTOR),
            committee_code=drawn[0],
            kind=FindingKind.OTHER,
            description="（示例）证明事项清单未在村（居）务公开栏公示。",
            inspection_id=held["special"].pk,
        )
        services.finding_to_item(
            actor=user(INSPECTOR),
            finding_id=late.pk,
            responsible_unit=Division.objects.get(code=drawn[0]).name,
            deadline=day + dt.timedelta(days=10),
        )
        demand = services.finding_record(
            actor=user(INSPECTOR),
            committee_code=drawn[-1],
            kind=FindingKind.UNREASONABLE_DEMAND,
            description="（示例）镇卫生院要求村委会出具疾病状况证明，村委会已出具 2 份。",
            inspection_id=held["special"].pk,
        )
        township = Division.objects.get(code=drawn[-1][:9])
        held["clean"] = services.finding_to_item(  # the township answers for it
            actor=user(INSPECTOR),
            finding_id=demand.pk,
            responsible_unit=township.name,
            responsible_code=township.code,
            deadline=day + dt.timedelta(days=20),
        )

    def special_closed(day: dt.date) -> None:
        services.item_close(
            actor=user(INSPECTOR),
            item_id=held["clean"].pk,
            evidence="（示例）镇卫生院已改为通过信息共享核查，村委会停止出具。",
            follow_up_on=day + dt.timedelta(days=60),
        )

    def field_study(day: dt.date) -> None:
        committees = (
            Division.objects.filter(subtree_q(SUNAN), level=Level.COMMITTEE)
            .order_by("code")
            .values_list("code", flat=True)[:2]
        )
        services.inspection_create(
            actor=user("minzheng_sunan"),
            county_code=SUNAN,
            title="（示例）牧区村证明事项办理情况实地调研",
            mode=InspectionMode.FIELD_RESEARCH,
            started_on=day,
            inspectors="（示例）肃南县民政局 冯民政",
            committee_codes=list(committees),
        )

    return [
        Step(45, 10, random_check),
        Step(40, 10, evidence),
        Step(38, 10, close),
        Step(10, 10, follow_up),
        Step(20, 10, draw),
        Step(18, 15, special_findings),
        Step(6, 10, field_study),
        Step(5, 11, special_closed),
    ]


def check_steps() -> list[Step]:
    """REQ-093: 清泉镇's checks, one acknowledged by 长城社区, one 北滩村 has not read."""
    held: dict[str, Any] = {}

    def check(day: dt.date) -> None:
        held["check"] = services.check_record(
            actor=user(TOWNSHIP),
            committee_code=CHANGCHENG,
            checked_on=day,
            findings="（示例）查阅工作用印和出具证明事项登记簿，登记完整，"
            "个别证明登记未经居民签字确认。",
            feedback="（示例）请于每次出具证明时当场请居民签字确认。",
        )

    def acknowledge(day: dt.date) -> None:
        services.check_acknowledge(actor=user("jingban"), check_id=held["check"].pk)

    def unread(day: dt.date) -> None:
        services.check_record(
            actor=user(TOWNSHIP),
            committee_code=BEITAN,
            checked_on=day,
            findings="（示例）印章保管柜未上锁，用印申请单未按月装订。",
            feedback="（示例）请立即整改，印章随用随锁，申请单按月装订归档。",
        )

    return [Step(8, 10, check), Step(7, 9, acknowledge), Step(2, 15, unread)]


def seal_use_finding(today: dt.date) -> None:
    """REQ-092, today: an unannounced visit finds a sealing of 长城社区 (the seals demo's)
    out of order; the finding names its register entry and brings the circulated
    criticism and the rectification item with it."""
    inspector = user(INSPECTOR)
    usage = UsageRequest.objects.filter(
        committee_id=CHANGCHENG, content="（示例）关于召开长城社区居民代表会议的通知"
    ).first()
    entries = Entry.objects.none()
    if usage is not None:
        entries = Entry.objects.filter(
            event="register.entry", subject=f"seals.usagerequest:{usage.pk}"
        )
    visit = services.inspection_create(
        actor=inspector,
        county_code=SHANDAN,
        title="（示例）清泉镇村（居）用印情况明察暗访",
        mode=InspectionMode.UNANNOUNCED,
        started_on=today,
        inspectors="（示例）山丹县督查 卫督查",
        committee_codes=[CHANGCHENG],
    )
    services.finding_record(
        actor=inspector,
        committee_code=CHANGCHENG,
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="（示例）《关于召开长城社区居民代表会议的通知》用印 40 份，"
        "留存备查的只有 1 份，未附发放名单，用印份数无从核对。",
        inspection_id=visit.pk,
        entry_ids=[e.pk for e in entries],
        usage_ids=[usage.pk] if usage else [],
        deadline=today + dt.timedelta(days=15),
        criticism_text="（示例）长城社区居民委员会用印登记与留存不符，予以通报批评，"
        "限期整改。",
    )
