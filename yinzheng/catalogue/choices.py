from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    POSITIVE = "positive", _("出具证明事项清单（正面清单）")
    NEGATIVE = "negative", _("不应由村（居）委会出具的证明事项清单（负面清单）")
    # REQ-123: a certificate is needed, but the competent department issues it.
    DEPARTMENT = "department", _("应由相关部门出具的证明事项清单")
    DUTIES = "duties", _("依法履行职责事项清单")
    ASSISTANCE = "assistance", _("协助政府工作事项清单")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已公布")
    SUPERSEDED = "superseded", _("已被取代")


class BasisType(models.TextChoices):
    LAW = "law", _("法律")
    REGULATION = "regulation", _("法规")
    RETAINED_LIST = "retained_list", _("国务院保留证明事项清单")
    POLICY = "policy", _("政策")


# Only these make an item eligible for a positive list (REQ-004, DIV-07).
ELIGIBLE_BASIS_TYPES = frozenset(
    {BasisType.LAW, BasisType.REGULATION, BasisType.RETAINED_LIST}
)


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("简单（当场办结）")
    COMPLEX = "complex", _("复杂（限时办结）")


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApplicationKind(models.TextChoices):
    """The three types of the 准入、退出申请（报备）表 (REQ-021, REQ-025, REQ-026)."""

    ADMISSION = "admission", _("准入")
    EXIT = "exit", _("退出")
    FILING = "filing", _("报备")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    IN_REVIEW = "in_review", _("联审中")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    PUBLISHED = "published", _("已公布")
    FILED = "filed", _("已备案")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExitGround(models.TextChoices):
    """Why an item should leave a list (REQ-025, REQ-027)."""

    NO_BASIS = "no_basis", _("无法律法规依据")
    BASIS_REPEALED = "basis_repealed", _("设定依据已废止或修改")
    OUTDATED = "outdated", _("有依据但已不符合实际")
    UNVERIFIABLE = "unverifiable", _("有依据但村（居）委会无法核实")
    DATA_SHARING = "data_sharing", _("可通过信息共享核查")
    OTHER = "other", _("其他")


# Grounds where the law still requires the certificate: the item is marked "to be
# discontinued" and a proposal to amend the law is tracked before it can leave (REQ-027).
LAW_AMENDMENT_GROUNDS = frozenset({ExitGround.OUTDATED, ExitGround.UNVERIFIABLE})


class LawAmendmentStatus(models.TextChoices):
    NONE = "", _("不涉及")
    PROPOSED = "proposed", _("拟提请修改")
    SUBMITTED = "submitted", _("已提请修改")
    ADOPTED = "adopted", _("已修改")


class Opinion(models.TextChoices):
    PENDING = "", _("待反馈")
    AGREE = "agree", _("同意")
    AGREE_WITH_CHANGES = "agree_with_changes", _("修改后同意")
    DISAGREE = "disagree", _("不同意")


# The joint review: civil affairs leads with these five departments (REQ-023, DIV-03).
JOINT_REVIEW_DEPARTMENTS = (
    "development_reform",
    "public_security",
    "justice",
    "human_resources",
    "health",
)


class CleanupDisposition(models.TextChoices):
    """What a clean-up pass decides for each item of a list (REQ-011)."""

    KEEP = "keep", _("保留")
    NO_BASIS = "no_basis", _("取消：无法律法规依据")
    ON_NEGATIVE_LIST = "on_negative_list", _("取消：已列入上级负面清单")
    NOT_CERTIFICATE = "not_certificate", _("取消：不属于证明性质")
    SELF_SET = "self_set", _("取消：自行设定、无依据")
    TO_BE_DISCONTINUED = "to_be_discontinued", _("保留，拟提请修法后退出")


CLEANUP_REMOVALS = frozenset(
    {
        CleanupDisposition.NO_BASIS,
        CleanupDisposition.ON_NEGATIVE_LIST,
        CleanupDisposition.NOT_CERTIFICATE,
        CleanupDisposition.SELF_SET,
    }
)


class Channel(models.TextChoices):
    """The union of the publication channels the seeds name (REQ-078, DIV-06)."""

    PORTAL = "portal", _("政府门户网站")
    SERVICE_PLATFORM = "service_platform", _("政务服务平台")
    SERVICE_VENUE = "service_venue", _("政务服务场所")
    WEIBO = "weibo", _("政务微博")
    WECHAT = "wechat", _("政务微信公众号")
    COMMUNITY_NOTICE = "community_notice", _("社区醒目位置")
    COMMUNITY_ACCOUNT = "community_account", _("社区公众号")


class PlatformMessageStatus(models.TextChoices):
    """A message to the government-service platform (REQ-112)."""

    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败，已停止重试")
