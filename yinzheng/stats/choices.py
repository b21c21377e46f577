from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    """A reporting unit's statistics table (REQ-102)."""

    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")


class UnitStatus(models.TextChoices):
    """What the bureau's list shows for each unit (REQ-102)."""

    NOT_STARTED = "not_started", _("未填报")
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    LATE = "late", _("逾期未报")


class SourceType(models.TextChoices):
    """REQ-099: where an inventory entry comes from."""

    PRACTICE = "practice", _("实际出具")
    LOCAL_RULE = "local_rule", _("地方规定要求")
    DEMAND = "demand", _("部门、单位要求")


class Disposition(models.TextChoices):
    """REQ-099: what becomes of an entry (谁主管、谁负责)."""

    KEEP = "keep", _("保留（有依据）")
    CANCEL = "cancel", _("取消")


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("摸排中")
    CLOSED = "closed", _("已结束")


class Responsible(models.TextChoices):
    """Who delivers a campaign deliverable (REQ-104): the campaign's lead body (the
    county bureau, or the province for a provincial plan) or every unit below it."""

    LEAD = "lead", _("牵头单位")
    UNITS = "units", _("各单位")


class DeliverableLink(models.TextChoices):
    """What a deliverable is done with elsewhere in the system (REQ-106)."""

    NONE = "", _("无")
    SURVEY = "survey", _("证明事项摸排")
    STATS_TABLE = "stats_table", _("证明事项统计表")
    LISTS = "lists", _("证明事项清单")
    INSPECTION = "inspection", _("专项督查抽查")
    REPORT = "report", _("向上级报送报告")


class ReportKind(models.TextChoices):
    """REQ-108: what a unit sends upward; REQ-105: the township summary and the
    county's consolidated report."""

    PROGRESS = "progress", _("工作进展")
    PROBLEM = "problem", _("存在问题")
    GOOD_PRACTICE = "good_practice", _("经验做法")
    LOCAL_DOCUMENT = "local_document", _("本地文件")
    SUMMARY = "summary", _("总结报告")
    CONSOLIDATED = "consolidated", _("汇总报告")


# REQ-105: the summary and the consolidated report have these five sections.
SECTIONED_KINDS = frozenset({ReportKind.SUMMARY, ReportKind.CONSOLIDATED})


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已签收")


class Rating(models.TextChoices):
    """REQ-110: a periodic progress assessment of a township."""

    EXCELLENT = "excellent", _("好")
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")
