"""Reports of unreasonable certificate demands and their cases (REQ-087–091, DIV-08).

A report arrives from the public page (`case_report_public`, no login, channel
"online"), from staff entering the hotline, a petition or online inquiry
(`case_register`), or from the intake desk (`case_from_demand_report`, REQ-016). Each
becomes a case, handled by the county's civil-affairs officers and inspectors:

    registered → verified (or unfounded, with the reasons)
               → circular notice and/or public exposure (REQ-090: exposure needs
                 the platform, the date and the reason; a notice alone is enough)
               → feedback to the department, utility or agency (REQ-091)
               → its rectification response (updated as it goes)
               → correction recorded by the superior competent department
               → closed (REQ-089: never with a step missing)

Each step sets the working-day deadline of the next (the county's settings); every move
is journaled with its actor and time.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.catalogue.models import Item
from yinzheng.certificates.models import DemandReport
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM, person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.phones import chinese_phone
from yinzheng.core.text import optional_text, required_text
from yinzheng.core.transitions import move_to
from yinzheng.core.workdays import add_working_days
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import CaseStatus, Channel, ReporterType, ResponseStatus, UnitKind
from ..errors import SupervisionCode
from ..models import Case
from ..tracking import new_tracking_no
from .common import division, past_date, settings_for

HANDLE = "supervision.case"
ACCOUNT_MAX = 2000


def _choice(value: str, choices: Any, label: Any) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("%s无效") % label,
            code=CoreCode.INVALID_INPUT,
            detail={"value": value, "allowed": list(choices.values)},
        )
    return value


def _phone(value: str | None) -> str:
    value = (value or "").strip()
    return chinese_phone(value) if value else ""


def _due(county_code: str, status: str) -> dt.date | None:
    if status in (CaseStatus.UNFOUNDED, CaseStatus.CLOSED):
        return None
    days = settings_for(county_code).step_days(status)
    return add_working_days(clock.today(), days)


def _create(
    *,
    actor: Actor,
    county: Division,
    committee: Division | None,
    channel: str,
    reporter_type: str,
    demanding_unit: str,
    unit_kind: str,
    item_key: str | None,
    item_text: str,
    account: str,
    demanded_on: dt.date | None,
    contact_name: str,
    contact_phone: str,
    demand_report: DemandReport | None = None,
) -> Case:
    item = None
    if item_key:
        item = Item.objects.filter(key=item_key).first()
        if item is None:
            raise NotFound(_("证明事项不存在"), code=CoreCode.ITEM_NOT_FOUND)
    if committee is not None and not committee.code.startswith(county.code):
        raise InvalidInput(
            _("该村（居）委会不属于所选县（市、区）"),
            code=CoreCode.COMMITTEE_NOT_FOUND,
        )
    fields = {
        "county": county,
        "committee": committee,
        "division": committee or county,
        "channel": _choice(channel, Channel, _("反映渠道")),
        "reporter_type": _choice(reporter_type, ReporterType, _("反映人类型")),
        "demanding_unit": required_text(
            demanding_unit,
            _("要求开具证明的单位"),
            SupervisionCode.DEMAND_UNIT_REQUIRED,
            200,
        ),
        "unit_kind": _choice(unit_kind or UnitKind.OTHER, UnitKind, _("单位类型")),
        "item": item,
        "item_text": required_text(
            item_text or (item.name if item else ""),
            _("被要求的证明"),
            SupervisionCode.TEXT_REQUIRED,
            200,
        ),
        "account": required_text(
            account, _("情况说明"), SupervisionCode.TEXT_REQUIRED, ACCOUNT_MAX
        ),
        "demanded_on": past_date(demanded_on, _("被要求日期"), required=False),
        "contact_name": optional_text(
            contact_name, _("联系人"), CoreCode.TEXT_TOO_LONG, 50
        ),
        "contact_phone": _phone(contact_phone),
        "demand_report": demand_report,
        "received_at": clock.now(),
        "registered_by": person(actor),
        "step_due_on": _due(county.code, CaseStatus.REGISTERED),
    }
    # Drawn at random; the unique constraint backs this check (a clash is 1 in 10¹⁷).
    tracking_no = new_tracking_no()
    while Case.objects.filter(tracking_no=tracking_no).exists():
        tracking_no = new_tracking_no()
    case = Case.objects.create(tracking_no=tracking_no, **fields)
    audit.record(
        actor=actor,
        event="supervision.case_registered",
        subject=case,
        after={
            "tracking_no": case.tracking_no,
            "channel": case.channel,
            "reporter_type": case.reporter_type,
            "demanding_unit": case.demanding_unit,
            "item_text": case.item_text,
        },
    )
    return case


@transaction.atomic
def case_report_public(
    *,
    county_code: str,
    demanding_unit: str,
    item_text: str,
    account: str,
    unit_kind: str = UnitKind.OTHER,
    item_key: str | None = None,
    committee_code: str | None = None,
    reporter_type: str = ReporterType.RESIDENT,
    demanded_on: dt.date | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Case:
    """REQ-087: anyone may report online, without an account; the number it returns
    follows the case on the public status page."""
    county = division(county_code, Level.COUNTY, _("县（市、区）"))
    committee = (
        division(committee_code, Level.COMMITTEE, _("村（居）委会"))
        if committee_code
        else None
    )
    return _create(
        actor=SYSTEM,
        county=county,
        committee=committee,
        channel=Channel.ONLINE,
        reporter_type=reporter_type,
        demanding_unit=demanding_unit,
        unit_kind=unit_kind,
        item_key=item_key,
        item_text=item_text,
        account=account,
        demanded_on=demanded_on,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


@transaction.atomic
def case_register(
    *,
    actor: Actor,
    county_code: str,
    channel: str,
    reporter_type: str,
    demanding_unit: str,
    item_text: str,
    account: str,
    unit_kind: str = UnitKind.OTHER,
    item_key: str | None = None,
    committee_code: str | None = None,
    demanded_on: dt.date | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Case:
    """REQ-088: staff enter what the hotline, a petition (信访), online inquiry (网络问政)
    or another channel brought, with the reporter's type."""
    county = division(county_code, Level.COUNTY, _("县（市、区）"))
    policy.require(actor, HANDLE, county)
    if channel == Channel.ONLINE:
        # What came through the online platform was registered by it (REQ-088: the
        # channel is a fact of the report, not a choice of the person typing it).
        raise InvalidInput(
            _("网上监督平台的反映由平台自动登记，工作人员登记请选择实际渠道"),
            code=CoreCode.INVALID_INPUT,
            detail={"channel": channel},
        )
    committee = (
        division(committee_code, Level.COMMITTEE, _("村（居）委会"))
        if committee_code
        else None
    )
    return _create(
        actor=actor,
        county=county,
        committee=committee,
        channel=channel,
        reporter_type=reporter_type,
        demanding_unit=demanding_unit,
        unit_kind=unit_kind,
        item_key=item_key,
        item_text=item_text,
        account=account,
        demanded_on=demanded_on,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def _shortened(text: str, limit: int) -> str:
    """The intake's note as the case's account; the whole note stays on the report."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def case_from_demand_report(report: DemandReport, actor: Actor) -> Case:
    """REQ-016 → REQ-089: the intake desk's "report this demand" opens the same case
    a resident's report does (called by certificates inside its transaction)."""
    committee = report.committee
    county = Division.objects.get(code=committee.code[:6])
    return _create(
        actor=actor,
        county=county,
        committee=committee,
        channel=Channel.OTHER,
        reporter_type=ReporterType.COMMUNITY_WORKER,
        demanding_unit=report.demanding_organisation,
        unit_kind=UnitKind.OTHER,
        item_key=report.item.key if report.item else None,
        item_text=report.item_text,
        account=_shortened(report.note, ACCOUNT_MAX)
        or _(
            "受理窗口反映：%(unit)s要求居民开具“%(item)s”，该事项不在本村（居）证明事项清单内。"
        )
        % {"unit": report.demanding_organisation, "item": report.item_text},
        demanded_on=timezone.localdate(report.reported_at),
        contact_name="",
        contact_phone="",
        demand_report=report,
    )


# The workflow -----------------------------------------------------------------------


def _lock(case_id: int, actor: Actor) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("投诉不存在"), code=SupervisionCode.CASE_NOT_FOUND)
    policy.require(actor, HANDLE, case)
    return case


