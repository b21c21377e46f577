"""The reporting demo (REQ-105, REQ-108–110): 山丹县's reporting line (its bureau's
基层政权和社区建设股 receives the townships' reports, 张掖市民政局 the county's); a liaison
for every township but 中牧公司山丹马场, which shows as the gap on the bureau's contact
list; from 清泉镇 a progress report waiting for the bureau to sign for it, a problem
report it signed for, and the township summary in its five sections, submitted; two
assessments each of 清泉镇 and 位奇镇, three months apart."""

import datetime as dt

from django.utils import timezone

from yinzheng.core import clock
from yinzheng.stats import services
from yinzheng.stats.choices import Rating, ReportKind
from yinzheng.stats.models import UpwardReport

from .supervision.common import clock_at, user

SHANDAN, ZHANGYE = "620725", "6207"
QINGQUAN, WEIQI = "620725101", "620725102"
BUREAU, TOWNSHIP = "minzheng", "xiangzhen"  # 山丹县民政局 王民政, 清泉镇 孙乡镇
# Every township of 山丹县 but the last, which is left without one (REQ-109's gap).
LIAISONS = [
    ("620725101", "孙晓梅", "党政综合办公室主任", "13909361101"),
    ("620725102", "刘建国", "社会事务办公室主任", "13909361102"),
    ("620725103", "马丽娟", "民政助理员", "0936-5512103"),
    ("620725104", "陈志强", "社会事务办公室副主任", "13909361104"),
    ("620725105", "王海燕", "民政助理员", "13909361105"),
    ("620725106", "赵文斌", "党政综合办公室副主任", "13909361106"),
    ("620725203", "李春花", "民政助理员", "13909361203"),
    ("620725204", "张永福", "社会事务办公室主任", "0936-5512204"),
    ("620725400", "何立新", "社区管理办公室主任", "13909361400"),
]
SUMMARY = {
    "implementation": "镇党委、政府成立规范村级组织工作事务领导小组，逐村（社区）梳理"
    "实际出具的证明事项，对照县级清单逐项核对，印发本镇实施方案。",
    "results": "全镇 26 个村（社区）取消无法律法规依据的证明 14 项，保留的 9 项证明"
    "全部按统一式样出具，证明开具平均时间由 2 天缩短为当场办结。",
    "problems": "个别县直部门和驻镇单位仍要求村（社区）出具居住、收入类证明；"
    "部分村干部对负面清单掌握不够熟练。",
    "next_steps": "开展“回头看”，对各村（社区）证明台账逐月抽查；"
    "会同县直部门清理办事指南中的证明要求。",
    "suggestions": "建议市级统一证明事项清单式样和电子印章标准，"
    "推动部门间信息共享核查，减少对村级证明的依赖。",
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def load() -> None:
    """Idempotent: nothing is added once 清泉镇 has sent a report."""
    if UpwardReport.objects.filter(sender_id=QINGQUAN).exists():
        return
    today = clock.today()
    bureau, township = user(BUREAU), user(TOWNSHIP)

    def day(days_ago: int, hour: int) -> dt.datetime:
        return _at(today - dt.timedelta(days=days_ago), hour)

    with clock_at(day(60, 9)):
        services.reporting_line_set(
            actor=bureau,
            county_code=SHANDAN,
            bureau_name="山丹县民政局基层政权和社区建设股",
            superior_code=ZHANGYE,
            superior_name="张掖市民政局",
        )
        for code, name, position, phone in LIAISONS:
            services.liaison_set(
                actor=bureau,
                township_code=code,
                name=name,
                position=position,
                phone=phone,
            )

    with clock_at(day(20, 10)):  # REQ-108: a problem, signed for by the bureau
        problem = services.report_draft(
            actor=township,
            sender_code=QINGQUAN,
            kind=ReportKind.PROBLEM,
            title="县供电公司营业厅仍要求村（社区）出具房屋产权证明",
            body="近期有 3 名居民反映，办理用电过户时营业厅要求出具村（社区）"
            "开具的房屋产权证明。该事项已列入负面清单，请县民政局协调县供电公司"
            "改为查验不动产权证书。",
        )
        services.report_submit(actor=township, report_id=problem.pk)
    with clock_at(day(19, 15)):
        services.report_receive(actor=bureau, report_id=problem.pk)

    with clock_at(day(6, 11)):  # REQ-105: the summary, all five sections written
        summary = services.report_draft(
            actor=township,
            sender_code=QINGQUAN,
            kind=ReportKind.SUMMARY,
            title="清泉镇规范村级组织出具证明工作总结",
            implementation=SUMMARY["implementation"],
            results=SUMMARY["results"],
            problems=SUMMARY["problems"],
            next_steps=SUMMARY["next_steps"],
            suggestions=SUMMARY["suggestions"],
        )
        services.report_submit(actor=township, report_id=summary.pk)

    with clock_at(day(2, 16)):  # REQ-108: waits in the bureau's inbox
        progress = services.report_draft(
            actor=township,
            sender_code=QINGQUAN,
            kind=ReportKind.PROGRESS,
            title="清泉镇证明事项清单落实进展（第二季度）",
            body="全镇 26 个村（社区）均已在便民服务场所公示证明事项清单和办事指南；"
            "证明台账已全部启用电子登记，本季度出具证明 412 件，拒绝无依据证明要求 "
            "37 次。",
        )
        services.report_submit(actor=township, report_id=progress.pk)

    # REQ-110: two assessments each, a quarter apart.
    for code, earlier, later in (
        (
            QINGQUAN,
            (Rating.FAIR, "清单已公示，台账尚未全部启用。"),
            (Rating.GOOD, "清单公示到位，台账规范，负面清单执行较好。"),
        ),
        (
            WEIQI,
            (Rating.POOR, "摸排未完成，个别村仍出具无依据证明。"),
            (Rating.FAIR, "摸排已完成，清单公示中。"),
        ),
    ):
        for days_ago, (rating, notes) in ((100, earlier), (10, later)):
            with clock_at(day(days_ago, 17)):
                services.assessment_record(
                    actor=bureau,
                    township_code=code,
                    assessed_on=today - dt.timedelta(days=days_ago),
                    rating=rating,
                    notes=notes,
                )
