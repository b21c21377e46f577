"""The kinds of chain the journal keeps, with their names for people (issue 16)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainKind(models.TextChoices):
    AUDIT = "audit", _("审计日志")
    # The committees' two seal-use registers (REQ-069), kept by the registers app.
    REGISTER_WORK = "register_work", _("工作用印登记簿")
    REGISTER_CERTIFICATE = "register_certificate", _("出具证明事项登记簿")
