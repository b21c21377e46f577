"""The campaign templates the seeds lay down, each kept apart (DIV-11: do not merge):
Sunan's six phases (REQ-104), Potou's five steps (REQ-106) and Shaanxi's county
milestone (REQ-107), with the dates and deliverables the documents give. A county
starts its own campaign from one (`services.campaigns.campaign_start`), shifted to its
own start month; the texts are the documents' own words, shortened."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from yinzheng.core.codes import Level

from .choices import DeliverableLink, Responsible

D = dt.date
LEAD, UNITS = Responsible.LEAD, Responsible.UNITS


@dataclass(frozen=True)
class DeliverableSpec:
    text: str
    due_on: dt.date | None
    responsible: str
    link: str = DeliverableLink.NONE


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    deliverables: tuple[DeliverableSpec, ...]


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    source: str
    # The level of the lead body and of the units tracked under it.
    lead_level: int
    unit_level: int
    starts_on: dt.date
    ends_on: dt.date
    phases: tuple[PhaseSpec, ...]


SUNAN = Template(
    code="sunan-2020",
    title="改进和规范基层群众性自治组织出具证明工作",
    source="肃南裕固族自治县改进和规范基层群众性自治组织出具证明工作实施方案",
    lead_level=Level.COUNTY,
    unit_level=Level.TOWNSHIP,
    starts_on=D(2020, 11, 1),
    ends_on=D(2023, 8, 31),
    phases=(
        PhaseSpec(
            "安排部署工作",
            D(2020, 11, 1),
            D(2020, 11, 30),
            (
                DeliverableSpec(
                    "制定具体实施方案，作出细致工作安排，全面启动工作",
                    D(2020, 11, 30),
                    LEAD,
                ),
            ),
        ),
        PhaseSpec(
            "摸排掌握情况",
            D(2020, 12, 1),
            D(2020, 12, 30),
            (
                DeliverableSpec(
                    "完成出具证明事项及有关法律法规依据的摸排梳理",
                    D(2020, 12, 30),
                    UNITS,
                    DeliverableLink.SURVEY,
                ),
                DeliverableSpec(
                    "填写《应由基层群众性自治组织出具证明事项统计表》并报县民政局",
                    D(2020, 12, 30),
                    UNITS,
                    DeliverableLink.STATS_TABLE,
                ),
            ),
        ),
        PhaseSpec(
            "制定事项清单",
            D(2021, 1, 1),
            D(2021, 3, 31),
            (
                DeliverableSpec(
                    "制定出台基层群众性自治组织出具证明事项清单",
                    D(2021, 3, 31),
                    LEAD,
                    DeliverableLink.LISTS,
                ),
            ),
        ),
        PhaseSpec(
            "编制办事指南",
            D(2021, 4, 1),
            D(2021, 5, 31),
            (
                DeliverableSpec(
                    "编制办事指南，在政府门户网站、政务服务平台、服务场所、"
                    "微信公众平台等同步公布",
                    D(2021, 5, 31),
                    LEAD,
                    DeliverableLink.LISTS,
                ),
            ),
        ),
        PhaseSpec(
            "全面组织实施",
            D(2021, 6, 1),
            None,
            (
                DeliverableSpec(
                    "按照建立完善的制度机制和工作流程组织实施，"
                    "针对新情况、新问题及时改进完善",
                    None,
                    UNITS,
                ),
            ),
        ),
        PhaseSpec(
            "认真总结评估",
            D(2023, 6, 1),
            D(2023, 7, 31),
            (
                DeliverableSpec(
                    "从工作落实、取得成效、存在问题、下步打算、意见建议等方面"
                    "总结工作开展情况，反馈县民政局",
                    D(2023, 6, 30),
                    UNITS,
                    DeliverableLink.REPORT,
                ),
                DeliverableSpec(
                    "开展实地调研，全面总结全县工作情况，形成报告上报市民政局",
                    D(2023, 7, 31),
                    LEAD,
                    DeliverableLink.REPORT,
                ),
            ),
        ),
    ),
)

POTOU = Template(
    code="potou-2022",
    title="深化社区“万能章”治理专项行动",
    source="湛坡民〔2022〕36号",
    lead_level=Level.COUNTY,
    unit_level=Level.TOWNSHIP,
    starts_on=D(2022, 4, 1),
    ends_on=D(2022, 10, 25),
    phases=(
        PhaseSpec(
            "印发工作方案",
            None,
            D(2022, 4, 25),
            (
                DeliverableSpec(
                    "制定并印发工作方案，明确目标任务、细化措施，安排好推进进度",
                    D(2022, 4, 25),
                    LEAD,
                ),
            ),
        ),
        PhaseSpec(
            "完善事项清单",
            None,
            D(2022, 6, 25),
            (
                DeliverableSpec(
                    "公布或调整完善出具证明事项的正面清单和负面清单，推动全面实施",
                    D(2022, 6, 25),
                    LEAD,
                    DeliverableLink.LISTS,
                ),
            ),
        ),
        PhaseSpec(
            "建立长效机制",
            None,
            D(2022, 8, 25),
            (
                DeliverableSpec(
                    "建立信息反馈、通报整改等机制，推动证明事项告知承诺制全面应用，"
                    "制作统一规范的表单样本，细化办事指南",
                    D(2022, 8, 25),
                    LEAD,
                ),
            ),
        ),
        PhaseSpec(
            "开展专项督查",
            None,
            D(2022, 9, 25),
            (
                DeliverableSpec(
                    "联合督查，每个镇（街道）抽取2个村（社区），"
                    "督查发现的问题形成整改清单，限时整改",
                    D(2022, 9, 25),
                    LEAD,
                    DeliverableLink.INSPECTION,
                ),
            ),
        ),
        PhaseSpec(
            "总结工作",
            None,
            D(2022, 10, 25),
            (
                DeliverableSpec(
                    "收集各镇（街道）工作进展情况，总结工作成效、典型经验及存在问题，"
                    "报送市民政局",
                    D(2022, 10, 25),
                    LEAD,
                    DeliverableLink.REPORT,
                ),
            ),
        ),
    ),
)

SHAANXI = Template(
    code="shaanxi-2022",
    title="规范基层群众性自治组织出具证明事项推进减负增效工作",
    source="陕西省民政厅等部门关于规范基层群众性自治组织出具证明事项推进减负增效工作的通知",
    lead_level=Level.PROVINCE,
    unit_level=Level.COUNTY,
    starts_on=D(2022, 1, 1),
    ends_on=D(2022, 6, 30),
    phases=(
        PhaseSpec(
            "县（市、区）完成制度建设",
            None,
            D(2022, 6, 30),
            (
                DeliverableSpec(
                    "社区依法履行职责事项、协助政府工作事项、"
                    "社区出具证明和不予出具证明事项等清单",
                    D(2022, 6, 30),
                    UNITS,
                    DeliverableLink.LISTS,
                ),
                DeliverableSpec("社区印章管理使用办法", D(2022, 6, 30), UNITS),
                DeliverableSpec("社区工作准入制度", D(2022, 6, 30), UNITS),
            ),
        ),
    ),
)

TEMPLATES: dict[str, Template] = {t.code: t for t in (SUNAN, POTOU, SHAANXI)}
TEMPLATE_LABELS = {
    SUNAN.code: _("肃南方案：6个阶段（2020年11月—2023年8月）"),
    POTOU.code: _("坡头方案：5个步骤（2022年）"),
    SHAANXI.code: _("陕西省：县级节点（2022年6月30日）"),
}


# Shifting a template to a county's own start (pure: no database) ---------------------


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start`'s month to `end`'s (days ignored)."""
    return (end.year - start.year) * 12 + end.month - start.month


def shift_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months. The day of the month stays, clamped to the target
    month's length; a month's last day stays the last day (2020-11-30 + 1 month is
    2020-12-31, 2021-01-31 + 1 month is 2021-02-28): the seeds' deadlines are "by the
    end of the month" (月底前) as often as they are dates."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    length = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, length)
    return dt.date(year, month, min(day.day, length))


def shift_optional(day: dt.date | None, months: int) -> dt.date | None:
    return None if day is None else shift_months(day, months)
