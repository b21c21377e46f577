from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a report reached the supervisors (REQ-088, DIV-09)."""

    HOTLINE = "hotline", _("监督电话")
    ONLINE = "online", _("网上监督平台")
    PETITION = "petition", _("信访")
    ONLINE_INQUIRY = "online_inquiry", _("网络问政")
    OTHER = "other", _("其他渠道")


class ReporterType(models.TextChoices):
    RESIDENT = "resident", _("办事群众")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    OTHER = "other", _("其他")


class UnitKind(models.TextChoices):
    """Who demanded the certificate (REQ-089: a department, a utility or an agency)."""

    DEPARTMENT = "department", _("政府部门")
    UTILITY = "utility", _("公共事业单位")
    SERVICE_AGENCY = "service_agency", _("服务机构")
    OTHER = "other", _("其他单位")


class CaseStatus(models.TextChoices):
    """REQ-089 / DIV-08: the steps of an unreasonable-demand case, in order."""

    REGISTERED = "registered", _("已登记，待核实")
    VERIFIED = "verified", _("已核实，待通报或曝光")
    UNFOUNDED = "unfounded", _("经核实不属实")
    NOTIFIED = "notified", _("已通报，待反馈主管部门")
    FEEDBACK_SENT = "feedback_sent", _("已反馈，待整改答复")
    RESPONDED = "responded", _("已答复整改，待上级纠正")
    CORRECTED = "corrected", _("上级已纠正，待办结")
    CLOSED = "closed", _("已办结")


OPEN_CASE_STATUSES = frozenset(
    {
        CaseStatus.REGISTERED,
        CaseStatus.VERIFIED,
        CaseStatus.NOTIFIED,
        CaseStatus.FEEDBACK_SENT,
        CaseStatus.RESPONDED,
        CaseStatus.CORRECTED,
    }
)


class ResponseStatus(models.TextChoices):
    """The recipient's rectification (REQ-091)."""

    IN_PROGRESS = "in_progress", _("整改中")
    DONE = "done", _("已整改")
    DISPUTED = "disputed", _("有异议")


class InspectionMode(models.TextChoices):
    """REQ-094: the ways an inspection is done (001 and 004)."""

    UNANNOUNCED = "unannounced", _("明察暗访")
    FIELD_RESEARCH = "field_research", _("实地调研")
    RANDOM = "random", _("随机检查")
    SPECIAL = "special", _("专项督导")


class FindingKind(models.TextChoices):
    NON_COMPLIANT_SEAL_USE = "seal_use", _("违规用印")
    UNREASONABLE_DEMAND = "demand", _("违规要求出具证明")
    OTHER = "other", _("其他问题")


class ItemStatus(models.TextChoices):
    """A rectification item (整改清单条目, REQ-096, REQ-097)."""

    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已销号")
    REOPENED = "reopened", _("问题反弹，重新整改")


OPEN_ITEM_STATUSES = frozenset({ItemStatus.OPEN, ItemStatus.REOPENED})


class ItemEventKind(models.TextChoices):
    OPENED = "opened", _("列入整改清单")
    EVIDENCE = "evidence", _("提交整改材料")
    CLOSED = "closed", _("整改销号")
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled", _("安排回头看")
    FOLLOW_UP_CLEAN = "follow_up_clean", _("回头看未发现反弹")
    RELAPSE = "relapse", _("回头看发现反弹，重新整改")


class AlertKind(models.TextChoices):
    """What the nightly scan of the registers looks for (beyond the seeds)."""

    OFF_HOURS = "off_hours", _("非工作时间用印")
    UNCONFIRMED = "unconfirmed", _("登记长期未经居民签字确认")
    TAKEOUT_OVERDUE = "takeout_overdue", _("印章带离逾期未还")
    HANDOVER_OVERDUE = "handover_overdue", _("印章移交逾期未完成")
    RESIDENT_BURST = "resident_burst", _("同一居民短期内多次开具证明")
    PURPOSE_BURST = "purpose_burst", _("同一用途短期内大量开具证明")
    REFUSED_THEN_ISSUED = "refused_then_issued", _("负面清单事项被拒后改项出具")
    REFUSAL_OUTLIER = "refusal_outlier", _("正面清单事项拒绝率远高于同县其他村（居）")
    # REQ-121: 未经请示同意，任何人不得擅自加盖公章.
    UNAPPROVED_SEALING = "unapproved_sealing", _("用印没有签批记录")


class SealingProblem(models.TextChoices):
    """Why a sealing shows no recorded approval (REQ-121, the evidence's "problem")."""

    NO_USAGE_REQUEST = "no_usage_request", _("登记的用印申请不存在")
    NOT_APPROVED = "not_approved", _("没有主任签批记录")
    APPROVED_AFTER = "approved_after_sealing", _("签批记录晚于用印登记")
    ENTRY_NOT_CLAIMED = "entry_not_claimed", _("已签批，但未经印章管理人登记用印")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("已排除")
    CHECKED = "checked", _("已转为检查")
