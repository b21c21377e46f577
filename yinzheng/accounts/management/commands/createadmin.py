import getpass
import os

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts import services
from yinzheng.accounts.choices import Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "创建系统管理员（全国范围的 admin 授权）。密码取自 YINZHENG_ADMIN_PASSWORD 或交互输入"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("管理员的用户名"))
        parser.add_argument("--full-name", default="", help=_("姓名"))

    def handle(self, *args, username: str, full_name: str, **options):
        password = os.environ.get("YINZHENG_ADMIN_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("请设置 YINZHENG_ADMIN_PASSWORD 或在终端中运行")
            password = getpass.getpass("密码 Password: ")
            if password != getpass.getpass("再次输入 Again: "):
                raise CommandError("两次输入的密码不一致")
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        try:
            user = services.user_create(
                actor=SYSTEM,
                username=username,
                password=password,
                full_name=full_name,
                is_superuser=True,
            )
            services.grant_role(
                actor=SYSTEM, user=user, role=Role.ADMIN, division_code="CN"
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"已创建系统管理员 {username}")
