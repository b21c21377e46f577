"""The integrated online government-service platform of a county, and the messages the
catalogue sends it when a list version or a guide is published (REQ-112)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import PlatformMessageStatus


class GovPlatform(models.Model):
    """Where a county's publications go: one endpoint per county (the platform of its
    province or its own), signed with the county's root key."""

    division = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("区（县）"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("平台名称"), max_length=200)
    endpoint = models.URLField(_("接收地址"), max_length=500)
    enabled = models.BooleanField(_("启用推送"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("设置时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("政务服务平台")
        verbose_name_plural = _("政务服务平台")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.division_id


class PlatformMessage(models.Model):
    """One publication for one platform: queued in the publication's transaction, sent
    with retries and back-off, its every attempt's outcome kept."""

    platform = models.ForeignKey(
        GovPlatform,
        verbose_name=_("政务服务平台"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    subject = models.CharField(_("推送内容"), max_length=80)  # "list_version:12"
    payload = models.JSONField(_("报文"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PlatformMessageStatus.choices,
        default=PlatformMessageStatus.QUEUED,
    )
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    response_status = models.PositiveIntegerField(
        _("平台应答码"), null=True, blank=True
    )
    last_error = models.TextField(_("最近错误"), blank=True)
    endpoint = models.URLField(_("发往地址"), max_length=500, blank=True)
    payload_sha256 = models.CharField(_("报文摘要"), max_length=64, blank=True)
    key_id = models.CharField(_("签名密钥标识"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "platform_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("政务服务平台推送")
        verbose_name_plural = _("政务服务平台推送")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "subject"], name="platform_message_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="platform_message_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} · {self.subject}"

    @property
    def division_code(self) -> str:
        return self.platform_id