def _verified_on(case: Case) -> dt.date | None:
    return timezone.localdate(case.verified_at) if case.verified_at else None


def _after(
    case: Case, value: dt.date | None, label: Any, previous: dt.date | None
) -> dt.date:
    """A step's date: not in the future, not before the case was received nor before
    the step it follows (the public page lists the steps in their order)."""
    day: dt.date = past_date(value, label)
    floors = [timezone.localdate(case.received_at)]
    if previous is not None:
        floors.append(previous)
    if day < max(floors):
        raise InvalidInput(
            _("%(label)s不能早于 %(date)s（受理或上一环节的日期）")
            % {"label": label, "date": max(floors).isoformat()},
            code=CoreCode.INVALID_INPUT,
            detail={"not_before": max(floors).isoformat()},
        )
    return day


def _move(
    case: Case, actor: Actor, target: str, event: str, after: dict[str, Any]
) -> Case:
    before = case.status
    move_to(case, target)
    if target != before:  # a progress report on the same step keeps its deadline
        case.step_due_on = _due(case.county_id, target)
    case.save()
    audit.record(
        actor=actor,
        event=f"supervision.case_{event}",
        subject=case,
        before={"status": before},
        after={"status": case.status, **after},
    )
    return case


@transaction.atomic
def case_verify(*, case_id: int, actor: Actor, founded: bool, note: str) -> Case:
    """Verified as reported, or unfounded; either way with what was found."""
    case = _lock(case_id, actor)
    case.verification_note = required_text(
        note, _("核实情况"), SupervisionCode.TEXT_REQUIRED, 4000
    )
    case.verified_at, case.verified_by = clock.now(), person(actor)
    target = CaseStatus.VERIFIED if founded else CaseStatus.UNFOUNDED
    if not founded:
        case.closed_at, case.closed_by = clock.now(), person(actor)
    return _move(case, actor, target, "verified", {"founded": founded, "note": note})


