"""The demo's hotlines and its reports of unreasonable demands (REQ-087–091, DIV-08,
DIV-09), each case taken through its steps by the county's officer on its own days."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yinzheng.accounts.models import User
from yinzheng.supervision import services
from yinzheng.supervision.choices import (
    Channel,
    ReporterType,
    ResponseStatus,
    UnitKind,
)
from yinzheng.supervision.models import Case

from .common import BEITAN, CHANGCHENG, INSPECTOR, POTOU, SHANDAN, SUNAN, Step, user

HOTLINES = {
    # DIV-09: seed 001 gives Sunan's number; the demo publishes it as sample data. The
    # other two counties publish their city's 12345 service line.
    SUNAN: ("minzheng_sunan", "0936-6121532"),
    SHANDAN: ("minzheng", "0936-12345"),
    POTOU: ("minzheng_potou", "0759-12345"),
}
HOTLINE_HOURS = "（示例）工作日 8:30—12:00、14:30—18:00"


def setting_steps() -> list[Step]:
    """REQ-087: each county's hotline, set before its first report arrives."""

    def update(county: str, username: str, hotline: str) -> Step:
        values = {"hotline": hotline, "hotline_hours": HOTLINE_HOURS}
        return Step(
            60,
            9,
            lambda day: services.settings_update(
                actor=user(username), county_code=county, values=values
            ),
        )

    return [update(c, name, number) for c, (name, number) in HOTLINES.items()]


@dataclass(frozen=True)
class CaseStory:
    county: str
    officer: str  # the civil-affairs officer or the inspector who handles it
    channel: str  # ONLINE: the public form (no login), else entered by the officer
    reporter: str
    unit: str
    unit_kind: str
    item_key: str
    account: str
    timeline: str  # "working days ago step, …", in order
    committee: str | None = None
    recipient: str = ""  # who the feedback goes to (REQ-091)
    authority: str = ""  # the superior department that corrects (REQ-089)


S = CaseStory
CASES = (
    S(
        SHANDAN,
        "minzheng",
        Channel.HOTLINE,
        ReporterType.RESIDENT,
        "（示例）某县供水公司营业厅",
        UnitKind.UTILITY,
        "death_certificate",
        "（示例）父亲去世后办理供水户名变更，营业厅要求到村委会开具死亡证明。",
        "45 register, 43 verify, 40 notice, 38 feedback, 30 in_progress, 25 done, "
        "20 correct, 18 close",
        committee=BEITAN,
        recipient="（示例）某县供水公司",
        authority="（示例）山丹县住房和城乡建设局",
    ),
    S(
        SUNAN,
        "minzheng_sunan",
        Channel.PETITION,
        ReporterType.COMMUNITY_WORKER,
        "（示例）某县直部门政务服务窗口",
        UnitKind.DEPARTMENT,
        "no_criminal_record_certificate",
        "（示例）社区工作者来信反映：办理从业资格审核时，窗口要求居民到社区开具"
        "无犯罪记录证明。",
        "40 register, 38 verify, 30 notice, 28 feedback, 15 done, 2 correct",
        recipient="（示例）某县直部门",
        authority="（示例）肃南县人民政府办公室",
    ),
    S(
        POTOU,
        "minzheng_potou",
        Channel.ONLINE_INQUIRY,
        ReporterType.RESIDENT,
        "（示例）某商业银行坡头支行",
        UnitKind.SERVICE_AGENCY,
        "kinship_certificate",
        "（示例）网络问政留言：办理存款继承时，银行要求居委会开具亲属关系证明。",
        "30 register, 28 verify, 25 exposure, 22 feedback, 8 in_progress",
        recipient="（示例）某商业银行坡头支行",
    ),
    S(  # overdue: the response was due ten working days ago
        SHANDAN,
        INSPECTOR,
        Channel.ONLINE,
        ReporterType.RESIDENT,
        "（示例）某保险公司山丹营销服务部",
        UnitKind.SERVICE_AGENCY,
        "illness_status_certificate",
        "（示例）理赔时保险公司要求到社区开具疾病状况证明，否则不予受理。",
        "38 register, 36 verify, 33 notice, 30 feedback",
        committee=CHANGCHENG,
        recipient="（示例）某保险公司山丹营销服务部",
    ),
    S(
        SUNAN,
        "minzheng_sunan",
        Channel.HOTLINE,
        ReporterType.OTHER,
        "（示例）某燃气公司营业厅",
        UnitKind.UTILITY,
        "property_certificate",
        "（示例）监督电话反映：燃气开户要求居民到村委会开具财产证明。",
        "20 register, 18 verify, 3 exposure",
    ),
    S(
        POTOU,
        "minzheng_potou",
        Channel.PETITION,
        ReporterType.COMMUNITY_WORKER,
        "（示例）某区直部门",
        UnitKind.DEPARTMENT,
        "employment_status_certificate",
        "（示例）来访反映：办理补贴申请时要求居委会出具就业状况证明。",
        "15 register, 12 verify, 1 notice",
    ),
    S(
        SHANDAN,
        "minzheng",
        Channel.ONLINE_INQUIRY,
        ReporterType.RESIDENT,
        "（示例）某县直部门",
        UnitKind.DEPARTMENT,
        "marital_status_certificate",
        "（示例）网络问政留言：办理业务时被要求到社区开具婚姻状况证明。",
        "8 register, 4 verify",
        committee=CHANGCHENG,
    ),
    S(
        SHANDAN,
        INSPECTOR,
        Channel.ONLINE,
        ReporterType.OTHER,
        "（示例）某职业培训学校",
        UnitKind.OTHER,
        "sample_actual_residence",
        "（示例）报名补贴性培训时，学校要求提供社区出具的实际居住情况证明。",
        "10 register, 7 unfounded",
        committee=CHANGCHENG,
    ),
    S(  # overdue: nobody has verified it
        SHANDAN,
        "minzheng",
        Channel.HOTLINE,
        ReporterType.COMMUNITY_WORKER,
        "（示例）某供电所",
        UnitKind.UTILITY,
        "business_premises_certificate",
        "（示例）监督电话反映：个体户办理经营用电，供电所要求村委会开具住所证明。",
        "12 register",
        committee=BEITAN,
    ),
)

