"""Campaigns (专项工作, REQ-104–107, DIV-11).

Each seed document's plan is its own template (`campaign_templates`: Sunan's six
phases, Potou's five steps, Shaanxi's county milestone), never merged. A county — or,
for the provincial plan, a province — starts its own campaign from one
(`campaign_start`): the template's phases and deliverables, every date moved by the
whole months between the template's start and the chosen start month
(`campaign_templates.shift_months`: a month's last day stays the last day), so starting
in the template's own month reproduces the document's dates exactly.

A deliverable is the lead body's (the bureau's own work) or every unit's below it (each
township, or each county of a province); each unit records when it has done it
(`completion_record`), and a mistaken record is withdrawn with the reason
(`completion_withdraw`). A unit's record is its own officers' to make (the township's
officers for a township, the bureau for a county) or the lead bureau's; a higher level
reads and never writes (REQ-098). A deliverable done with another part of the system
names it: Potou's step 4 the special inspection with its draw (REQ-095), the report
steps the report sent upward (REQ-105, REQ-108). The lead bureau may move a date
(`deliverable_reschedule`, `phase_reschedule`), with the reason, audited.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level, covers, level_of
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.supervision.models import Inspection

from ..campaign_templates import (
    TEMPLATES,
    Template,
    months_between,
    shift_months,
    shift_optional,
)
from ..choices import DeliverableLink, ReportStatus, Responsible
from ..errors import StatsCode
from ..models import Campaign, Completion, Deliverable, Phase, UpwardReport

MANAGE, REPORT = "stats.campaign_manage", "stats.campaign_report"
# The years a campaign may start in: a typo of a year is refused in words, not by the
# calendar's limits.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Who speaks for a unit of its own (besides the lead bureau): a township's officers,
# a county's (or a province's) civil-affairs bureau.
OWN_ROLES: dict[int, frozenset[str]] = {
    Level.TOWNSHIP: frozenset({Role.TOWNSHIP, Role.ADMIN}),
    Level.COUNTY: frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    Level.PROVINCE: frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
}
DONE_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.RECEIVED)


# Who may do what (the policy's scope, and the level the grant sits at) ---------------


def _granted_at(actor: Any, code: str, roles: frozenset[str]) -> bool:
    return any(
        role in roles and gcode == code for role, gcode, _d in policy.grants_of(actor)
    )


def leads(actor: Any, division_code: str) -> bool:
    """Is the user the lead bureau of a campaign at `division_code`? A grant at the
    division itself: the province's bureau reads a county's campaign but does not run
    it (REQ-098), and the county's does not run the province's."""
    if not policy.can(actor, MANAGE, division_code):
        return False
    if policy.acts_everywhere(actor):
        return True
    return _granted_at(actor, division_code, policy.action(MANAGE).roles)


def speaks_for_unit(actor: Any, campaign: Campaign, unit_code: str) -> bool:
    """May the user record the unit's completions? Its own officers (a grant at the
    unit itself) or the campaign's lead bureau."""
    if not policy.can(actor, REPORT, unit_code):
        return False
    if policy.acts_everywhere(actor) or leads(actor, campaign.division_id):
        return True
    roles = OWN_ROLES.get(level_of(unit_code), frozenset())
    return _granted_at(actor, unit_code, roles & policy.action(REPORT).roles)


def responsible_for(
    campaign: Campaign, deliverable: Deliverable, unit_code: str
) -> bool:
    """Is the unit one the deliverable is for: the lead's own division for the lead's
    work, each unit at the campaign's unit level inside it for the units' work?"""
    if deliverable.responsible == Responsible.LEAD:
        return unit_code == campaign.division_id
    return (
        unit_code != campaign.division_id
        and covers(campaign.division_id, unit_code)
        and level_of(unit_code) == campaign.unit_level
    )


# Starting a campaign ----------------------------------------------------------------


def template_of(code: str) -> Template:
    template = TEMPLATES.get(code)
    if template is None:
        raise InvalidInput(
            _("未知的专项工作模板：%s") % code,
            code=StatsCode.CAMPAIGN_TEMPLATE_UNKNOWN,
            detail={"allowed": sorted(TEMPLATES)},
        )
    return template


