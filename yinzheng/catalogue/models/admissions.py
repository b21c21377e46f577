"""Admission, exit and filing applications and the opinions of their joint review
(REQ-021–030), with who sees which application (`ApplicationQuerySet.visible_to`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    Complexity,
    ExitGround,
    LawAmendmentStatus,
    Opinion,
)
from .items import Item
from .lists import CatalogueList, ListVersion


class ApplicationQuerySet(ScopedQuerySet["Application"]):
    def visible_to(
        self, user: Any, action_code: str | None = None
    ) -> "ApplicationQuerySet":
        """Applications on lists the user manages, those of the departments the user
        speaks for and those it is asked to review, on lists owned within its subtree
        (a list above it is not its to apply to, give an opinion on, nor read), and
        those awaiting an opinion from the user's townships (REQ-023). With another
        action, only the lists where the user may take it."""
        if action_code is not None:
            return super().visible_to(user, action_code)
        q = policy.scope(user, "catalogue.manage").q("catalogue_list__owner_id")
        for role, code, dept in policy.grants_of(user):
            if role == Role.DEPARTMENT and dept:
                q |= (Q(department=dept) | Q(opinions__department=dept)) & (
                    policy.Scope((code,)).q("catalogue_list__owner_id")
                )
            if role == Role.TOWNSHIP:
                q |= Q(opinions__township_id=code)
        # Filtered by id, so that counting or annotating the result does not count the
        # joins of this rule.
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class Application(models.Model):
    """An admission, exit or filing application (准入、退出申请（报备）表, REQ-021–030).

    A department asks the list owner's civil affairs bureau to admit an item onto a
    positive list, to take one off, or files a matter. Civil affairs opens a joint review,
    opinions are recorded, and a meeting decides; an approved admission or exit becomes
    the list's next version, and the decision is published (REQ-024).
    """

    TRANSITIONS = {
        ApplicationStatus.SUBMITTED: {
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.FILED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.IN_REVIEW: {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.APPROVED: {ApplicationStatus.PUBLISHED},
    }

    catalogue_list = models.ForeignKey(
        CatalogueList,
        verbose_name=_("清单"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField(
        _("申请类型"), max_length=12, choices=ApplicationKind.choices
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    department = models.CharField(_("申请部门"), max_length=40)
    applicant_unit = models.CharField(_("申请单位"), max_length=200)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    item = models.ForeignKey(
        Item,
        verbose_name=_("证明事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The proposed item of an admission (it becomes an Item when approved).
    item_key = models.SlugField(_("事项标识"), max_length=80, blank=True)
    item_name = models.CharField(_("证明名称"), max_length=100, blank=True)
    item_aliases = models.JSONField(_("别名"), default=list, blank=True)
    bases = models.JSONField(
        _("设定依据"),
        default=list,
        blank=True,
        help_text=_('[{"type": 依据类型, "citation": 名称及条款}]'),
    )
    within_committee_duties = models.BooleanField(
        _("属于村（居）委会职责范围"), default=False
    )
    complexity = models.CharField(
        _("办理复杂程度"),
        max_length=10,
        choices=Complexity.choices,
        default=Complexity.SIMPLE,
    )
    reason = models.TextField(_("申请理由"))
    # Department-supplied guide content (REQ-028, DIV-14).
    work_requirements = models.TextField(_("工作要求"), blank=True)
    procedure = models.TextField(_("办理程序"), blank=True)
    materials = models.TextField(_("所需要件"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    sample_form = models.TextField(_("样表"), blank=True)
    # REQ-029: a new local rule needs a research and justification attachment.
    cites_new_local_rule = models.BooleanField(
        _("依据为新制定的地方性法规或规范性文件"), default=False
    )
    justification = models.FileField(
        _("研究论证材料"), upload_to="applications/%Y/", blank=True
    )
    justification_sha256 = models.CharField(
        _("研究论证材料 SHA-256"), max_length=64, blank=True
    )
    # REQ-030: rights or means given to the committee to match the responsibility.
    rights_matching = models.TextField(_("权责匹配措施"), blank=True)
    # Exit (REQ-025, REQ-027).
    exit_ground = models.CharField(
        _("退出理由类型"), max_length=20, choices=ExitGround.choices, blank=True
    )
    law_amendment = models.TextField(_("提请修改法律法规的建议"), blank=True)
    law_amendment_status = models.CharField(
        _("修法进展"),
        max_length=12,
        choices=LawAmendmentStatus.choices,
        default=LawAmendmentStatus.NONE,
        blank=True,
    )
    # The meeting decision (REQ-023, REQ-024).
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    meeting_reference = models.CharField(
        _("会议纪要或文号"), max_length=200, blank=True
    )
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    resulting_version = models.ForeignKey(
        ListVersion,
        verbose_name=_("形成的清单版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()
    scope_field = "catalogue_list__owner_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("准入、退出申请（报备）")
        verbose_name_plural = _("准入、退出申请（报备）")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="exit") | Q(item__isnull=False),
                name="application_exit_names_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:manage_application", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.catalogue_list.owner_id

    @property
    def subject_name(self) -> str:
        # The item only when its id is set; the None test narrows the type.
        item = self.item if self.item_id else None
        return item.name if item is not None else self.item_name

    @property
    def is_decided(self) -> bool:
        return self.status in {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.PUBLISHED,
        }


class ReviewOpinion(models.Model):
    """One reviewer's opinion in the joint review: a department or a township (REQ-023).

    Requested when the review opens (opinion empty), recorded once."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("申请"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    department = models.CharField(_("部门"), max_length=40, blank=True)
    township = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("乡镇（街道）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.CharField(
        _("意见"), max_length=20, choices=Opinion.choices, blank=True
    )
    comments = models.TextField(_("具体意见"), blank=True)
    requested_at = models.DateTimeField(_("征求时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        ordering = ["application_id", "township_id", "department"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department="") & Q(township__isnull=False))
                | (~Q(department="") & Q(township__isnull=True)),
                name="opinion_department_xor_township",
            ),
            models.UniqueConstraint(
                fields=["application", "department"],
                condition=~Q(department=""),
                name="opinion_once_per_department",
            ),
            models.UniqueConstraint(
                fields=["application", "township"],
                condition=Q(township__isnull=False),
                name="opinion_once_per_township",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name}: {self.get_opinion_display()}"

    @property
    def reviewer_name(self) -> str:
        # The township only when its id is set; the None test narrows the type.
        township = self.township if self.township_id else None
        if township is not None:
            return township.name
        from yinzheng.accounts.choices import Department

        return str(dict(Department.choices).get(self.department, self.department))

    @property
    def division_code(self) -> str:
        return self.township_id or self.application.catalogue_list.owner_id
