"""Signing keys, private halves encrypted at rest with the master key (design.md §4).

A township's authority key signs the checkpoints of its committees' registers now; the
electronic-seal work adds the certificates of the hierarchy (county root → township
issuing authority → seal) on the same rows.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import KeyPurpose


class KeyPair(models.Model):
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=12, choices=KeyPurpose.choices)
    algorithm = models.CharField(_("算法"), max_length=20, default="ecdsa-p256")
    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    public_key_pem = models.TextField(_("公钥（PEM）"))
    private_key_encrypted = models.BinaryField(_("私钥（加密）"))
    master_key_id = models.CharField(_("主密钥标识"), max_length=16)
    certificate_pem = models.TextField(_("证书（PEM）"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        ordering = ["division_id", "purpose", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "purpose"],
                condition=Q(retired_at__isnull=True) & ~Q(purpose="seal"),
                name="keypair_one_active_per_division_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.division_id} {self.key_id[:12]}"

    @property
    def division_code(self) -> str:
        return self.division_id
