"""The statistics demo: 山丹县's inventory survey half done (four entries, two decided,
REQ-099), and its 《应由基层群众性自治组织出具证明事项统计表》 opened three weeks ago with a
deadline ten days ago; 清泉镇 submitted in time, the public security bureau is still
filling in its return, every other unit is late (REQ-100–102)."""

import datetime as dt

from django.utils import timezone

from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.stats import services
from yinzheng.stats.choices import Disposition, SourceType
from yinzheng.stats.models import StatsTable, Survey

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
    if not Survey.objects.filter(county_id=SHANDAN).exists():
        _survey(clock.today())
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


SURVEY_ENTRIES = [
    (
        "xiangzhen",
        "620725101001",
        SourceType.PRACTICE,
        {
            "item_name": "无犯罪记录证明",
            "responsible_department": "县公安局",
            "note": "长城社区曾为外出务工人员开具",
        },
        (Disposition.CANCEL, "属负面清单事项，由公安机关依法出具"),
    ),
    (
        "xiangzhen",
        "620725101201",
        SourceType.DEMAND,
        {
            "item_name": "房屋产权证明",
            "demanding_unit": "县供电公司营业厅",
            "responsible_department": "县住建局、县自然资源局",
        },
        (Disposition.CANCEL, "无法律法规依据，凭不动产权证书办理"),
    ),
    (
        "xiangzhen",
        "620725101",
        SourceType.LOCAL_RULE,
        {
            "item_name": "家庭经济困难情况证明",
            "basis": "《甘肃省学生资助管理办法》",
            "responsible_department": "县教育局",
        },
        None,
    ),
    (
        "gongan",
        SHANDAN,
        SourceType.PRACTICE,
        {"item_name": "户籍关系证明", "responsible_department": "县公安局"},
        None,
    ),
]


def _survey(today: dt.date) -> None:
    """Half done: four entries from the township and the police, two decided."""
    bureau = user("minzheng")
    with clock_at(_at(today - dt.timedelta(days=30), 9)):
        survey = services.survey_open(
            actor=bureau, county_code=SHANDAN, title="山丹县村（居）出具证明事项摸排"
        )
    for n, (who, where, source, fields, decision) in enumerate(SURVEY_ENTRIES):
        with clock_at(_at(today - dt.timedelta(days=25 - n), 10)):
            entry = services.entry_add(
                actor=user(who),
                survey_id=survey.pk,
                division_code=where,
                source_type=source,
                **fields,
            )
        if decision is not None:
            with clock_at(_at(today - dt.timedelta(days=15 - n), 16)):
                services.entry_dispose(
                    actor=bureau,
                    entry_id=entry.pk,
                    disposition=decision[0],
                    basis=decision[1],
                )
