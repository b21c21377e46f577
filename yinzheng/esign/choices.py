from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPurpose(models.TextChoices):
    """The key hierarchy: county root → township issuing authority (制发机关) → seal."""

    ROOT = "root", _("县级根密钥")
    AUTHORITY = "authority", _("乡镇（街道）制发机关密钥")
    SEAL = "seal", _("电子印章密钥")
