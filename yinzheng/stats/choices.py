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
