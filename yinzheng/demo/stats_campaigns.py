"""The campaigns demo: 山丹县 follows Sunan's six-phase plan (REQ-104), started three
months before the load's day so that it is mid-way: phase 1 done by the bureau; phase
2 (the inventory and the statistics table) past its deadline with 清泉镇 and 位奇镇
done and the other townships not — highlighted as overdue; phase 3 under way; the rest
ahead."""

import datetime as dt

from django.utils import timezone

from yinzheng.core import clock
from yinzheng.stats import services
from yinzheng.stats.campaign_templates import SUNAN, shift_months
from yinzheng.stats.models import Campaign, Deliverable

from .supervision.common import clock_at, user

SHANDAN, QINGQUAN, WEIQI = "620725", "620725101", "620725102"
BUREAU, TOWNSHIP = "minzheng", "xiangzhen"  # 山丹县民政局, 清泉镇


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def load(today: dt.date | None = None) -> Campaign | None:
    """The campaign and its completions, each on its own day; None when loaded
    before."""
    if Campaign.objects.filter(division_id=SHANDAN, template=SUNAN.code).exists():
        return None
    today = today or clock.today()
    start = shift_months(dt.date(today.year, today.month, 1), -3)
    bureau, township = user(BUREAU), user(TOWNSHIP)
    with clock_at(_at(start, 9)):
        campaign = services.campaign_start(
            actor=bureau,
            division_code=SHANDAN,
            template_code=SUNAN.code,
            starts_on=start,
            title="山丹县改进和规范基层群众性自治组织出具证明工作",
        )
    items = {
        f"{d.phase.number}.{d.number}": d
        for d in Deliverable.objects.filter(phase__campaign=campaign).select_related(
            "phase"
        )
    }

    def done(label: str, who, unit: str, days: int, note: str) -> None:
        due = items[label].due_on
        assert due is not None
        on = min(due + dt.timedelta(days=days), today)
        with clock_at(_at(on, 16)):
            services.completion_record(
                actor=who,
                deliverable_id=items[label].pk,
                unit_code=unit,
                completed_on=on,
                note=note,
            )

    done("1.1", bureau, SHANDAN, -3, "县政府办公室印发实施方案，召开动员部署会")
    done("2.1", township, QINGQUAN, -6, "梳理出具证明事项12项，逐项列明依据")
    done("2.2", township, QINGQUAN, -2, "统计表已盖章报县民政局")
    done("2.1", bureau, WEIQI, -1, "位奇镇电话报告已完成摸排，县民政局代为登记")
    done("2.2", bureau, WEIQI, 3, "逾期3日报送")
    return campaign
