from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    VILLAGE = "village", _("村民委员会")
    RESIDENTS = "residents", _("居民委员会")
    OTHER = "other", _("其他")


class CommitteeStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")
    ABOLISHED = "abolished", _("已撤销")
