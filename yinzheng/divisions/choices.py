from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    COUNTRY = 0, _("国家")
    PROVINCE = 1, _("省级")
    PREFECTURE = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级（乡镇、街道）")
    COMMITTEE = 5, _("村级（村、居委会）")


class CommitteeKind(models.TextChoices):
    VILLAGE = "village", _("村民委员会")
    RESIDENTS = "residents", _("居民委员会")
    OTHER = "other", _("其他")


class CommitteeStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")
    ABOLISHED = "abolished", _("已撤销")


# Length of the statistical code at each level (the country root has its own key).
CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.COMMITTEE: 12,
}
COUNTRY_CODE = "CN"
