import json

from django.core.management.base import BaseCommand, CommandError

from yinzheng.ledger import services


class Command(BaseCommand):
    help = "台账链操作：verify 校验全部（或指定）哈希链，发现断裂时以状态码 1 退出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验哈希链")
        verify.add_argument("--chain", help="只校验这一条链（链标识）")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self._verify(options.get("chain"), options.get("json", False))

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
