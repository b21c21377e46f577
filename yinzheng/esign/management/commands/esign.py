"""`yinzheng esign …`: the operator's side of the electronic-seal PKI.

trust-list [--under CODE] [--out FILE]   the published trust list, as JSON
crl CODE [--out FILE]                    the current CRL of a county (6 digits) or
                                         township (9 digits), DER
certify                                  certificates for electronic seals in use
                                         that have none (seals from before esign)
timestamp-renew [--before-days N]        a new archive timestamp on every issued
    [--enqueue [--batch N]]              certificate whose last timestamp's
                                         certificate expires within N days (365)
                                         or that has none (PAdES B-LTA, issue 14);
                                         with --enqueue in batches of N (200) on
                                         the task queue (issue 15)
rotate-master-key                        re-encrypt every private key and the
                                         registers' personal data: the old key in
                                         YINZHENG_OLD_MASTER_KEY, the new one in
                                         YINZHENG_MASTER_KEY (docs/operations.md)
"""

import datetime as dt
import json
import os
import sys

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand
from yinzheng.esign import archive, keys, pki, ports, services, trustlist
from yinzheng.ledger import personal


class Command(BaseCommand):
    help = gettext_noop(
        "电子印章：trust-list 信任列表；crl 吊销列表；certify 补发印章证书；"
        "timestamp-renew 续加存档时间戳；seal-queries 将核验查询记录存证到审计链；"
        "rotate-master-key 轮换主密钥"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, help=_("要执行的操作")
        )
        tl = sub.add_parser("trust-list", help=_("导出信任列表（JSON）"))
        tl.add_argument("--under", help=_("只导出此区划代码之下的证书"))
        tl.add_argument("--out", help=_("写入文件（默认标准输出）"))
        crl = sub.add_parser("crl", help=_("导出证书吊销列表（DER）"))
        crl.add_argument("code", help=_("县（6 位）或乡镇（9 位）代码"))
        crl.add_argument("--out", required=True, help=_("写入文件"))
        sub.add_parser("certify", help=_("为尚无证书的电子印章签发证书"))
        renew = sub.add_parser(
            "timestamp-renew",
            help=_("为最后一个时间戳证书即将到期的已出具证明续加存档时间戳"),
        )
        renew.add_argument(
            "--before-days",
            type=int,
            default=365,
            help=_("最后一个时间戳的证书在此天数内到期即续加（默认 365）"),
        )
        renew.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "分批排入任务队列（YINZHENG_TASKS=database 时由 yinzheng db_worker "
                "进程执行；默认立即执行）"
            ),
        )
        renew.add_argument(
            "--batch",
            type=int,
            default=200,
            help=_("每个任务的证明份数（默认 200，与 --enqueue 一起用）"),
        )
        seal = sub.add_parser(
            "seal-queries",
            help=_("将尚未存证的部门核验查询分批记入审计链（须定时运行）"),
        )
        seal.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "排入任务队列（YINZHENG_TASKS=database 时由 yinzheng db_worker "
                "进程执行；默认立即执行）"
            ),
        )
        sub.add_parser(
            "rotate-master-key", help=_("用新主密钥重新加密全部私钥和个人信息")
        )

    def handle(self, *args, action: str, **options):
        if action == "trust-list":
            text = json.dumps(
                trustlist.build(under=options.get("under")),
                ensure_ascii=False,
                indent=2,
            )
            if options.get("out"):
                with open(options["out"], "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                self.stdout.write(text)
        elif action == "crl":
            issuer = pki.issuer_for_division(options["code"])
            if issuer is None:
                raise CommandError(f"{options['code']} 没有签发证书的密钥")
            with open(options["out"], "wb") as fh:
                fh.write(bytes(pki.current_crl(issuer).der))
        elif action == "certify":
            self._certify()
        elif action == "timestamp-renew":
            self._timestamp_renew(
                options["before_days"],
                enqueue=options["enqueue"],
                batch=options["batch"],
            )
        elif action == "seal-queries":
            self._seal_queries(enqueue=options["enqueue"])
        elif action == "rotate-master-key":
            old = os.environ.get("YINZHENG_OLD_MASTER_KEY", "").strip()
            if not old:
                raise CommandError("请在 YINZHENG_OLD_MASTER_KEY 中给出原主密钥")
            new = settings.MASTER_KEY
            try:
                # One transaction: the private keys and the registers' personal
                # data move to the new key together, or neither does.
                with transaction.atomic():
                    count = keys.reseal_all(old_master=old, new_master=new)
                    keys.reseal_secrets(old_master=old, new_master=new)
                    data = personal.reseal_all(old_master=old, new_master=new)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"已用新主密钥重新加密 {count} 个私钥、{data} 项个人信息")

    def _certify(self) -> None:
        seals = ports.seals().electronic_without_certificate()
        failed = False
        for seal in seals:
            try:
                row = services.seal_certificate_issue(actor=SYSTEM, seal_id=seal.pk)
            except DomainError as exc:
                failed = True
                self.stderr.write(f"{seal.serial}: {exc.message}")
                continue
            self.stdout.write(f"{seal.serial}: {row.key_id[:16]}")
        if failed:
            sys.exit(1)

    def _timestamp_renew(self, before_days: int, *, enqueue: bool, batch: int) -> None:
        if before_days < 0:
            raise CommandError("--before-days 不能为负数")
        if batch < 1:
            raise CommandError("--batch 至少为 1")
        horizon = clock.now() + dt.timedelta(days=before_days)
        serials = archive.renewable_serials()
        if enqueue:
            self._enqueue_renewals(serials, horizon, batch)
            return
        done = archive.renew_many(actor=SYSTEM, serials=serials, horizon=horizon)
        for serial in done.renewed:
            self.stdout.write(f"{serial}: 已续加存档时间戳")
        for serial in done.not_renewable:
            self.stderr.write(f"{serial}: 无时间戳且印章证书已吊销，无法续加")
        for serial, error in done.failed.items():
            self.stderr.write(f"{serial}: {error}")
        self.stdout.write(
            f"续加 {len(done.renewed)} 份，无需续加 {done.current} 份，"
            f"无法续加 {len(done.not_renewable)} 份"
        )
        if done.failed:
            sys.exit(1)

    def _seal_queries(self, *, enqueue: bool) -> None:
        from yinzheng.esign import journal

        if enqueue:
            result = journal.seal_queries.enqueue()
            self.stdout.write(f"已排队任务 {result.id}")
            return
        self.stdout.write(f"已存证 {journal.seal_pending()} 条核验查询")

    def _enqueue_renewals(self, serials, horizon: dt.datetime, batch: int) -> None:
        from yinzheng.esign.tasks import renew_timestamps

        chunk: list[str] = []
        tasks = count = 0
        for serial in serials:
            chunk.append(serial)
            if len(chunk) == batch:
                renew_timestamps.enqueue(chunk, horizon.isoformat())
                tasks, count, chunk = tasks + 1, count + len(chunk), []
        if chunk:
            renew_timestamps.enqueue(chunk, horizon.isoformat())
            tasks, count = tasks + 1, count + len(chunk)
        self.stdout.write(f"已排队 {tasks} 个任务，共 {count} 份证明")
