"""The inventory survey (摸排, REQ-099).

The county bureau opens a survey (`survey_open`). Townships, departments and the
bureau enter what they find (`entry_add`): a certificate committees actually issue,
a local rule that requires one, or a department's, utility's or agency's demand — each
with the department responsible for it (谁主管、谁负责). The bureau decides each entry
(`entry_dispose`): keep it, with its basis, or cancel it, with the reason. The survey
closes (`survey_close`) only when every entry has its disposition.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import Disposition, SourceType, SurveyStatus
from ..errors import StatsCode
from ..models import Survey, SurveyEntry

MANAGE = "stats.table_manage"
ENTER = ("stats.fill", "stats.table_manage")


@transaction.atomic
def survey_open(*, actor: Actor, county_code: str, title: str) -> Survey:
    county = Division.objects.filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        raise NotFound(_("县（市、区）不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, MANAGE, county)
    survey = Survey.objects.create(
        county=county,
        title=required_text(title, _("摸排名称"), CoreCode.INVALID_INPUT, 200),
        opened_by=person(actor),
        opened_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.survey_opened",
        subject=survey,
        after={"title": survey.title},
    )
    return survey


def _open_survey(survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("摸排不存在"), code=StatsCode.SURVEY_NOT_FOUND)
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("摸排已结束"), code=StatsCode.SURVEY_CLOSED)
    return survey


@transaction.atomic
def entry_add(
    *,
    actor: Actor,
    survey_id: int,
    division_code: str,
    source_type: str,
    item_name: str,
    responsible_department: str,
    basis: str = "",
    demanding_unit: str = "",
    note: str = "",
) -> SurveyEntry:
    """REQ-099: one finding of the survey, with its source type and the department
    responsible; where it is issued or demanded (a committee, township or the county)."""
    survey = _open_survey(survey_id)
    division = Division.objects.filter(code=division_code).first()
    if division is None or not division.code.startswith(survey.county_id):
        raise InvalidInput(
            _("所涉区划不在本县（市、区）"), code=CoreCode.DIVISION_NOT_FOUND
        )
    if not any(policy.can(actor, a, division) for a in ENTER):
        policy.require(actor, ENTER[0], division)
    if source_type not in SourceType.values:
        raise InvalidInput(
            _("来源类型无效"),
            code=CoreCode.INVALID_INPUT,
            detail={"allowed": list(SourceType.values)},
        )
    demanding_unit = optional_text(
        demanding_unit, _("要求开具的部门或单位"), CoreCode.TEXT_TOO_LONG, 200
    )
    if source_type == SourceType.DEMAND and not demanding_unit:
        raise InvalidInput(
            _("部门、单位要求的，请填写提出要求的部门或单位"),
            code=CoreCode.INVALID_INPUT,
        )
    entry = SurveyEntry.objects.create(
        survey=survey,
        division=division,
        source_type=source_type,
        item_name=required_text(
            item_name, _("证明事项名称"), CoreCode.INVALID_INPUT, 200
        ),
        basis=optional_text(basis, _("依据"), CoreCode.TEXT_TOO_LONG, 2000),
        demanding_unit=demanding_unit,
        responsible_department=required_text(
            responsible_department,
            _("主管部门（谁主管、谁负责）"),
            CoreCode.DEPARTMENT_REQUIRED,
            200,
        ),
        note=optional_text(note, _("说明"), CoreCode.TEXT_TOO_LONG, 2000),
        entered_by=person(actor),
        entered_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.survey_entry_added",
        subject=survey,
        after={
            "entry": entry.pk,
            "item_name": entry.item_name,
            "source_type": source_type,
            "responsible_department": entry.responsible_department,
        },
    )
    return entry


@transaction.atomic
def entry_dispose(
    *, actor: Actor, entry_id: int, disposition: str, basis: str
) -> SurveyEntry:
    """The bureau's decision on an entry: keep it with its basis, or cancel it with
    the reason; decided again while the survey is open."""
    entry = SurveyEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("摸排条目不存在"), code=StatsCode.ENTRY_NOT_FOUND)
    survey = _open_survey(entry.survey_id)
    policy.require(actor, MANAGE, survey)
    if disposition not in Disposition.values:
        raise InvalidInput(
            _("处理意见无效"),
            code=CoreCode.INVALID_INPUT,
            detail={"allowed": list(Disposition.values)},
        )
    before = {"disposition": entry.disposition, "basis": entry.disposition_basis}
    entry.disposition = disposition
    entry.disposition_basis = required_text(
        basis, _("保留依据或取消理由"), CoreCode.REASON_REQUIRED, 2000
    )
    entry.disposed_by, entry.disposed_at = person(actor), clock.now()
    entry.save()
    audit.record(
        actor=actor,
        event="stats.survey_entry_disposed",
        subject=survey,
        before=before,
        after={
            "entry": entry.pk,
            "disposition": disposition,
            "basis": entry.disposition_basis,
        },
    )
    return entry


@transaction.atomic
def survey_close(*, actor: Actor, survey_id: int) -> Survey:
    """REQ-099: not while any entry lacks its disposition."""
    survey = _open_survey(survey_id)
    policy.require(actor, MANAGE, survey)
    waiting = list(
        survey.entries.filter(disposition="").values_list("item_name", flat=True)[:20]
    )
    if waiting:
        raise Conflict(
            _("尚有 %(n)d 个条目未提出处理意见，不能结束摸排：%(items)s")
            % {
                "n": survey.entries.filter(disposition="").count(),
                "items": "、".join(waiting),
            },
            code=StatsCode.SURVEY_UNDISPOSED,
            detail={"undisposed": waiting},
        )
    survey.status = SurveyStatus.CLOSED
    survey.closed_by, survey.closed_at = person(actor), clock.now()
    survey.save(update_fields=["status", "closed_by", "closed_at"])
    audit.record(
        actor=actor,
        event="stats.survey_closed",
        subject=survey,
        after={"entries": survey.entries.count()},
    )
    return survey
