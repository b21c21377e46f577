from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    POSITIVE = "positive", _("出具证明事项清单（正面清单）")
    NEGATIVE = "negative", _("不应由村（居）委会出具的证明事项清单（负面清单）")
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
