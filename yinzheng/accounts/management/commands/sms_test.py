"""`yinzheng sms-test PHONE`: send one test message through the configured SMS gateway
(YINZHENG_SMS_BACKEND), to check it before residents depend on it (issue 16)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts import phone_codes
from yinzheng.core import clock, masking, sms
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "测试短信网关：向指定手机号码发送一条测试短信（YINZHENG_SMS_BACKEND），"
        "并清除已过期的短信验证码；yinzheng sms-test 手机号码"
    )

    def add_arguments(self, parser):
        parser.add_argument("phone", help=_("接收测试短信的 11 位手机号码"))

    def handle(self, *args, phone, **options):
        try:
            number = phone_codes.mobile_phone(phone)
            sms.send(number, "【印证】短信网关测试，请忽略。")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        purged = phone_codes.phone_codes_purge(before=clock.now())
        self.stdout.write(
            f"已通过 {settings.SMS_BACKEND} 发送测试短信至 {masking.mask_phone(number)}；"
            f"清除过期验证码 {purged} 条"
        )
