"""The records some outcomes need, one of each per request at most: the conditions of the
negative-list exception (REQ-037, REQ-038), the residents' consultation with the head's
signature (REQ-034), the legal-risk assessment (REQ-040) and the Party organisation's
record of a Party matter transferred to it (REQ-043). They live beside the
request and what they hold is what `rules.decide()` reads of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ConsultationForm, ConsultationResult, Trigger
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
