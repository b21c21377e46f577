import json

from django.core.management.base import BaseCommand, CommandError

from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.ledger import services
from yinzheng.registers.services import archives, checkpoints
from yinzheng.registers.services import books as registers


class Command(BaseCommand):
    help = (
        "台账链操作：verify 校验全部（或指定）哈希链、检查点和归档，发现问题时以状态码 1"
        "退出；checkpoint 由乡镇签署登记簿链头；archive 年终归档登记簿"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验哈希链")
        verify.add_argument("--chain", help="只校验这一条链（链标识）")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出")
        cp = sub.add_parser("checkpoint", help="签署登记簿链头（适合每日定时运行）")
        cp.add_argument("--under", help="只签署此区划代码之下的登记簿")
        ar = sub.add_parser("archive", help="年终归档登记簿（REQ-074）")
        ar.add_argument("--year", type=int, required=True, help="归档年度")
        ar.add_argument(
            "--committee",
            action="append",
            required=True,
            help="村（居）委会代码，可重复",
        )
        ar.add_argument(
            "--register",
            choices=registers.Register.ALL,
            action="append",
            help="只归档这一种登记簿（默认两种）",
        )
        ar.add_argument("--note", default="", help="未经居民确认条目的说明")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self._verify(options.get("chain"), options.get("json", False))
        elif action == "checkpoint":
            made = checkpoints.checkpoint_all(actor=SYSTEM, under=options.get("under"))
            for cp in made:
                self.stdout.write(f"{cp.chain.key}: 签署至序号 {cp.seq}")
            self.stdout.write(f"共签署 {len(made)} 个检查点")
        elif action == "archive":
            self._archive(options)

    def _archive(self, options) -> None:
        failed = False
        for code in options["committee"]:
            for register in options.get("register") or registers.Register.ALL:
                try:
                    archive = archives.register_archive(
                        actor=SYSTEM,
                        committee_code=code,
                        register=register,
                        year=options["year"],
                        unconfirmed_note=options["note"],
                    )
                except DomainError as exc:
                    failed = True
                    self.stderr.write(f"{code} {register}: {exc.message}")
                    continue
                self.stdout.write(
                    f"{code} {register} {options['year']}: {archive.entries} 条，"
                    f"PDF {archive.checkpoint.pdf_sha256[:16]}…，"
                    f"xlsx {archive.checkpoint.xlsx_sha256[:16]}…"
                )
        if failed:
            raise SystemExit(1)

    def _verify(self, chain_key: str | None, as_json: bool) -> None:
        reports = services.verify(chain_key=chain_key)
        if chain_key and not reports:
            raise CommandError(f"没有这条链：{chain_key}")
        broken = [r for r in reports if not r.ok]
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not broken,
                        "chains": len(reports),
                        "entries": sum(r.entries for r in reports),
                        "broken": [b.__dict__ for r in broken for b in r.breaks],
                        "reports": [r.as_dict() for r in reports],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for r in reports:
                state = "完好" if r.ok else "断裂"
                self.stdout.write(f"{r.chain}: {r.entries} 条，{state}")
                for b in r.breaks:
                    self.stdout.write(
                        f"  第一个问题：序号 {b.seq}（条目 {b.entry_id}）{b.problem}"
                    )
        if broken:
            raise SystemExit(1)
