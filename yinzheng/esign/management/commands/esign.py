"""`yinzheng esign …`: the operator's side of the electronic-seal PKI.

trust-list [--under CODE] [--out FILE]   the published trust list, as JSON
crl CODE [--out FILE]                    the current CRL of a county (6 digits) or
                                         township (9 digits), DER
certify                                  certificates for electronic seals in use
                                         that have none (seals from before esign)
rotate-master-key                        re-encrypt every private key and the
                                         registers' personal data: the old key in
                                         YINZHENG_OLD_MASTER_KEY, the new one in
                                         YINZHENG_MASTER_KEY (docs/operations.md)
"""

import json
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.esign import keys, pki, ports, services, trustlist
from yinzheng.ledger import personal


class Command(BaseCommand):
    help = (
        "电子印章：trust-list 信任列表；crl 吊销列表；certify 补发印章证书；"
        "rotate-master-key 轮换主密钥"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tl = sub.add_parser("trust-list", help="导出信任列表（JSON）")
        tl.add_argument("--under", help="只导出此区划代码之下的证书")
        tl.add_argument("--out", help="写入文件（默认标准输出）")
        crl = sub.add_parser("crl", help="导出证书吊销列表（DER）")
        crl.add_argument("code", help="县（6 位）或乡镇（9 位）代码")
        crl.add_argument("--out", required=True, help="写入文件")
        sub.add_parser("certify", help="为尚无证书的电子印章签发证书")
        sub.add_parser("rotate-master-key", help="用新主密钥重新加密全部私钥和个人信息")

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
