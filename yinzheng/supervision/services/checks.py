"""The township's checks of its committees' seal use (REQ-093) and the county's
supervision settings.

A check records the date, what was found and the feedback; it appears in the committee's
inbox until one of its staff acknowledges it (定期检查、定期梳理、及时反馈).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.ledger import audit

from ..errors import SupervisionCode
from ..models import SupervisionSetting, TownshipCheck
from .common import division, past_date

CHECK = "supervision.check"


def create_check(
    *,
    actor: Actor,
    committee_code: str,
    checked_on: dt.date,
    findings: str,
    feedback: str,
    action: str = CHECK,
) -> TownshipCheck:
    """The check row and its journal entry (the caller holds the transaction; an
    alert's check is allowed to whoever may decide the alert)."""
    committee = division(committee_code, Level.COMMITTEE, _("村（居）委会"))
    policy.require(actor, action, committee)
    check = TownshipCheck.objects.create(
        township_id=committee.code[:9],
        committee=committee,
        checked_on=past_date(checked_on, _("检查日期")),
        findings=required_text(
            findings, _("检查发现"), SupervisionCode.TEXT_REQUIRED, 4000
        ),
        feedback=required_text(
            feedback, _("反馈意见"), SupervisionCode.TEXT_REQUIRED, 4000
        ),
        checked_by=person(actor),
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="supervision.check_recorded",
        subject=check,
        after={
            "checked_on": check.checked_on.isoformat(),
            "findings": check.findings,
            "feedback": check.feedback,
        },
    )
    return check


@transaction.atomic
def check_record(
    *,
    actor: Actor,
    committee_code: str,
    checked_on: dt.date,
    findings: str,
    feedback: str,
) -> TownshipCheck:
    """REQ-093: the township records a check with its findings and feedback."""
    return create_check(
        actor=actor,
        committee_code=committee_code,
        checked_on=checked_on,
        findings=findings,
        feedback=feedback,
    )


@transaction.atomic
def check_acknowledge(*, actor: Actor, check_id: int) -> TownshipCheck:
    """The committee has read the feedback (it leaves the committee's inbox)."""
    check = TownshipCheck.objects.select_for_update().filter(pk=check_id).first()
    if check is None:
        raise NotFound(_("检查记录不存在"), code=SupervisionCode.CHECK_NOT_FOUND)
    policy.require(actor, "supervision.acknowledge", check)
    if check.acknowledged_at is not None:
        raise Conflict(_("已确认收到"), code=CoreCode.ALREADY_CONFIRMED)
    check.acknowledged_at, check.acknowledged_by = clock.now(), person(actor)
    check.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(actor=actor, event="supervision.check_acknowledged", subject=check)
    return check


TEXT_LIMITS = {"hotline": 40, "hotline_hours": 100}  # the columns' max_length
SETTING_FIELDS = (
    "hotline",
    "hotline_hours",
    "verify_days",
    "notice_days",
    "feedback_days",
    "response_days",
    "correction_days",
    "close_days",
    "office_opens",
    "office_closes",
    "off_hours_min",
    "unconfirmed_days",
    "resident_burst",
    "purpose_burst",
    "relapse_days",
    "refusal_ratio",
    "refusal_min",
)


@transaction.atomic
def settings_update(
    *, actor: Actor, county_code: str, values: dict[str, Any]
) -> SupervisionSetting:
    """The county's hotline (REQ-087, DIV-09), step deadlines and scan thresholds.
    Values are validated by the model's own validators; unknown keys are refused."""
    county = division(county_code, Level.COUNTY, _("县（市、区）"))
    policy.require(actor, "supervision.settings", county)
    unknown = sorted(set(values) - set(SETTING_FIELDS))
    if unknown:
        raise InvalidInput(
            _("未知的设置项：%s") % "、".join(unknown),
            code=CoreCode.INVALID_INPUT,
            detail={"unknown": unknown},
        )
    setting, _created = SupervisionSetting.objects.select_for_update().get_or_create(
        county=county
    )
    before = {f: str(getattr(setting, f)) for f in SETTING_FIELDS}
    for name, value in values.items():
        if name in ("hotline", "hotline_hours"):
            limit = TEXT_LIMITS[name]
            value = optional_text(value, name, CoreCode.TEXT_TOO_LONG, limit)
        setattr(setting, name, value)
    setting.updated_by, setting.updated_at = person(actor), clock.now()
    try:
        setting.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            "；".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            code=CoreCode.INVALID_INPUT,
            detail=exc.message_dict,
        ) from exc
    setting.save()
    audit.record(
        actor=actor,
        event="supervision.settings_updated",
        subject=setting,
        before=before,
        after={f: str(getattr(setting, f)) for f in SETTING_FIELDS},
    )
    return setting
