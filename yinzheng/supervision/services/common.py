"""What every supervision service needs: the county's settings, dates that cannot lie
in the future, and the division looked up by code."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode, ErrorCode, InvalidInput, NotFound
from yinzheng.divisions.models import Division

from ..errors import SupervisionCode
from ..models import SupervisionSetting


def settings_for(county_code: str) -> SupervisionSetting:
    """The county's settings, or the defaults (unsaved) where it has none."""
    found = SupervisionSetting.objects.filter(county_id=county_code).first()
    return found or SupervisionSetting(county_id=county_code)


def division(code: str | None, level: int, label: Any) -> Division:
    found = Division.objects.filter(code=code or "", level=level).first()
    if found is None:
        codes: dict[int, ErrorCode] = {
            Level.COUNTY: SupervisionCode.COUNTY_REQUIRED,
            Level.TOWNSHIP: SupervisionCode.TOWNSHIP_REQUIRED,
            Level.COMMITTEE: CoreCode.COMMITTEE_NOT_FOUND,
        }
        raise NotFound(
            _("%s不存在") % label,
            code=codes.get(level, CoreCode.DIVISION_NOT_FOUND),
            detail={"code": code},
        )
    return found


def past_date(value: dt.date | None, label: Any, *, required: bool = True) -> Any:
    """A date on or before today (what happened cannot have happened tomorrow)."""
    if value is None:
        if required:
            raise InvalidInput(_("请填写%s") % label, code=CoreCode.INVALID_INPUT)
        return None
    if value > clock.today():
        raise InvalidInput(
            _("%s不能晚于今天") % label,
            code=CoreCode.INVALID_INPUT,
            detail={"date": value.isoformat()},
        )
    return value
