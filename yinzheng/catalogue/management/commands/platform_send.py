import json

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue.models import GovPlatform
from yinzheng.catalogue.services import platform
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "向政务服务平台发送到期的清单、办事指南推送（定时任务），"
        "或用 --set 配置某区（县）的平台接收地址"
    )

    def add_arguments(self, parser):
        parser.add_argument("--under", metavar="CODE", help=_("只发送该区划以下的推送"))
        parser.add_argument(
            "--timeout",
            type=float,
            default=platform.DEFAULT_TIMEOUT,
            help=_("超时秒数"),
        )
        parser.add_argument(
            "--set",
            nargs=3,
            metavar=("COUNTY", "NAME", "URL"),
            help=_("配置区（县）的平台：区划代码、平台名称、接收地址"),
        )
        parser.add_argument(
            "--disable", metavar="COUNTY", help=_("停用该区（县）的平台推送")
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help=_("以 JSON 输出")
        )

    def handle(self, *args, under=None, timeout=10.0, as_json=False, **options):
        try:
            if options.get("set"):
                county, name, url = options["set"]
                saved = platform.platform_set(
                    actor=SYSTEM, county_code=county, name=name, endpoint=url
                )
                self.stdout.write(
                    f"已配置 {saved.division_id} {saved.name}：{saved.endpoint}"
                )
                return
            if options.get("disable"):
                row = GovPlatform.objects.filter(division_id=options["disable"]).first()
                if row is None:
                    raise CommandError(f"{options['disable']} 未配置政务服务平台")
                platform.platform_set(
                    actor=SYSTEM,
                    county_code=row.division_id,
                    name=row.name,
                    endpoint=row.endpoint,
                    enabled=False,
                )
                self.stdout.write(f"已停用 {row.division_id} 的平台推送")
                return
            outcomes = platform.platform_send(
                actor=SYSTEM, timeout=timeout, under=under
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"outcomes": [o.as_dict() for o in outcomes]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for o in outcomes:
            self.stdout.write(
                f"推送 {o.message_id}  {o.outcome}  {o.endpoint}  {o.detail}"
            )
        self.stdout.write(f"共 {len(outcomes)} 条")
