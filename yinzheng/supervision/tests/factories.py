"""Supervision's people and a case at each step, made through the services."""

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

from yinzheng.accounts.choices import Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as f
from yinzheng.registers.services import books
from yinzheng.supervision import services
from yinzheng.supervision.choices import Channel, ReporterType

_matters = itertools.count(1)
COUNTY = "620725"
TOWNSHIP = "620725101"


def people(tree: dict[str, str]) -> SimpleNamespace:
    """The county's civil-affairs officer and inspector, the city and the province
    (read only, REQ-098), the township, a committee head and clerk, another county."""
    return SimpleNamespace(
        civil=f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY),
        inspector=f.user("ducha", role=Role.INSPECTOR, at=COUNTY),
        city=f.user("shi", role=Role.CIVIL_AFFAIRS, at="6207"),
        province=f.user("sheng", role=Role.CIVIL_AFFAIRS, at="62"),
        township=f.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP),
        head=f.user("zhuren", role=Role.HEAD, at=tree["A1a"]),
        clerk=f.user("jingban", role=Role.CLERK, at=tree["A1a"]),
        other_county=f.user("other", role=Role.CIVIL_AFFAIRS, at="440804"),
    )


def reported(**over: Any):
    fields = {
        "county_code": COUNTY,
        "demanding_unit": "县供电公司营业厅",
        "unit_kind": "utility",
        "item_text": "无犯罪记录证明",
        "account": "办理过户时营业厅要求到村委会开具无犯罪记录证明。",
        "contact_name": "张三",
        "contact_phone": "13912345678",
    }
    fields.update(over)
    return services.case_report_public(**fields)


def registered(actor: Any, **over: Any):
    fields = {
        "actor": actor,
        "county_code": COUNTY,
        "channel": Channel.PETITION,
        "reporter_type": ReporterType.COMMUNITY_WORKER,
        "demanding_unit": "某银行网点",
        "item_text": "亲属关系证明",
        "account": "信访反映：银行要求村委会开具亲属关系证明。",
    }
    fields.update(over)
    return services.case_register(**fields)


def through(case: Any, actor: Any, upto: str, today: dt.date) -> Any:
    """Move `case` step by step up to and including `upto`."""
    steps = [
        "verified",
        "notified",
        "feedback_sent",
        "responded",
        "corrected",
        "closed",
    ]
    done = steps.index(case.status) + 1 if case.status in steps else 0
    for step in steps[done : steps.index(upto) + 1]:
        if step == "verified":
            case = services.case_verify(
                case_id=case.pk, actor=actor, founded=True, note="电话核实属实"
            )
        elif step == "notified":
            case = services.case_notify(
                case_id=case.pk,
                actor=actor,
                notice_on=today,
                notice_no="县民政通〔2026〕3号",
                notice_text="对该单位违规要求开具证明予以通报",
            )
        elif step == "feedback_sent":
            case = services.case_feedback(
                case_id=case.pk,
                actor=actor,
                recipient="县发展和改革局",
                sent_on=today,
                text="请督促整改",
            )
        elif step == "responded":
            case = services.case_response(
                case_id=case.pk,
                actor=actor,
                status="done",
                text="已取消该要求",
                on=today,
            )
        elif step == "corrected":
            case = services.case_correct(
                case_id=case.pk,
                actor=actor,
                authority="县发展和改革局",
                text="已责令营业厅停止要求",
                on=today,
            )
        else:
            case = services.case_close(case_id=case.pk, actor=actor)
    return case


def register_entry(committee: str, register: str = "work", matter: str = ""):
    """A register entry at the clock's time, with every column the book requires,
    for `matter` (by default one no seal-use request claims)."""
    fields: dict[str, Any] = {
        "sealed_at": "x",
        "content": "村务公开材料",
        "copies": 1,
        "approver": "主任",
        "handler": "经办人",
        "reviewer": "审核人",
        "custodian": "管理人",
        "category": "C1",
        "seal": "村委会印章",
        "document_sha256": "0" * 64,
    }
    if register == "certificate":
        fields.update(requiring_unit="某单位", purpose="办事", phone="13900000000")
        fields["content"] = "居住证明"
    return books.register_append(
        actor=SYSTEM,
        committee_code=committee,
        register=register,
        matter=matter or f"matter-{next(_matters)}",
        fields=fields,
    )
