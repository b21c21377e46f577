"""The statistics demo: 山丹县's 《应由基层群众性自治组织出具证明事项统计表》 opened three
weeks ago with a deadline ten days ago; 清泉镇 submitted in time, the public security
bureau is still filling in its return, every other unit is late (REQ-100–102)."""

import datetime as dt

from django.utils import timezone

from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.stats import services
from yinzheng.stats.models import StatsTable

from .supervision.common import clock_at, user

SHANDAN, QINGQUAN = "620725", "620725101"
ROWS = [
    {
        "item_name": "居民死亡证明（非正常死亡除外）",
        "basis": "《殡葬管理条例》；国家卫生健康委等《关于进一步规范出生医学证明"
        "和死亡证明管理工作的通知》",
        "implementing_unit": "村（居）民委员会",
        "competent_department": "县卫生健康局、县民政局",
        "note": "",
    },
    {
        "item_name": "实际居住情况证明",
        "basis": "《甘肃省城乡居民最低生活保障办法》",
        "implementing_unit": "村（居）民委员会",
        "competent_department": "县民政局",
        "note": "用于低保申请",
    },
    {
        "item_name": "家庭经济困难情况证明",
        "basis": "《甘肃省学生资助管理办法》",
        "implementing_unit": "村（居）民委员会",
        "competent_department": "县教育局",
        "note": "",
    },
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def load_demo_stats() -> None:
    if StatsTable.objects.filter(county_id=SHANDAN).exists():
        return  # loaded before
    today = clock.today()
    with clock_at(_at(today - dt.timedelta(days=21), 9)):
        table = services.table_create(
            actor=user("minzheng"),
            county_code=SHANDAN,
            deadline=today - dt.timedelta(days=10),
            departments=[
                Department.PUBLIC_SECURITY,
                Department.HEALTH,
                Department.HUMAN_RESOURCES,
            ],
            note="各乡镇（街道）、各部门全面梳理村（居）实际出具的证明事项及其依据，逐项填报。",
        )
    township = user("xiangzhen")
    with clock_at(_at(today - dt.timedelta(days=12), 15)):
        ret = services.return_open(
            actor=township, table_id=table.pk, township_code=QINGQUAN
        )
        for row in ROWS:
            services.row_add(actor=township, return_id=ret.pk, values=row)
        services.return_submit(actor=township, return_id=ret.pk)
    police = user("gongan")
    with clock_at(_at(today - dt.timedelta(days=3), 10)):
        draft = services.return_open(
            actor=police, table_id=table.pk, department=Department.PUBLIC_SECURITY
        )
        services.row_add(
            actor=police,
            return_id=draft.pk,
            values={
                "item_name": "户籍关系证明",
                "basis": "《中华人民共和国户口登记条例》",
                "implementing_unit": "公安派出所",
                "competent_department": "县公安局",
                "note": "拟由派出所出具，不再要求村（居）委会开具",
            },
        )
