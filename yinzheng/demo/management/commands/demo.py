import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts.choices import Role
from yinzheng.core.management.base import BaseCommand
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo
from yinzheng.demo.safety import NotADemoDatabase, require_demo_database
from yinzheng.divisions.models import Division


def public_url_for(bind: str) -> str:
    """The address phones reach the demo at: the bound host, or for a wildcard bind
    (0.0.0.0, ::) this machine's address on its outward interface (no packet is
    sent: connecting a UDP socket only picks the route)."""
    host, _sep, port = bind.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    if host in {"0.0.0.0", "::"}:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
                host = probe.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}" if port else f"http://{host}"


class Command(BaseCommand):
    help = gettext_noop(
        "建立演示数据（山丹县、肃南县、坡头区及各角色演示账号）并启动服务"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help=_("只建数据，不启动")
        )
        parser.add_argument(
            "--bind",
            default=os.environ.get("YINZHENG_BIND", "127.0.0.1:8000"),
            help=_("监听地址和端口（默认 127.0.0.1:8000，或环境变量 YINZHENG_BIND）"),
        )

    def handle(self, *args, no_serve: bool, bind: str, **options):
        # Issue 14: the QR codes and CRL links of the demo point at the address it
        # serves on, unless YINZHENG_PUBLIC_URL says otherwise.
        public_url = os.environ.get("YINZHENG_PUBLIC_URL") or public_url_for(bind)
        # Asked before migrate too: a real database is not even migrated (issue 13).
        try:
            require_demo_database()
            call_command("migrate", interactive=False, verbosity=0)
            with override_settings(PUBLIC_URL=public_url):
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
        self.stdout.write(f"  二维码地址 QR address: {public_url}")
        # Issue 16: the online application; the demo's SMS gateway is the console.
        self.stdout.write(f"  网上申请 apply online: {public_url}/apply/")
        if settings.SMS_BACKEND == "yinzheng.core.sms.ConsoleBackend":
            self.stdout.write(
                "  短信验证码打印在本控制台 / one-time SMS codes are printed here"
            )
        self.stdout.write("")
        if not no_serve:
            settings.PUBLIC_URL = public_url  # this process becomes the server
            call_command("serve", bind=bind)
