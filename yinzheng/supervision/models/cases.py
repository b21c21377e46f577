"""Reports of unreasonable certificate demands and the cases they become (REQ-087–091).

A report comes from the public page (no login), from staff entering what the hotline,
a petition (信访) or online inquiry (网络问政) brought, or from the intake desk's "report
this demand" (REQ-016). Each report is a case that moves, in order, through the steps of
DIV-08: registered → verified (or unfounded) → circular notice and/or public exposure →
feedback to the department, utility or agency → its rectification response →
correction by the superior competent department → closed. The steps are columns on the
case, so the database itself refuses a closed case with a step missing; the journal
keeps who did each step and when.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk

from ..choices import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    Channel,
    ReporterType,
    ResponseStatus,
    UnitKind,
)
from .common import division_fk

S = CaseStatus


class Case(models.Model):
    TRANSITIONS = {
        S.REGISTERED: {S.VERIFIED, S.UNFOUNDED},
        S.VERIFIED: {S.NOTIFIED},
        S.NOTIFIED: {S.FEEDBACK_SENT},
        S.FEEDBACK_SENT: {S.RESPONDED},
        # The recipient may report progress more than once (in progress → done).
        S.RESPONDED: {S.RESPONDED, S.CORRECTED},
        S.CORRECTED: {S.CLOSED},
    }

    tracking_no = models.CharField(_("受理编号"), max_length=14, unique=True)
    county = division_fk(_("受理县（市、区）"))
    # The most specific place known (the committee, else the county): the scope key.
    division = division_fk(_("所涉区划"))
    committee = division_fk(_("所涉村（居）委会"), null=True)
    channel = models.CharField(_("反映渠道"), max_length=20, choices=Channel.choices)
    reporter_type = models.CharField(
        _("反映人类型"), max_length=20, choices=ReporterType.choices
    )
    demanding_unit = models.CharField(_("要求开具证明的单位"), max_length=200)
    unit_kind = models.CharField(
        _("单位类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    item = models.ForeignKey(
        "catalogue.Item",
        verbose_name=_("被要求的证明事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_text = models.CharField(_("被要求的证明"), max_length=200)
    account = models.TextField(_("情况说明"), max_length=2000)
    demanded_on = models.DateField(_("被要求日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    demand_report = models.OneToOneField(
        "certificates.DemandReport",
        verbose_name=_("受理窗口的反映记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=S.REGISTERED
    )
    received_at = models.DateTimeField(_("登记时间"))
    registered_by = user_fk(_("登记人"))
    step_due_on = models.DateField(_("本环节办理期限"), null=True, blank=True)

    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = user_fk(_("核实人"))
    verification_note = models.TextField(_("核实情况"), blank=True)

    notice_no = models.CharField(_("通报文号"), max_length=60, blank=True)
    notice_text = models.TextField(_("通报内容"), blank=True)
    notice_on = models.DateField(_("通报日期"), null=True, blank=True)
    # REQ-090: exposure is a recorded decision with its platform, date and reason.
    exposure_platform = models.CharField(_("曝光媒体平台"), max_length=200, blank=True)
    exposed_on = models.DateField(_("曝光日期"), null=True, blank=True)
    exposure_reason = models.TextField(_("曝光理由"), blank=True)
    notified_by = user_fk(_("通报（曝光）登记人"))

    feedback_recipient = models.CharField(_("反馈对象"), max_length=200, blank=True)
    feedback_sent_on = models.DateField(_("反馈日期"), null=True, blank=True)
    feedback_text = models.TextField(_("反馈内容"), blank=True)
    feedback_by = user_fk(_("反馈登记人"))

    response_status = models.CharField(
        _("整改情况"), max_length=20, choices=ResponseStatus.choices, blank=True
    )
    response_text = models.TextField(_("整改答复"), blank=True)
    response_on = models.DateField(_("答复日期"), null=True, blank=True)
    response_by = user_fk(_("答复登记人"))

    correction_authority = models.CharField(
        _("纠正的上级主管部门"), max_length=200, blank=True
    )
    correction_text = models.TextField(_("纠正情况"), blank=True)
    corrected_on = models.DateField(_("纠正日期"), null=True, blank=True)
    correction_by = user_fk(_("纠正登记人"))

    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = user_fk(_("办结人"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "supervision.view"

    class Meta:
        verbose_name = _("不合理证明要求投诉")
        verbose_name_plural = _("不合理证明要求投诉")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "step_due_on"])]
        constraints = [
            # REQ-090: exposure is all three facts or none.
            models.CheckConstraint(
                condition=(
                    Q(exposed_on__isnull=True, exposure_platform="", exposure_reason="")
                    | (
                        Q(exposed_on__isnull=False)
                        & ~Q(exposure_platform="")
                        & ~Q(exposure_reason="")
                    )
                ),
                name="case_exposure_complete",
            ),
            # REQ-089, DIV-08: past the notice step, a notice or an exposure exists.
            models.CheckConstraint(
                condition=~Q(
                    status__in=["notified", "feedback_sent", "responded", "corrected"]
                    + ["closed"]
                )
                | Q(notice_on__isnull=False)
                | Q(exposed_on__isnull=False),
                name="case_notice_or_exposure",
            ),
            # REQ-089, REQ-091: a case closes with every step on record.
            models.CheckConstraint(
                condition=~Q(status="closed")
                | Q(
                    verified_at__isnull=False,
                    feedback_sent_on__isnull=False,
                    response_on__isnull=False,
                    corrected_on__isnull=False,
                    closed_at__isnull=False,
                ),
                name="case_closed_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.demanding_unit}：{self.item_text}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:case", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.division_id

    def overdue_on(self, today: dt.date) -> bool:
        """Open with its current step past the step's deadline."""
        return (
            self.status in OPEN_CASE_STATUSES
            and self.step_due_on is not None
            and self.step_due_on < today
        )

    @property
    def exposed(self) -> bool:
        return self.exposed_on is not None
