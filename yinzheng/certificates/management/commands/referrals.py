"""yinzheng referrals [--department DEPT] [--under CODE] [--all] [--json]

The cases referred to the departments (一门式, REQ-118) still waiting for them —
to acknowledge or to answer — oldest first, for a department and/or under a division
(the jurisdiction the case went to); with --all the closed ones too, with their answer.
An operator scripts it, e.g. a daily list per department; the resident's name is masked.
"""

import json
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.accounts.choices import Department
from yinzheng.certificates import selectors
from yinzheng.core import clock, masking
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import subtree_q
from yinzheng.core.management.base import BaseCommand
from yinzheng.divisions.models import Division


class Command(BaseCommand):
    help = gettext_noop(
        "列出转交相关部门办理、尚未办结的证明事项（可按部门、区划筛选；--all "
        "包括已办结的及其办理结果）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--department",
            help=_("部门：%s") % "、".join(Department.values),
        )
        parser.add_argument("--under", help=_("只列转交到此区划代码之下的"))
        parser.add_argument(
            "--all", action="store_true", help=_("包括已办结的及其办理结果")
        )
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, department, under, **options):
        found = selectors.referral_queue(SYSTEM, open_only=not options["all"])
        if department:
            if department not in Department.values:
                raise CommandError(
                    f"没有这个部门：{department}（可选：{'、'.join(Department.values)}）"
                )
            found = found.filter(department=department)
        if under:
            if not Division.objects.filter(code=under).exists():
                raise CommandError(f"没有这个区划：{under}")
            found = found.filter(subtree_q(under, "jurisdiction_id"))
        today = clock.today()
        rows: list[dict[str, Any]] = [
            {
                "id": r.pk,
                "request": r.request_id,
                "committee": r.request.committee.name,
                "resident": masking.mask_name(r.request.resident_name),
                "item": r.request.item_name,
                "department": r.department,
                "to": f"{r.jurisdiction.name}{r.get_department_display()}",
                "status": r.status,
                "referred_at": timezone.localtime(r.recorded_at).isoformat(
                    timespec="minutes"
                ),
                "days_open": (today - timezone.localtime(r.recorded_at).date()).days,
                "answer": r.answer,
            }
            for r in found
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"转交部门办理的证明事项 {len(rows)} 件：")
        for row in rows:
            line = (
                f"  #{row['id']} {row['committee']} {row['resident']}：{row['item']}"
                f" → {row['to']}，{row['status']}，{row['referred_at']} 转交"
                f"（{row['days_open']} 天）"
            )
            if row["answer"]:
                line += f"，办理结果：{row['answer'][:60]}"
            self.stdout.write(line)
