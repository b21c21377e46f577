"""Users and their role grants at divisions. A grant at a node covers its subtree."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Department, Role
from .policy import ScopedQuerySet


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleGrantQuerySet(ScopedQuerySet):
    def active(self) -> "RoleGrantQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("所在区划"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    department = models.CharField(
        _("所属部门"), max_length=20, choices=Department.choices, blank=True
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "grant.manage"

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "division_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "division", "department"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active_per_user_role_division",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.DEPARTMENT, department__gt="")
                | (~Q(role=Role.DEPARTMENT) & Q(department="")),
                name="rolegrant_department_only_for_department_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.division_id}"

    @property
    def division_code(self) -> str:
        return self.division_id


class LoginFailure(models.Model):
    """One failed login; counted per username and per address for throttling."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [models.Index(fields=["address", "at"], name="loginfailure_addr_at")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class PhoneCode(models.Model):
    """A one-time code sent by SMS to prove a resident holds a phone number (issue 16,
    REQ-113: the online application). Only digests are kept: the challenge token the
    client holds (SHA-256) and the code (HMAC with the installation's secret key)."""

    token_sha256 = models.CharField(_("凭据摘要"), max_length=64, unique=True)
    phone = models.CharField(_("手机号码"), max_length=20)
    code_hmac = models.CharField(_("验证码摘要"), max_length=64)
    address = models.GenericIPAddressField(_("请求地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["expires_at"], name="phonecode_expires")]

    def __str__(self) -> str:
        return (
            f"{self.phone[:3]}****{self.phone[-4:]} @ {self.created_at:%Y-%m-%d %H:%M}"
        )
