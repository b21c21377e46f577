"""`yinzheng sms-test` (issue 16): one message through the configured gateway."""

import pytest
from django.core.management import CommandError, call_command


def test_sms_test_sends_through_the_configured_gateway(db, sms_outbox, capsys):
    call_command("sms_test", "13912345678")
    assert sms_outbox == [("13912345678", "【印证】短信网关测试，请忽略。")]
    assert "139****5678" in capsys.readouterr().out


def test_sms_test_refuses_a_landline(db, sms_outbox):
    with pytest.raises(CommandError, match="手机号码"):
        call_command("sms_test", "0936-5512345")
    assert not sms_outbox
