from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts import services
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "解除登录限制：yinzheng unlock 用户名（清除该账号在各地址的失败计数）；"
        "yinzheng unlock --address IP（解除该地址尝试多个账号的限制）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "username", nargs="?", help=_("解除锁定的用户名；不填则只按地址解除")
        )
        parser.add_argument("--address", help=_("客户端 IP 地址"))

    def handle(self, *args, username, address, **options):
        if not username and not address:
            raise CommandError("请给出用户名或 --address")
        try:
            if username:
                services.login_unlock(actor=SYSTEM, username=username)
                self.stdout.write(f"已解除 {username} 的登录限制")
            if address:
                services.login_address_unlock(actor=SYSTEM, address=address)
                self.stdout.write(f"已解除地址 {address} 的登录限制")
        except DomainError as exc:
            raise CommandError(f"{username or address}：{exc.message}") from exc