# The steps after registration: (case, story, officer, day).
Action = Callable[[Case, CaseStory, User, dt.date], object]


def _what(case: Case) -> str:
    return f"“{case.item_text}”"


def _verify(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_verify(
        case_id=case.pk,
        actor=actor,
        founded=True,
        note=f"（示例）经电话和实地核实，{story.unit}确曾要求出具{_what(case)}，"
        "该事项没有法律法规依据。",
    )


def _unfounded(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_verify(
        case_id=case.pk,
        actor=actor,
        founded=False,
        note=f"（示例）经核实，{_what(case)}在本县证明事项清单内，要求有依据，"
        "不属于不合理要求。",
    )


def _notice(
    case: Case, story: CaseStory, actor: User, day: dt.date, **exposure: Any
) -> object:
    return services.case_notify(
        case_id=case.pk,
        actor=actor,
        notice_on=day,
        notice_no=f"（示例）监督通报〔{day.year}〕{day.month}号",
        notice_text=f"（示例）关于{story.unit}要求出具{_what(case)}的通报。",
        **exposure,
    )


def _exposure(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    """REQ-090: the notice and, decided with it, the exposure's platform, date and
    reason."""
    return _notice(
        case,
        story,
        actor,
        day,
        exposed_on=day,
        exposure_platform="（示例）县融媒体中心微信公众号",
        exposure_reason="（示例）同类要求在多个网点反复出现，确有必要公开曝光。",
    )


def _feedback(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_feedback(
        case_id=case.pk,
        actor=actor,
        recipient=story.recipient,
        sent_on=day,
        text=f"（示例）请停止要求居民开具{_what(case)}，改为部门核验，"
        "并于二十个工作日内书面答复整改情况。",
    )


def _in_progress(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_response(
        case_id=case.pk,
        actor=actor,
        status=ResponseStatus.IN_PROGRESS,
        text="（示例）已通知各网点停止索要，正在修改办事指南。",
        on=day,
    )


def _done(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_response(
        case_id=case.pk,
        actor=actor,
        status=ResponseStatus.DONE,
        text="（示例）已修改办事指南，删除该证明材料，改为告知承诺。",
        on=day,
    )


def _correct(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_correct(
        case_id=case.pk,
        actor=actor,
        authority=story.authority,
        text="（示例）上级主管部门已责令在本系统内全面清理同类证明要求。",
        on=day,
    )


def _close(case: Case, story: CaseStory, actor: User, day: dt.date) -> object:
    return services.case_close(
        case_id=case.pk, actor=actor, note="（示例）整改到位，予以办结。"
    )


ACTIONS: dict[str, Action] = {
    "verify": _verify,
    "unfounded": _unfounded,
    "notice": _notice,
    "exposure": _exposure,
    "feedback": _feedback,
    "in_progress": _in_progress,
    "done": _done,
    "correct": _correct,
    "close": _close,
}


def _register(story: CaseStory, day: dt.date) -> Case:
    values: dict[str, Any] = {
        "county_code": story.county,
        "committee_code": story.committee,
        "reporter_type": story.reporter,
        "demanding_unit": story.unit,
        "unit_kind": story.unit_kind,
        "item_key": story.item_key,
        "item_text": "",
        "account": story.account,
        "demanded_on": day - dt.timedelta(days=3),
    }
    if story.channel == Channel.ONLINE:  # REQ-087: the public form, no account
        return services.case_report_public(**values)
    return services.case_register(
        actor=user(story.officer), channel=story.channel, **values
    )


def case_steps(story: CaseStory) -> list[Step]:
    held: list[Case] = []

    def register(day: dt.date) -> None:
        held.append(_register(story, day))

    def act(action: Action) -> Callable[[dt.date], object]:
        return lambda day: action(held[0], story, user(story.officer), day)

    steps = []
    for hour, part in enumerate(story.timeline.split(","), start=9):
        days, name = part.split()
        run = register if name == "register" else act(ACTIONS[name])
        steps.append(Step(int(days), hour, run))
    return steps
