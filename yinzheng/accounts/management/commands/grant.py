from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts import services
from yinzheng.accounts.choices import Department, Role
from yinzheng.accounts.models import User
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "授予岗位：yinzheng grant 用户名 角色 区划代码 [--department 部门]；--revoke 撤销授权"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("用户名"))
        parser.add_argument(
            "role", choices=Role.values, help=_("岗位：%s") % "、".join(Role.values)
        )
        parser.add_argument("code", help=_("区划代码，如 620725101001"))
        parser.add_argument(
            "--department",
            choices=Department.values,
            default="",
            help=_("职能部门（部门工作人员岗位填写）"),
        )
        parser.add_argument(
            "--full-name", default="", help=_("用户不存在时新建，并填写姓名")
        )
        parser.add_argument("--revoke", action="store_true", help=_("撤销该授权"))

    def handle(
        self, *args, username, role, code, department, full_name, revoke, **options
    ):
        try:
            user = User.objects.filter(username=username).first()
            if revoke:
                if user is None:
                    raise CommandError(f"用户 {username} 不存在")
                grant = user.grants.active().filter(role=role, division_id=code).first()
                if grant is None:
                    raise CommandError("没有这项有效授权")
                services.grant_revoke(actor=SYSTEM, grant_id=grant.pk)
                self.stdout.write(f"已撤销 {username} 在 {code} 的 {Role(role).label}")
                return
            if user is None:
                user = services.user_create(
                    actor=SYSTEM, username=username, password=None, full_name=full_name
                )
                self.stdout.write(f"已新建用户 {username}（尚无密码，请由管理员设置）")
            services.grant_role(
                actor=SYSTEM,
                user=user,
                role=role,
                division_code=code,
                department=department,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"已授予 {username} 在 {code} 的 {Role(role).label}")
