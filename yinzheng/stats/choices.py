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
