import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.registers.services import archives, checkpoints, integrity
from yinzheng.registers.services import books as registers


class Command(BaseCommand):
    help = gettext_noop(
        "台账链操作：verify 校验全部（或指定）哈希链、检查点及其序列、归档、用印事项"
        "和核验查询存证，"
        "发现问题时以状态码 1 退出；checkpoint 签署全部链头（登记簿由乡镇、审计链由县）；"
        "anchor 导出已签署的检查点锚定；archive 年终归档登记簿"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, help=_("要执行的操作")
        )
        verify = sub.add_parser("verify", help=_("校验哈希链"))
        verify.add_argument("--chain", help=_("只校验这一条链（链标识）"))
        verify.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        verify.add_argument(
            "--anchor",
            help=_("与保存在数据库之外的检查点锚定（ledger anchor 导出的 JSON）比对"),
        )
        cp = sub.add_parser("checkpoint", help=_("签署全部链头（须每日定时运行）"))
        cp.add_argument("--under", help=_("只签署此区划代码之下的链"))
        an = sub.add_parser(
            "anchor", help=_("导出最新的已签署检查点（JSON），存于库外")
        )
        an.add_argument("--under", help=_("只导出此区划及其上级的签署序列"))
        an.add_argument("--out", help=_("写入此文件（默认标准输出）"))
        ar = sub.add_parser("archive", help=_("年终归档登记簿"))
        ar.add_argument("--year", type=int, required=True, help=_("归档年度"))
        ar.add_argument(
            "--committee",
            action="append",
            required=True,
            help=_("村（居）委会代码，可重复"),
        )
        ar.add_argument(
            "--register",
            choices=registers.Register.ALL,
            action="append",
            help=_("只归档这一种登记簿（默认两种）"),
        )
        ar.add_argument("--note", default="", help=_("未经居民确认条目的说明"))
        ar.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "检查后排队，由 yinzheng db_worker 进程生成（YINZHENG_TASKS=database；"
                "默认立即生成）"
            ),
        )

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self._verify(
                options.get("chain"), options.get("json", False), options.get("anchor")
            )
        elif action == "anchor":
            held = json.dumps(
                journal_checkpoints.anchor(under=options.get("under")),
                ensure_ascii=False,
                indent=2,
            )
            if options.get("out"):
                Path(options["out"]).write_text(held + "\n", encoding="utf-8")
            else:
                self.stdout.write(held)
        elif action == "checkpoint":
            made = checkpoints.checkpoint_everything(
                actor=SYSTEM, under=options.get("under")
            )
            for cp in made:
                self.stdout.write(f"{cp.chain.key}: 签署至序号 {cp.seq}")
            self.stdout.write(f"共签署 {len(made)} 个检查点")
        elif action == "archive":
            self._archive(options)

    def _archive(self, options) -> None:
        failed = False
        for code in options["committee"]:
            for register in options.get("register") or registers.Register.ALL:
                arguments = {
                    "actor": SYSTEM,
                    "committee_code": code,
                    "register": register,
                    "year": options["year"],
                    "unconfirmed_note": options["note"],
                }
                try:
                    if options.get("enqueue"):
                        asked = archives.register_archive_request(**arguments)
                        archive = asked.archive
                    else:
                        archive = archives.register_archive(**arguments)
                except DomainError as exc:
                    failed = True
                    self.stderr.write(f"{code} {register}: {exc.message}")
                    continue
                if archive is None:
                    self.stdout.write(
                        f"{code} {register} {options['year']}: 已排队，任务 "
                        f"{asked.task_id}（yinzheng task-result 查看）"
                    )
                    continue
                self.stdout.write(
                    f"{code} {register} {options['year']}: {archive.entries} 条，"
                    f"PDF {archive.checkpoint.pdf_sha256[:16]}…，"
                    f"xlsx {archive.checkpoint.xlsx_sha256[:16]}…"
                )
        if failed:
            raise SystemExit(1)

    def _verify(self, chain_key: str | None, as_json: bool, anchor: str | None) -> None:
        held = None
        if anchor:
            try:
                held = json.loads(Path(anchor).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取锚定文件 {anchor}：{exc}") from exc
        report = integrity.verify_all(chain_key=chain_key, anchor=held)
        reports = report.chains
        if chain_key and not reports:
            raise CommandError(f"没有这条链：{chain_key}")
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "chains": len(reports),
                        "entries": sum(r.entries for r in reports),
                        "broken": [b.__dict__ for b in report.breaks],
                        "reports": [r.as_dict() for r in reports],
                        "checkpoint_series": {
                            label: [b.__dict__ for b in found]
                            for label, found in report.series.items()
                        },
                        "matters": [b.__dict__ for b in report.matters],
                        "personal": [b.__dict__ for b in report.personal],
                        "anchor": [b.__dict__ for b in report.anchor],
                        "queries": [b.__dict__ for b in report.queries],
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
                    self._problem(b)
            for label, found in report.series.items():
                self.stdout.write(f"{label}: {'完好' if not found else '断裂'}")
                for b in found:
                    self._problem(b)
            for title, found in (
                ("用印事项", report.matters),
                ("个人信息", report.personal),
                ("锚定", report.anchor),
                ("核验查询", report.queries),
            ):
                if found:
                    self.stdout.write(f"{title}: {len(found)} 个问题")
                    for b in found:
                        self._problem(b)
        if not report.ok:
            raise SystemExit(1)

    def _problem(self, b) -> None:
        if b.seq is None:
            where = f"条目 {b.entry_id}" if b.entry_id else ""
        elif b.entry_id:
            where = f"序号 {b.seq}（条目 {b.entry_id}）"
        else:
            where = f"序号 {b.seq}"
        since = (
            f"，最后一个与检查点一致的序号 {b.last_good_seq}"
            if b.last_good_seq is not None
            else ""
        )
        self.stdout.write(
            f"  {b.chain} 第一个问题：{where} {b.problem} {b.found}{since}".rstrip()
        )
