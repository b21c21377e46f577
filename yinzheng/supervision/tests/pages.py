"""What the page tests share besides their fixtures (conftest.py): the day, an alert
made by hand, a response's text."""

import datetime as dt

from django.utils import timezone

from yinzheng.supervision.choices import AlertKind
from yinzheng.supervision.models import Alert

TODAY = dt.date(2026, 3, 2)  # a Monday


def make_alert(committee: str) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=AlertKind.OFF_HOURS,
        fingerprint=f"off_hours:{committee}:2026-02",
        committee_id=committee,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        summary="2026-02 有 3 次用印登记在非工作时间",
        evidence=[
            {"entry": 11, "register": "register_use:x", "seq": 4, "at": "22:10"},
            {"takeout": 7, "seal": "公章"},
        ],
        raised_at=now,
        refreshed_at=now,
    )


def text_of(response) -> str:
    return response.content.decode()
