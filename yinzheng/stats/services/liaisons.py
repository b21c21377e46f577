"""Each township's liaison (REQ-109) and the county bureau's periodic assessments of
its townships (REQ-110).

Each township has exactly one liaison, with a name and a Chinese phone number; the record
is replaced, never emptied (`liaison_set`: the township's own officers or the county
bureau). The bureau records assessments of its townships (`assessment_record`), dated
no later than today; none is ever changed, a correction is a new one.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, masking
from yinzheng.core.actors import person
from yinzheng.core.errors import CoreCode, InvalidInput
from yinzheng.core.phones import chinese_phone
from yinzheng.core.text import optional_text, required_text
from yinzheng.ledger import audit

from ..choices import Rating
from ..errors import StatsCode
from ..models import Assessment, Liaison
from .reports import applicable_campaign, require_township

LIAISON, ASSESS = "stats.liaison_manage", "stats.assess"


# Liaisons (REQ-109) -------------------------------------------------------------------


@transaction.atomic
def liaison_set(
    *, actor: Actor, township_code: str, name: str, position: str, phone: str
) -> Liaison:
    """REQ-109: the township's one liaison, named with a phone (the profile is never
    saved without); the township's own officers or the county bureau."""
    township = require_township(township_code)
    policy.require(actor, LIAISON, township)
    values = {
        "name": required_text(
            name, _("联络人姓名"), StatsCode.LIAISON_NAME_REQUIRED, 50
        ),
        "position": optional_text(position, _("职务"), CoreCode.TEXT_TOO_LONG, 100),
        "phone": chinese_phone(phone),
    }
    liaison = Liaison.objects.select_for_update().filter(pk=township.code).first()
    before = None
    if liaison is None:
        liaison = Liaison(township=township)
    else:
        before = {
            "name": liaison.name,
            "position": liaison.position,
            "phone": masking.mask_phone(liaison.phone),
        }
    liaison.name, liaison.position = values["name"], values["position"]
    liaison.phone = values["phone"]
    liaison.updated_by, liaison.updated_at = person(actor), clock.now()
    liaison.save()
    audit.record(
        actor=actor,
        event="stats.liaison_set",
        subject=liaison,
        before=before,
        # The phone is kept once, on the liaison; the trail shows it masked.
        after={**values, "phone": masking.mask_phone(values["phone"])},
    )
    return liaison


# Assessments (REQ-110) ----------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    township_code: str,
    assessed_on: dt.date,
    rating: str,
    notes: str = "",
    campaign_id: int | None = None,
) -> Assessment:
    """REQ-110: the county bureau's assessment of one township's progress on a date.
    Never changed afterwards: a correction is a new assessment."""
    township = require_township(township_code)
    policy.require(actor, ASSESS, township)
    if not isinstance(assessed_on, dt.date) or isinstance(assessed_on, dt.datetime):
        raise InvalidInput(_("请填写评估日期"), code=StatsCode.ASSESSMENT_DATE_INVALID)
    if assessed_on > clock.today():
        raise InvalidInput(
            _("评估日期不能晚于今天"), code=StatsCode.ASSESSMENT_DATE_INVALID
        )
    if rating not in Rating.values:
        raise InvalidInput(
            _("评估等次无效"),
            code=StatsCode.RATING_INVALID,
            detail={"allowed": list(Rating.values)},
        )
    assessment = Assessment.objects.create(
        township=township,
        campaign=applicable_campaign(campaign_id, township),
        assessed_on=assessed_on,
        rating=rating,
        notes=optional_text(notes, _("评估意见"), CoreCode.TEXT_TOO_LONG, 5000),
        recorded_by=person(actor),
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.assessment_recorded",
        subject=assessment,
        after={
            "assessed_on": assessed_on.isoformat(),
            "rating": rating,
            "notes": assessment.notes,
            "campaign": assessment.campaign_id,
        },
    )
    return assessment
