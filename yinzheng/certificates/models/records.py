"""The records some outcomes need, one of each per request at most: the conditions of the
negative-list exception (REQ-037, REQ-038), the residents' consultation with the head's
signature (REQ-034), the legal-risk assessment (REQ-040), the Party organisation's
record of a Party matter transferred to it (REQ-043) and the referral of a case to the
responsible department's own queue with the department's answer (REQ-118). They live
beside the request and what they hold is what `rules.decide()` reads of them (the
referral apart: it is what happened after the decision).
"""

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department, Role
from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import ConsultationForm, ConsultationResult, ReferralStatus, Trigger
from .requests import Attachment, CertificateRequest, _user_fk


class _RequestRecord(models.Model):
    request = models.OneToOneField(
        CertificateRequest, verbose_name=_("证明申请"), on_delete=models.CASCADE
    )
    recorded_by = _user_fk(_("登记人"), null=False)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.request_id}"

    @property
    def division_code(self) -> str:
        return self.request.committee_id


class ExceptionRecord(_RequestRecord):
    """The conditions of the factual-issuance exception for a negative-list item
    (据实出具, REQ-037, REQ-038, DIV-02, DIV-05)."""

    trigger = models.CharField(
        _("例外情形"), max_length=20, choices=Trigger.choices, blank=True
    )
    entity_name = models.CharField(
        _("提出要求的民商事主体"), max_length=200, blank=True
    )
    within_duties = models.BooleanField(_("属于自身职责范围"), default=False)
    verifiable = models.BooleanField(_("能够核实"), default=False)
    evidence = models.TextField(_("核实依据"), blank=True)
    assessment = models.TextField(_("充分评估情况"), blank=True)
    precautions = models.TextField(_("预先防范措施"), blank=True)
    # REQ-038: the retained materials are files (Attachment.retained_for_exception),
    # hashed and listed on the register entry; no tick box stands in for them.

    class Meta:
        verbose_name = _("负面清单事项据实出具记录")
        verbose_name_plural = _("负面清单事项据实出具记录")

    @property
    def materials(self) -> "models.QuerySet[Attachment]":
        return self.request.attachments.filter(retained_for_exception=True)


class PartyCaseRecord(_RequestRecord):
    """The Party organisation's record that it handled a Party matter transferred to it
    (REQ-043); nothing of the committee is sealed for it."""

    note = models.TextField(_("党组织办理情况"))

    class Meta:
        verbose_name = _("党组织办理记录")
        verbose_name_plural = _("党组织办理记录")


class Consultation(_RequestRecord):
    """The residents' deliberation (议事协商) on a public-interest matter and the
    head's signature (REQ-034, REQ-035)."""

    form = models.CharField(
        _("协商形式"), max_length=20, choices=ConsultationForm.choices
    )
    held_on = models.DateField(_("协商日期"))
    participants = models.TextField(_("参加人员"))
    result = models.CharField(
        _("协商结果"), max_length=12, choices=ConsultationResult.choices
    )
    summary = models.TextField(_("协商情况"), blank=True)
    head_signed_by = _user_fk(_("签字主任"))
    head_signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议事协商记录")
        verbose_name_plural = _("议事协商记录")


class RiskAssessment(_RequestRecord):
    """The three records of a legal-risk case (REQ-040, DIV-05)."""

    investigation = models.TextField(_("调查核实记录"))
    deliberation = models.TextField(_("议事协商记录"))
    assessment = models.TextField(_("法律风险评估"))
    precautions = models.TextField(_("防范措施"))

    class Meta:
        verbose_name = _("法律风险评估")
        verbose_name_plural = _("法律风险评估")


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    def for_departments(self, user: Any) -> Self:
        """REQ-118: the referrals to a department the user speaks for (Role.DEPARTMENT
        grants carry it), in a jurisdiction under such a grant. Nobody else's queue:
        a committee reads its referrals through its requests."""
        if policy.acts_everywhere(user):
            return self
        q = Q(pk__in=[])
        for role, code, department in policy.grants_of(user):
            if role == Role.DEPARTMENT and department:
                q |= Q(department=department) & policy.Scope((code,)).q(
                    "jurisdiction_id"
                )
        return self.filter(q)


class Referral(_RequestRecord):
    """A case the committee does not issue, handed to the responsible department's own
    queue (一门式, REQ-118): the resident takes the notice with the route, the
    department finds the case, acknowledges it and answers; the committee reads the
    answer on the case. `recorded_by`/`recorded_at` are the clerk's referral; the
    record's division is the jurisdiction it went to (the county or the township), so
    the policy asks about the department's grants there."""

    TRANSITIONS = {
        ReferralStatus.REFERRED: {ReferralStatus.ACKNOWLEDGED},
        ReferralStatus.ACKNOWLEDGED: {ReferralStatus.CLOSED},
    }

    department = models.CharField(
        _("转交部门"), max_length=30, choices=Department.choices
    )
    # As the item and the notice name it (e.g. "卫生健康"); the resident reads this.
    department_name = models.CharField(_("办理部门"), max_length=300)
    jurisdiction = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("部门所在辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("转交说明"), blank=True)
    status = models.CharField(
        _("转交状态"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
    )
    acknowledged_by = _user_fk(_("签收人"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    answered_by = _user_fk(_("办结人"))
    answered_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answer = models.TextField(_("部门办理结果"), blank=True)

    objects = ReferralQuerySet.as_manager()
    scope_field = "jurisdiction_id"
    view_action = "referral.handle"

    class Meta:
        verbose_name = _("转交部门办理记录")
        verbose_name_plural = _("转交部门办理记录")
        indexes = [
            # A department's open queue in its jurisdictions (REQ-118).
            models.Index(
                fields=["department", "status", "jurisdiction"],
                name="referral_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(answer=""),
                name="referral_closed_has_answer",
            ),
        ]

    @property
    def division_code(self) -> str:
        return self.jurisdiction_id

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.CLOSED
