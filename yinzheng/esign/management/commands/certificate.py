"""`yinzheng certificate verify FILE.pdf|TOKEN|SERIAL --code CODE [--json]`: is this
certificate genuine?

A PDF is checked for its PAdES signature, the seal's chain up to the county root, the
revocation of the seal at the signing time, the approved revision and the certificate
register entry; a token (or the address in the QR code) for its signature, the issued
record, revocation, withdrawal and the register entry. Exit status 0 when the
certificate is valid, 1 otherwise, with the reasons. `--offline TRUST_LIST.json`
checks a token against a downloaded trust list without the database. A paper
certificate's token (issue 14) is checked the same way, signed by its township; a
serial with `--code` (the check code printed beside it) is checked like its token.
"""

import json
import pathlib

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from yinzheng.core.management.base import BaseCommand
from yinzheng.esign import offline, tokens, verification
from yinzheng.esign.choices import Verdict

MARKS = {True: "✓", False: "✗", None: "·"}
OFFLINE_VERDICTS = {
    offline.VALID: gettext_lazy("有效"),
    offline.SEAL_REVOKED: gettext_lazy("印章已撤销，证明无效"),
    offline.UNKNOWN: gettext_lazy("无法核验"),
    offline.INVALID: gettext_lazy("签名无效或内容被改动"),
}
OFFLINE_REASONS = {
    "seal_not_listed": gettext_lazy("签发凭据的电子印章不在信任列表中"),
    "signature_invalid": gettext_lazy("凭据签名不成立，内容可能被改动"),
    "committee_mismatch": gettext_lazy("凭据所写的村（居）委会与印章不符"),
    "no_authority": gettext_lazy("信任列表中没有签发该印章证书的制发机关"),
    "no_root": gettext_lazy("信任列表中没有该制发机关的县级根证书"),
    "root_not_pinned": gettext_lazy("县级根证书不是指定信任的根证书"),
    "root_not_self_signed": gettext_lazy("县级根证书不是自签名证书"),
    "roots_unpinned": gettext_lazy("未指定根证书指纹：信任该列表中的根证书"),
    "outside_validity": gettext_lazy("出具日期不在印章证书的有效期内"),
    "expired": gettext_lazy("证明已超过有效期"),
    "revoked_before": gettext_lazy("印章在出具日期之前已撤销"),
    "revoked_same_day": gettext_lazy("印章在出具当日撤销，先后须在线核验"),
    "revoked_later": gettext_lazy("印章在出具之后撤销，证明仍然有效"),
    "authority_not_listed": gettext_lazy("签发凭据的制发机关不在信任列表中"),
    "authority_mismatch": gettext_lazy("凭据所写的村（居）委会不属于签发的制发机关"),
    "authority_revoked_before": gettext_lazy("制发机关证书在凭据生成前已吊销"),
    "paper_form": gettext_lazy("纸质证明：请同时核对纸面上的实物印章"),
}
FORMS = {"paper": gettext_lazy("纸质证明"), "electronic": gettext_lazy("电子证明")}


class Command(BaseCommand):
    help = gettext_noop(
        "证明核验：verify 核验 PDF 文件或二维码凭据（签名、证书链、吊销、登记簿）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, help=_("要执行的操作")
        )
        verify = sub.add_parser("verify", help=_("核验电子证明 PDF 或二维码凭据"))
        verify.add_argument(
            "subject", help=_("PDF 文件路径，或 YZ2:（或 YZ1:）凭据 / 核验网址")
        )
        verify.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        verify.add_argument(
            "--code",
            metavar="CHECK_CODE",
            help=_("证明编号旁的核验码：与编号一起核验（subject 为证明编号）"),
        )
        verify.add_argument(
            "--name", help=_("核对持有人姓名（在服务器上与出具时留存的密钥摘要比对）")
        )
        verify.add_argument(
            "--offline",
            metavar="TRUST_LIST",
            help=_("离线核验凭据：使用下载的信任列表（trust-list.json），不连数据库"),
        )
        verify.add_argument(
            "--pin",
            action="append",
            default=None,
            metavar="SHA256",
            help=_("离线核验时信任的县级根证书指纹，可重复"),
        )

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self._verify(options)

    def _verify(self, options) -> None:
        subject = options["subject"]
        data = None
        if options.get("code"):
            if options.get("offline"):
                raise CommandError("凭编号和核验码只能在线核验")
            self._report(
                verification.verify_check_code(
                    subject, options["code"], holder_name=options.get("name")
                ),
                options,
            )
            return
        if not subject.startswith(tokens.PREFIX) and "://" not in subject:
            path = pathlib.Path(subject)
            if not path.is_file():
                raise CommandError(f"文件不存在：{subject}")
            data = path.read_bytes()
        if options.get("offline"):
            self._offline(data, subject, options)
            return
        if data is not None and data.startswith(b"%PDF"):
            result = verification.verify_pdf(data, holder_name=options.get("name"))
        else:
            text = data.decode("utf-8", "replace").strip() if data else subject
            result = verification.verify_token(text, holder_name=options.get("name"))
        self._report(result, options)

    def _report(self, result: verification.Result, options) -> None:
        if options["json"]:
            self.stdout.write(
                json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(f"{result.verdict_label}：{result.reason}")
            for key, value in result.public().items():
                if key not in ("verdict", "verdict_label", "reason") and value:
                    self.stdout.write(f"  {key}: {value}")
            for check in result.checks:
                self.stdout.write(f"  {MARKS[check.ok]} {check.name}: {check.message}")
        if result.verdict != Verdict.VALID:
            raise SystemExit(1)

    def _offline(self, data: bytes | None, subject: str, options) -> None:
        try:
            trust = json.loads(pathlib.Path(options["offline"]).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"信任列表无法读取：{exc}") from exc
        if data is not None and data.startswith(b"%PDF"):
            raise CommandError("离线核验只适用于二维码凭据")
        text = data.decode("utf-8", "replace").strip() if data else subject
        pins = set(options["pin"]) if options.get("pin") else None
        result = offline.verify_token(
            text, trust, pinned_roots=pins, holder_name=options.get("name")
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(f"{result.verdict} {OFFLINE_VERDICTS[result.verdict]}")
            self.stdout.write(f"  form: {FORMS[result.form]}")
            for key, value in result.claims.items():
                self.stdout.write(f"  {key}: {value}")
            for reason in result.reasons:
                text = str(OFFLINE_REASONS.get(reason, gettext_lazy("凭据无法识别")))
                self.stdout.write(f"  {reason}: {text}")
        if result.verdict != offline.VALID:
            raise SystemExit(1)
