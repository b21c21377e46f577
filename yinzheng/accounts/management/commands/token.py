from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.authtoken.models import Token

from yinzheng.accounts.models import User
from yinzheng.core.actors import SYSTEM
from yinzheng.core.management.base import BaseCommand
from yinzheng.ledger import audit


class Command(BaseCommand):
    help = gettext_noop(
        "为用户签发（或显示）接口令牌：yinzheng token 用户名 [--rotate]"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("用户名"))
        parser.add_argument(
            "--rotate", action="store_true", help=_("作废旧令牌并重新签发")
        )

    def handle(self, *args, username, rotate, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
            if created:
                # The key itself never enters the trail.
                audit.record(
                    actor=SYSTEM,
                    event="api_token.rotated" if rotate else "api_token.issued",
                    subject=user,
                )
        self.stdout.write(token.key)
