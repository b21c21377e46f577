"""What the supervision demo's parts share: the places, the accounts, and the clock
set back to the day of each step of the history."""

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from yinzheng.accounts.models import User
from yinzheng.core import clock
from yinzheng.core.workdays import is_working_day

SHANDAN, SUNAN, POTOU = "620725", "620721", "440804"
COUNTIES = (SHANDAN, SUNAN, POTOU)
CHANGCHENG = "620725101001"  # 长城社区居民委员会 (清泉镇)
BEITAN = "620725101201"  # 北滩村村民委员会 (清泉镇)
INSPECTOR = "ducha_shandan"  # 山丹县督查 卫督查
TOWNSHIP = "xiangzhen"  # 清泉镇 孙乡镇
DRAW_SEED = "demo-shandan-special-2026"  # also the mark that the demo is loaded


def user(username: str) -> User:
    return User.objects.get(username=username)


@dataclass(frozen=True)
class Step:
    """Something done `days` working days before the load's day, at `hour` o'clock;
    `run` is given that day."""

    days: int
    hour: int
    run: Callable[[dt.date], object]


def working_days_before(day: dt.date, days: int) -> dt.date:
    while days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Set the services' clock (core.clock, which every service reads) to `moment`
    for one step, as the tests' `clock_at` does; each reading a millisecond later, so
    the rows of one step keep their order."""
    real = clock.now
    ticks = itertools.count()
    clock.now = lambda: moment + dt.timedelta(milliseconds=next(ticks))
    try:
        yield
    finally:
        clock.now = real


def run_steps(steps: list[Step], today: dt.date) -> None:
    """Every step on its day, the days in order: the journal reads as a history. The
    sort is stable, so one story's steps on the same day and hour keep their order."""
    tz = timezone.get_current_timezone()
    for step in sorted(steps, key=lambda s: (-s.days, s.hour)):
        day = working_days_before(today, step.days)
        with clock_at(dt.datetime.combine(day, dt.time(step.hour), tzinfo=tz)):
            step.run(day)