@transaction.atomic
def case_notify(
    *,
    case_id: int,
    actor: Actor,
    notice_on: dt.date | None = None,
    notice_no: str = "",
    notice_text: str = "",
    exposed_on: dt.date | None = None,
    exposure_platform: str = "",
    exposure_reason: str = "",
) -> Case:
    """DIV-08: a circular notice, a public exposure, or both. Exposure is a decision
    recorded with its platform, date and reason (REQ-090)."""
    case = _lock(case_id, actor)
    if notice_on is None and exposed_on is None and not exposure_platform:
        raise InvalidInput(
            _("请登记通报或公开曝光（至少一项）"),
            code=SupervisionCode.NOTICE_OR_EXPOSURE_REQUIRED,
        )
    if notice_on is not None:
        case.notice_on = _after(case, notice_on, _("通报日期"), _verified_on(case))
        case.notice_no = optional_text(
            notice_no, _("通报文号"), CoreCode.TEXT_TOO_LONG, 60
        )
        case.notice_text = required_text(
            notice_text, _("通报内容"), SupervisionCode.TEXT_REQUIRED, 4000
        )
    if exposed_on is not None or exposure_platform or exposure_reason:
        missing = [
            str(label)
            for label, value in (
                (_("曝光媒体平台"), exposure_platform.strip()),
                (_("曝光日期"), exposed_on),
                (_("曝光理由"), exposure_reason.strip()),
            )
            if not value
        ]
        if missing:
            raise InvalidInput(
                _("决定公开曝光的，须登记：%s") % "、".join(missing),
                code=SupervisionCode.EXPOSURE_INCOMPLETE,
                detail={"missing": missing},
            )
        case.exposed_on = _after(case, exposed_on, _("曝光日期"), _verified_on(case))
        case.exposure_platform = optional_text(
            exposure_platform, _("曝光媒体平台"), CoreCode.TEXT_TOO_LONG, 200
        )
        case.exposure_reason = optional_text(
            exposure_reason, _("曝光理由"), CoreCode.TEXT_TOO_LONG, 4000
        )
    case.notified_by = person(actor)
    return _move(
        case,
        actor,
        CaseStatus.NOTIFIED,
        "notified",
        {
            "notice_on": case.notice_on.isoformat() if case.notice_on else None,
            "exposed_on": case.exposed_on.isoformat() if case.exposed_on else None,
            "exposure_platform": case.exposure_platform,
        },
    )


