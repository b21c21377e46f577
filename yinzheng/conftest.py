import datetime as dt

import pytest
from django.utils import timezone

from yinzheng.core.tests import factories


@pytest.fixture
def tree(db):
    """Two counties; county A has two townships; township A1 has committees A1a, A1b."""
    codes = {
        "A1a": "620725101001",
        "A1b": "620725101201",
        "A2a": "620725102001",
        "B1a": "440804001001",
    }
    for code in codes.values():
        factories.division(code)
    return codes


@pytest.fixture
def clock_at(monkeypatch):
    """Set the time every service reads (core.clock): clock_at(2027, 1, 5, 9)."""
    from yinzheng.core import clock

    def set_time(*parts: int) -> dt.datetime:
        moment = timezone.make_aware(dt.datetime(*parts))
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return set_time


@pytest.fixture
def sms_outbox(settings):
    """Text messages kept instead of sent (core.sms.MemoryBackend); the list of
    (phone, text) the test reads the one-time code from (issue 16)."""
    from yinzheng.core import sms

    settings.SMS_BACKEND = "yinzheng.core.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
