import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yinzheng.accounts.choices import Role
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo
from yinzheng.demo.safety import NotADemoDatabase, require_demo_database
from yinzheng.divisions.models import Division


class Command(BaseCommand):
    help = "建立演示数据（山丹县、肃南县、坡头区及各角色演示账号）并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动")
        parser.add_argument(
            "--bind", default=os.environ.get("YINZHENG_BIND", "127.0.0.1:8000")
        )

    def handle(self, *args, no_serve: bool, bind: str, **options):
        # Asked before migrate too: a real database is not even migrated (issue 13).
        try:
            require_demo_database()
            call_command("migrate", interactive=False, verbosity=0)
            accounts = load_demo()
        except NotADemoDatabase as refused:
            raise CommandError(str(refused)) from None
        names = dict(
            Division.objects.filter(
                code__in=[a.division for a in accounts]
            ).values_list("code", "name")
        )
        self.stdout.write("")
        self.stdout.write(
            "演示账号（仅供演示，切勿用于正式系统） / demo accounts, demo only:"
        )
        self.stdout.write(f"  密码 password: {DEMO_PASSWORD}")
        for a in accounts:
            self.stdout.write(
                f"  {a.username:<16} {Role(a.role).label:<12} "
                f"{names.get(a.division, a.division)}（{a.division}）"
            )
        self.stdout.write("")
        if not no_serve:
            call_command("serve", bind=bind)