@transaction.atomic
def case_feedback(
    *, case_id: int, actor: Actor, recipient: str, sent_on: dt.date, text: str
) -> Case:
    """REQ-091: the feedback notice to the competent department, utility or agency."""
    case = _lock(case_id, actor)
    case.feedback_recipient = required_text(
        recipient, _("反馈对象"), SupervisionCode.FEEDBACK_REQUIRED, 200
    )
    notified = max(
        (d for d in (case.notice_on, case.exposed_on) if d is not None), default=None
    )
    case.feedback_sent_on = _after(case, sent_on, _("反馈日期"), notified)
    case.feedback_text = required_text(
        text, _("反馈内容"), SupervisionCode.FEEDBACK_REQUIRED, 4000
    )
    case.feedback_by = person(actor)
    return _move(
        case,
        actor,
        CaseStatus.FEEDBACK_SENT,
        "feedback_sent",
        {"recipient": case.feedback_recipient, "sent_on": sent_on.isoformat()},
    )


@transaction.atomic
def case_response(
    *, case_id: int, actor: Actor, status: str, text: str, on: dt.date
) -> Case:
    """REQ-091: the recipient's rectification response, as the bureau records it;
    recorded again as the rectification goes on."""
    case = _lock(case_id, actor)
    case.response_status = _choice(status, ResponseStatus, _("整改情况"))
    case.response_text = required_text(
        text, _("整改答复"), SupervisionCode.TEXT_REQUIRED, 4000
    )
    case.response_on = _after(case, on, _("答复日期"), case.feedback_sent_on)
    case.response_by = person(actor)
    return _move(
        case,
        actor,
        CaseStatus.RESPONDED,
        "responded",
        {"response_status": case.response_status, "on": on.isoformat()},
    )


@transaction.atomic
def case_correct(
    *, case_id: int, actor: Actor, authority: str, text: str, on: dt.date
) -> Case:
    """REQ-089: the superior competent department's correction (上级主管部门予以纠正)."""
    case = _lock(case_id, actor)
    case.correction_authority = required_text(
        authority, _("纠正的上级主管部门"), SupervisionCode.TEXT_REQUIRED, 200
    )
    case.correction_text = required_text(
        text, _("纠正情况"), SupervisionCode.TEXT_REQUIRED, 4000
    )
    case.corrected_on = _after(case, on, _("纠正日期"), case.response_on)
    case.correction_by = person(actor)
    return _move(
        case,
        actor,
        CaseStatus.CORRECTED,
        "corrected",
        {"authority": case.correction_authority, "on": on.isoformat()},
    )


def missing_steps(case: Case) -> list[str]:
    """What a case still lacks before it may close (REQ-089, REQ-091)."""
    missing = []
    if case.verified_at is None:
        missing.append(_("核实"))
    if case.notice_on is None and case.exposed_on is None:
        missing.append(_("通报或公开曝光"))
    if case.feedback_sent_on is None:
        missing.append(_("反馈主管部门"))
    if case.response_on is None:
        missing.append(_("整改答复"))
    if case.corrected_on is None:
        missing.append(_("上级主管部门纠正"))
    return missing


@transaction.atomic
def case_close(*, case_id: int, actor: Actor, note: str = "") -> Case:
    case = _lock(case_id, actor)
    missing = missing_steps(case)
    if missing:
        raise Conflict(
            _("尚缺以下环节，不能办结：%s") % "、".join(missing),
            code=SupervisionCode.CASE_INCOMPLETE,
            detail={"missing": missing},
        )
    case.closed_at, case.closed_by = clock.now(), person(actor)
    return _move(case, actor, CaseStatus.CLOSED, "closed", {"note": note})