def _start_month(starts_on: dt.date) -> dt.date:
    if not FIRST_YEAR <= starts_on.year <= LAST_YEAR:
        raise InvalidInput(
            _("开始年份应在 %(first)d 至 %(last)d 年之间")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code=StatsCode.CAMPAIGN_DATE_INVALID,
        )
    return starts_on


@transaction.atomic
def campaign_start(
    *,
    actor: Actor,
    division_code: str,
    template_code: str,
    starts_on: dt.date,
    title: str | None = None,
) -> Campaign:
    """REQ-104–107: the lead body's own campaign from a template, its dates moved by
    whole months to the month of `starts_on` (the day is not used)."""
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise NotFound(_("行政区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, MANAGE, division)
    if not leads(actor, division.code):
        raise NotAllowed(detail={"action": MANAGE, "division": division.code})
    template = template_of(template_code)
    if division.level != template.lead_level:
        raise InvalidInput(
            _("该模板须由%(level)s牵头发起")
            % {"level": Level(template.lead_level).label},
            code=StatsCode.CAMPAIGN_LEVEL_INVALID,
            detail={"lead_level": template.lead_level},
        )
    months = months_between(template.starts_on, _start_month(starts_on))
    begins = shift_months(template.starts_on, months)
    if Campaign.objects.filter(
        division=division, template=template.code, starts_on=begins
    ).exists():
        raise Conflict(
            _("本区划已按该模板发起过自 %s 开始的专项工作") % begins.isoformat(),
            code=StatsCode.CAMPAIGN_EXISTS,
        )
    if title is None or not title.strip():
        title = str(template.title)
    campaign = Campaign.objects.create(
        division=division,
        template=template.code,
        title=required_text(title, _("工作名称"), CoreCode.INVALID_INPUT, 200),
        source=template.source,
        unit_level=template.unit_level,
        starts_on=begins,
        ends_on=shift_months(template.ends_on, months),
        created_by=person(actor),
        created_at=clock.now(),
    )
    for number, spec in enumerate(template.phases, 1):
        phase = Phase.objects.create(
            campaign=campaign,
            number=number,
            name=spec.name,
            starts_on=shift_optional(spec.starts_on, months),
            ends_on=shift_optional(spec.ends_on, months),
        )
        Deliverable.objects.bulk_create(
            Deliverable(
                phase=phase,
                number=n,
                text=item.text,
                due_on=shift_optional(item.due_on, months),
                responsible=item.responsible,
                link=item.link,
            )
            for n, item in enumerate(spec.deliverables, 1)
        )
    audit.record(
        actor=actor,
        event="stats.campaign_started",
        subject=campaign,
        after={
            "template": template.code,
            "title": campaign.title,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "months_from_template": months,
            "phases": len(template.phases),
        },
    )
    return campaign


# The lead bureau moves a date ---------------------------------------------------------


def _lock_campaign(campaign_id: int, actor: Actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("专项工作不存在"), code=StatsCode.CAMPAIGN_NOT_FOUND)
    policy.require(actor, MANAGE, campaign)
    if not leads(actor, campaign.division_id):
        raise NotAllowed(detail={"action": MANAGE, "division": campaign.division_id})
    return campaign


def _within(campaign: Campaign, day: dt.date | None, label: Any) -> None:
    if day is not None and day < campaign.starts_on:
        raise InvalidInput(
            _("%(label)s不能早于专项工作开始日期（%(start)s）")
            % {"label": label, "start": campaign.starts_on.isoformat()},
            code=StatsCode.CAMPAIGN_DATE_INVALID,
        )


def _stretch(campaign: Campaign, *days: dt.date | None) -> dict[str, str] | None:
    """A date past the campaign's end moves the end with it (the check constraint
    keeps the campaign's dates in order)."""
    last = max((d for d in days if d is not None), default=None)
    if last is None or last <= campaign.ends_on:
        return None
    before = campaign.ends_on.isoformat()
    campaign.ends_on = last
    campaign.save(update_fields=["ends_on"])
    return {"before": before, "after": last.isoformat()}


@transaction.atomic
def deliverable_reschedule(
    *, actor: Actor, deliverable_id: int, due_on: dt.date | None, reason: str
) -> Deliverable:
    """The lead bureau moves a deliverable's deadline (None: ongoing, no deadline)."""
    found = Deliverable.objects.filter(pk=deliverable_id).values_list(
        "phase__campaign_id", flat=True
    )
    if not found:
        raise NotFound(_("工作任务不存在"), code=StatsCode.DELIVERABLE_NOT_FOUND)
    campaign = _lock_campaign(found[0], actor)
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable_id)
    _within(campaign, due_on, _("完成时限"))
    reason = required_text(reason, _("调整原因"), CoreCode.REASON_REQUIRED, 500)
    before = deliverable.due_on
    deliverable.due_on = due_on
    deliverable.save(update_fields=["due_on"])
    stretched = _stretch(campaign, due_on)
    audit.record(
        actor=actor,
        event="stats.campaign_deliverable_rescheduled",
        subject=campaign,
        before={"deliverable": deliverable.pk, "due_on": _iso(before)},
        after={
            "deliverable": deliverable.pk,
            "due_on": _iso(due_on),
            "campaign_ends_on": stretched,
        },
        note=reason,
    )
    return deliverable


@transaction.atomic
def phase_reschedule(
    *,
    actor: Actor,
    phase_id: int,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    reason: str,
) -> Phase:
    """The lead bureau moves a phase's period (a deadline-only step has no start)."""
    found = Phase.objects.filter(pk=phase_id).values_list("campaign_id", flat=True)
    if not found:
        raise NotFound(_("工作阶段不存在"), code=StatsCode.PHASE_NOT_FOUND)
    campaign = _lock_campaign(found[0], actor)
    phase = Phase.objects.select_for_update().get(pk=phase_id)
    _within(campaign, starts_on, _("开始日期"))
    _within(campaign, ends_on, _("结束日期"))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise InvalidInput(
            _("结束日期不能早于开始日期"), code=StatsCode.CAMPAIGN_DATE_INVALID
        )
    reason = required_text(reason, _("调整原因"), CoreCode.REASON_REQUIRED, 500)
    before = {"starts_on": _iso(phase.starts_on), "ends_on": _iso(phase.ends_on)}
    phase.starts_on, phase.ends_on = starts_on, ends_on
    phase.save(update_fields=["starts_on", "ends_on"])
    stretched = _stretch(campaign, starts_on, ends_on)
    audit.record(
        actor=actor,
        event="stats.campaign_phase_rescheduled",
        subject=campaign,
        before={"phase": phase.number, **before},
        after={
            "phase": phase.number,
            "starts_on": _iso(starts_on),
            "ends_on": _iso(ends_on),
            "campaign_ends_on": stretched,
        },
        note=reason,
    )
    return phase


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# Completions ---------------------------------------------------------------------------


def _inspection(
    campaign: Campaign, deliverable: Deliverable, inspection_id: int | None
) -> Inspection | None:
    """REQ-106 step 4: done with a special inspection in the campaign's area that
    started from a logged draw (REQ-095)."""
    if deliverable.link != DeliverableLink.INSPECTION:
        if inspection_id is not None:
            raise InvalidInput(
                _("该工作任务不关联专项督查"),
                code=StatsCode.COMPLETION_INSPECTION_INVALID,
            )
        return None
    if inspection_id is None:
        raise InvalidInput(
            _("请选择开展的专项督查（须有抽取记录）"),
            code=StatsCode.COMPLETION_INSPECTION_INVALID,
        )
    inspection = Inspection.objects.filter(pk=inspection_id).first()
    if inspection is None or not covers(campaign.division_id, inspection.county_id):
        raise InvalidInput(
            _("所选督查不存在或不在本专项工作的区划内"),
            code=StatsCode.COMPLETION_INSPECTION_INVALID,
        )
    if inspection.draw_id is None:
        raise InvalidInput(
            _("所选督查没有抽取记录：专项督查须先按每个乡镇（街道）抽取2个村（社区）"),
            code=StatsCode.COMPLETION_INSPECTION_INVALID,
        )
    return inspection


def _report(
    campaign: Campaign, deliverable: Deliverable, unit_code: str, report_id: int | None
) -> UpwardReport | None:
    """The report steps: done with a report the unit has sent upward (REQ-105,
    REQ-106 step 5, REQ-108)."""
    if deliverable.link != DeliverableLink.REPORT:
        if report_id is not None:
            raise InvalidInput(
                _("该工作任务不关联报送报告"),
                code=StatsCode.COMPLETION_REPORT_INVALID,
            )
        return None
    if report_id is None:
        raise InvalidInput(
            _("请选择本单位已报送的报告"), code=StatsCode.COMPLETION_REPORT_INVALID
        )
    report = UpwardReport.objects.filter(pk=report_id).first()
    if (
        report is None
        or report.sender_id != unit_code
        or report.campaign_id not in (None, campaign.pk)
    ):
        raise InvalidInput(
            _("所选报告不存在，或不是本单位为本专项工作报送的"),
            code=StatsCode.COMPLETION_REPORT_INVALID,
        )
    if report.status not in DONE_REPORTS:
        raise InvalidInput(
            _("所选报告尚未报送"), code=StatsCode.COMPLETION_REPORT_INVALID
        )
    return report


@transaction.atomic
def completion_record(
    *,
    actor: Actor,
    deliverable_id: int,
    unit_code: str,
    completed_on: dt.date,
    note: str = "",
    inspection_id: int | None = None,
    report_id: int | None = None,
) -> Completion:
    """REQ-104: one unit has done one deliverable, on `completed_on`."""
    deliverable = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("phase__campaign")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None:
        raise NotFound(_("工作任务不存在"), code=StatsCode.DELIVERABLE_NOT_FOUND)
    campaign = deliverable.phase.campaign
    unit = Division.objects.filter(code=unit_code).first()
    if unit is None:
        raise NotFound(_("行政区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, REPORT, unit)
    if not speaks_for_unit(actor, campaign, unit.code):
        raise NotAllowed(detail={"action": REPORT, "unit": unit.code})
    if not responsible_for(campaign, deliverable, unit.code):
        raise InvalidInput(
            _("该工作任务由牵头单位完成")
            if deliverable.responsible == Responsible.LEAD
            else _("该单位不是本工作任务的责任单位"),
            code=StatsCode.COMPLETION_UNIT_INVALID,
        )
    if Completion.objects.filter(deliverable=deliverable, unit=unit).exists():
        raise Conflict(
            _("该单位已登记完成此项任务；如登记有误，请先撤回"),
            code=StatsCode.COMPLETION_EXISTS,
        )
    if completed_on > clock.today():
        raise InvalidInput(
            _("完成日期不能晚于今天"), code=StatsCode.COMPLETION_DATE_INVALID
        )
    if completed_on < campaign.starts_on:
        raise InvalidInput(
            _("完成日期不能早于专项工作开始日期（%s）")
            % campaign.starts_on.isoformat(),
            code=StatsCode.COMPLETION_DATE_INVALID,
        )
    inspection = _inspection(campaign, deliverable, inspection_id)
    report = _report(campaign, deliverable, unit.code, report_id)
    completion = Completion.objects.create(
        deliverable=deliverable,
        unit=unit,
        completed_on=completed_on,
        note=optional_text(note, _("完成情况"), CoreCode.TEXT_TOO_LONG, 2000),
        inspection=inspection,
        report=report,
        recorded_by=person(actor),
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.campaign_completion_recorded",
        subject=campaign,
        after=_completion_facts(completion),
    )
    return completion


def _completion_facts(completion: Completion) -> dict[str, Any]:
    return {
        "completion": completion.pk,
        "deliverable": completion.deliverable_id,
        "unit": completion.unit_id,
        "completed_on": completion.completed_on.isoformat(),
        "note": completion.note,
        "inspection": completion.inspection_id,
        "report": completion.report_id,
    }


@transaction.atomic
def completion_withdraw(
    *, actor: Actor, completion_id: int, reason: str
) -> Deliverable:
    """A mistaken record comes off, with the reason; the audit trail keeps it."""
    completion = (
        Completion.objects.select_for_update(of=("self",))
        .select_related("deliverable__phase__campaign")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        raise NotFound(_("完成情况记录不存在"), code=StatsCode.COMPLETION_NOT_FOUND)
    deliverable = completion.deliverable
    campaign = deliverable.phase.campaign
    policy.require(actor, REPORT, completion)
    if not speaks_for_unit(actor, campaign, completion.unit_id):
        raise NotAllowed(detail={"action": REPORT, "unit": completion.unit_id})
    reason = required_text(reason, _("撤回原因"), CoreCode.REASON_REQUIRED, 500)
    before = _completion_facts(completion)
    completion.delete()
    audit.record(
        actor=actor,
        event="stats.campaign_completion_withdrawn",
        subject=campaign,
        before=before,
        note=reason,
    )
    return deliverable
