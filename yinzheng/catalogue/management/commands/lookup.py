from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue import selectors
from yinzheng.core.management.base import BaseCommand
from yinzheng.divisions.models import Division


class Command(BaseCommand):
    help = gettext_noop(
        "“要我开……证明”：按口语查找证明事项，并给出村（居）委会能否出具及办事途径"
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help=_("口语描述，如：村里开个户籍证明"))
        parser.add_argument("--committee", help=_("村（居）委会代码：按其有效清单判断"))
        parser.add_argument(
            "--limit", type=int, default=5, help=_("最多列出几条结果（默认 5）")
        )
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, text, committee, limit, json: bool, **options):
        if committee and not Division.objects.filter(code=committee).exists():
            raise CommandError(f"区划 {committee} 不存在")
        if not 1 <= limit <= 50:
            raise CommandError("--limit 须在 1 到 50 之间")
        results = selectors.lookup_items(text, committee_code=committee, limit=limit)
        advice = selectors.lookup_advice(results)
        payload = {
            "query": text,
            "confidence": advice.confidence,
            "unsure": advice.unsure,
            "message": advice.message,
            "results": [
                {
                    "name": r.item.name,
                    "key": r.item.key,
                    "list": r.list,
                    "score": r.score,
                    "confidence": r.confidence,
                    "route": r.item.route if r.list != "positive" else "",
                    "responsible_departments": r.item.responsible_departments,
                }
                for r in results
            ],
        }
        if json:
            self.stdout.write(_dumps(payload))
            return
        self.stdout.write(advice.message)
        labels = {
            "negative": "不应由村（居）委会出具",
            "positive": "可出具",
            "none": "无依据",
        }
        sure = {"high": _("相符"), "medium": _("可能相符"), "low": _("仅供参考")}
        for r in results:
            self.stdout.write(
                f"{r.item.name}（{labels[r.list]}，{sure[r.confidence]} {r.score:.2f}）"
            )
            if r.list != "positive" and r.item.route:
                self.stdout.write(f"  办事途径：{r.item.route}")


def _dumps(value) -> str:
    import json as _json

    return _json.dumps(value, ensure_ascii=False, indent=2)
