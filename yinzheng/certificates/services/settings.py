"""The jurisdiction's switch for the negative-list exception (REQ-039, DIV-02).

Civil affairs opens or closes the factual-issuance exception of a negative-list item for
a division and everything below it; a committee follows the nearest setting on its chain
(`selectors.setting_for`), open where none is set. A change is journaled with what stood
before. Requests under way are not touched: every later step decides again.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import CoreCode, NotFound
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..models import JurisdictionSetting
from .common import CONFIGURE


@transaction.atomic
def jurisdiction_setting_set(
    *,
    actor: Actor,
    division_code: str,
    negative_exception_enabled: bool,
    note: str = "",
) -> JurisdictionSetting:
    """Open or close the negative-list exception for a jurisdiction and everything
    below it (REQ-039, DIV-02). Requests already verified keep going only while the
    rules still allow them: every later step decides again."""
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise NotFound(_("区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, CONFIGURE, division)
    setting = (
        JurisdictionSetting.objects.select_for_update()
        .filter(division=division)
        .first()
    )
    fields = ["negative_exception_enabled", "note", "updated_by", "updated_at"]
    before = audit.snapshot(setting, fields) if setting else None
    if setting is None:
        setting = JurisdictionSetting(division=division)
    setting.negative_exception_enabled = bool(negative_exception_enabled)
    setting.note = (note or "").strip()
    setting.updated_by = person(actor)
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor=actor,
        event="certificate.setting",
        subject=setting,
        before=before,
        after=audit.snapshot(setting, fields),
    )
    return setting
