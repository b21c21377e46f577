"""The seal registry: each committee seal from issue to destruction, who keeps it, when it
leaves the office, and how it passes to a new custodian (REQ-059–068, REQ-115).

A seal is issued by the committee's township (REQ-060) and moves ISSUED → IN_USE, then to
LOST, BLOCKED (committee merged or abolished), REVOKED or COLLECTED, and at last
DESTROYED; no state after IN_USE leads back to it. A replacement or a reissue names the
seal it replaces. Custody, take-out permits, loss reports, collection tasks and handover
cases are rows of their own; every change to any of them happens in seals.services and
is written to the audit journal, which is also the seal's event history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.phrases import worded

from .choices import (
    OPEN_USE_STATUSES,
    WORK_CATEGORIES,
    CollectionReason,
    CustodyEnd,
    HandoverCancel,
    HandoverStatus,
    HandoverTrigger,
    MajorMatter,
    SealForm,
    SealKind,
    SealStatus,
    TakeOutRefusal,
    TakeOutStatus,
    UsageClosing,
    UsageReview,
    UseCategory,
    UseStatus,
    VoteResult,
)

_USER = settings.AUTH_USER_MODEL


def _user_fk(label, related_name="+", null=False):
    return models.ForeignKey(
        _USER,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )


class Seal(models.Model):
    S = SealStatus
    TRANSITIONS = {
        S.ISSUED: {S.IN_USE, S.LOST, S.BLOCKED, S.REVOKED},
        S.IN_USE: {S.LOST, S.BLOCKED, S.REVOKED, S.COLLECTED},
        S.LOST: {S.COLLECTED},  # found again: the issuing authority takes it back
        S.BLOCKED: {S.COLLECTED},
        S.REVOKED: {S.COLLECTED, S.DESTROYED},
        S.COLLECTED: {S.DESTROYED},
    }

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="seals",
    )
    issuer = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("制发机关"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        _("印章类别"),
        max_length=20,
        choices=SealKind.choices,
        default=SealKind.OFFICIAL,
    )
    form = models.CharField(_("形式"), max_length=12, choices=SealForm.choices)
    serial = models.CharField(_("印章编号"), max_length=50, unique=True)
    imprint = models.CharField(_("印文"), max_length=200)
    issued_on = models.DateField(_("制发日期"))
    storage_location = models.CharField(_("固定存放地点"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=SealStatus.choices, default=SealStatus.ISSUED
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("所替换的印章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    note = models.TextField(_("备注"), blank=True)
    issued_by = _user_fk(_("登记人"), null=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # The moment the seal stopped being usable for good (lost, blocked, revoked or
    # collected); the electronic-seal work revokes its certificate from this time.
    unusable_since = models.DateTimeField(_("停止使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    collected_at = models.DateTimeField(_("收缴时间"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章")
        verbose_name_plural = _("印章")
        ordering = ["committee_id", "issued_on", "pk"]
        indexes = [models.Index(fields=["committee", "status"], name="seal_cmte_st")]
        constraints = [
            # REQ-065: no seal without its fixed storage place.
            models.CheckConstraint(
                condition=~Q(storage_location=""), name="seal_storage_required"
            ),
            models.CheckConstraint(
                condition=~Q(serial=""), name="seal_serial_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.imprint}（{self.serial}）"

    def get_absolute_url(self) -> str:
        return reverse("seals:detail", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.committee_id

    @property
    def is_active(self) -> bool:
        return self.status in (SealStatus.ISSUED, SealStatus.IN_USE)


class Custody(models.Model):
    """One custodian of one seal for a period, appointed by the head (REQ-064)."""

    seal = models.ForeignKey(
        Seal, verbose_name=_("印章"), on_delete=models.PROTECT, related_name="custodies"
    )
    custodian = _user_fk(_("印章管理人"), related_name="custodies")
    appointed_by = _user_fk(_("委托人（主任）"))
    since = models.DateTimeField(_("起始时间"))
    until = models.DateTimeField(_("终止时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("终止原因"), max_length=20, choices=CustodyEnd.choices, blank=True
    )
    handover = models.ForeignKey(
        "Handover",
        verbose_name=_("移交"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custodies",
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "seal__committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章保管")
        verbose_name_plural = _("印章保管")
        ordering = ["seal_id", "since", "pk"]
        constraints = [
            # REQ-064: exactly one current custodian; the database refuses a second.
            models.UniqueConstraint(
                fields=["seal"],
                condition=Q(until__isnull=True),
                name="custody_one_current_per_seal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seal} · {self.custodian}"

    @property
    def division_code(self) -> str:
        return self.seal.committee_id


class LossReport(models.Model):
    """A loss reported to the issuing authority, which is also the application for a
    reissue (REQ-061). It stays open in the township's queue until the reissue."""

    seal = models.ForeignKey(
        Seal,
        verbose_name=_("遗失的印章"),
        on_delete=models.PROTECT,
        related_name="loss_reports",
    )
    lost_on = models.DateField(_("遗失日期"))
    circumstances = models.TextField(_("遗失经过"))
    reported_by = _user_fk(_("报告人"))
    reported_at = models.DateTimeField(_("报告时间"))
    reissued_seal = models.OneToOneField(
        Seal,
        verbose_name=_("补发的印章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissue_of",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = _user_fk(_("办结人"), null=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "seal__committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章遗失报告及补发申请")
        verbose_name_plural = _("印章遗失报告及补发申请")
        ordering = ["-reported_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["seal"], name="lossreport_one_per_seal"),
        ]

    def __str__(self) -> str:
        return f"{self.seal} · {self.lost_on:%Y-%m-%d}"

    @property
    def division_code(self) -> str:
        return self.seal.committee_id


class CollectionTask(models.Model):
    """The issuing authority's task to collect the seals of a committee that was merged
    or abolished (REQ-063); open until the township confirms the collection."""

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="seal_collection_tasks",
    )
    # The committee's fate (the system's words) and the document that decided it.
    reason_code = models.CharField(
        _("收缴原因"), max_length=12, choices=CollectionReason.choices, blank=True
    )
    reason = models.CharField(_("原因"), max_length=200)
    opened_at = models.DateTimeField(_("下达时间"))
    opened_by = _user_fk(_("登记人"), null=True)
    closed_at = models.DateTimeField(_("确认收缴时间"), null=True, blank=True)
    closed_by = _user_fk(_("确认人"), null=True)
    note = models.TextField(_("收缴情况"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章收缴任务")
        verbose_name_plural = _("印章收缴任务")
        ordering = ["-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(closed_at__isnull=True),
                name="collectiontask_one_open_per_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.reason_text}"

    @property
    def reason_text(self) -> str:
        """ "已撤销（山政发〔2024〕3号）", in the reader's language (core.phrases)."""
        if not self.reason_code:
            return self.reason
        return _("%(status)s（%(reference)s）") % {
            "status": self.get_reason_code_display(),
            "reference": self.reason,
        }

    @property
    def division_code(self) -> str:
        return self.committee_id


class TakeOut(models.Model):
    """A permit to take a seal out of the office, approved by the head (REQ-066)."""

    T = TakeOutStatus
    TRANSITIONS = {
        T.REQUESTED: {T.APPROVED, T.REFUSED},
        T.APPROVED: {T.OUT},
        T.OUT: {T.RETURNED},
    }

    seal = models.ForeignKey(
        Seal, verbose_name=_("印章"), on_delete=models.PROTECT, related_name="takeouts"
    )
    purpose = models.CharField(_("事由"), max_length=300)
    due_back_at = models.DateTimeField(_("应归还时间"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=TakeOutStatus.choices,
        default=TakeOutStatus.REQUESTED,
    )
    requested_by = _user_fk(_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = _user_fk(_("批准人（主任）"), null=True)
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    refusal_code = models.CharField(
        _("未批准原因"), max_length=20, choices=TakeOutRefusal.choices, blank=True
    )
    refusal_reason = models.CharField(_("不批准理由"), max_length=300, blank=True)
    out_at = models.DateTimeField(_("带离时间"), null=True, blank=True)
    out_recorded_by = _user_fk(_("带离登记人"), null=True)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    return_recorded_by = _user_fk(_("归还登记人"), null=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "seal__committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章带离")
        verbose_name_plural = _("印章带离")
        ordering = ["-requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seal"],
                condition=Q(status="out"),
                name="takeout_one_out_per_seal",
            ),
            # REQ-066: out of the office only with the head's approval on record.
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "out", "returned"])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="takeout_out_needs_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seal} · {self.purpose}"

    @property
    def refusal_text(self) -> str:
        return worded(self.get_refusal_code_display(), self.refusal_reason)

    @property
    def division_code(self) -> str:
        return self.seal.committee_id


class Handover(models.Model):
    """Passing a committee's seals from one custodian to another within 10 days of the
    trigger (REQ-068), confirmed by both sides; completing it changes the custodian."""

    H = HandoverStatus
    TRANSITIONS = {H.OPEN: {H.COMPLETED, H.CANCELLED}}

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="seal_handovers",
    )
    trigger = models.CharField(
        _("移交原因"), max_length=20, choices=HandoverTrigger.choices
    )
    trigger_note = models.CharField(_("原因说明"), max_length=300, blank=True)
    trigger_date = models.DateField(_("起算日期"))
    due_on = models.DateField(_("应完成日期"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=HandoverStatus.choices,
        default=HandoverStatus.OPEN,
    )
    outgoing = _user_fk(_("移交人（原印章管理人）"))
    incoming = _user_fk(_("接收人（新印章管理人）"))
    opened_by = _user_fk(_("发起人（主任）"))
    opened_at = models.DateTimeField(_("发起时间"))
    outgoing_confirmed_by = _user_fk(_("移交方确认人"), null=True)
    outgoing_confirmed_at = models.DateTimeField(
        _("移交方确认时间"), null=True, blank=True
    )
    incoming_confirmed_by = _user_fk(_("接收方确认人"), null=True)
    incoming_confirmed_at = models.DateTimeField(
        _("接收方确认时间"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_code = models.CharField(
        _("取消原因类别"), max_length=20, choices=HandoverCancel.choices, blank=True
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("印章移交")
        verbose_name_plural = _("印章移交")
        ordering = ["-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(status="open"),
                name="handover_one_open_per_committee",
            ),
            models.CheckConstraint(
                condition=~Q(outgoing=models.F("incoming")),
                name="handover_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.get_trigger_display()} {self.trigger_date}"

    def get_absolute_url(self) -> str:
        return reverse("seals:handover", args=[self.pk])

    @property
    def cancel_text(self) -> str:
        return worded(self.get_cancel_code_display(), self.cancel_reason)

    @property
    def division_code(self) -> str:
        return self.committee_id


class HandoverItem(models.Model):
    """One line of a handover checklist: a seal, or anything else handed over (the
    usage registers, keys …), ticked when it has been handed over."""

    handover = models.ForeignKey(
        Handover,
        verbose_name=_("移交"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    description = models.CharField(_("移交内容"), max_length=300)
    seal = models.ForeignKey(
        Seal,
        verbose_name=_("印章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handover_items",
    )
    checked = models.BooleanField(_("已清点移交"), default=False)
    checked_by = _user_fk(_("清点人"), null=True)
    checked_at = models.DateTimeField(_("清点时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("移交清单条目")
        verbose_name_plural = _("移交清单条目")
        ordering = ["handover_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "position"], name="handoveritem_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    @property
    def division_code(self) -> str:
        return self.handover.committee_id


class UsageRequest(models.Model):
    """One matter to be sealed (一事一登记, REQ-056): request → review → head approval →
    registration and sealing by the custodian (REQ-053, REQ-054, DIV-12)."""

    TRANSITIONS = {
        UseStatus.SUBMITTED: {
            UseStatus.REVIEWED,
            UseStatus.REJECTED,
            UseStatus.WITHDRAWN,
            UseStatus.CLOSED,  # a failed vote closes the matter unsealed (REQ-055)
        },
        UseStatus.REVIEWED: {
            UseStatus.APPROVED,
            UseStatus.REJECTED,
            UseStatus.WITHDRAWN,
            UseStatus.CLOSED,
        },
        UseStatus.APPROVED: {UseStatus.SEALED, UseStatus.CLOSED, UseStatus.WITHDRAWN},
    }

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seal = models.ForeignKey(
        Seal, verbose_name=_("印章"), on_delete=models.PROTECT, related_name="uses"
    )
    category = models.CharField(
        _("用印类别"), max_length=2, choices=UseCategory.choices
    )
    content = models.TextField(_("用印内容"))
    copies = models.PositiveSmallIntegerField(_("用印份数"))
    document = models.FileField(_("用印文件"), upload_to="seal-documents/%Y/%m/")
    document_sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    # The certificate register's columns (REQ-072) and the certificate case (REQ-052).
    matter_ref = models.CharField(_("关联证明事项办件"), max_length=100, blank=True)
    requiring_unit = models.CharField(_("需要单位"), max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    certificate_no = models.CharField(_("证明编号"), max_length=50, blank=True)
    # REQ-038: the materials a negative-list exception retained, by name and SHA-256,
    # written into the certificate register entry with the rest.
    retained_materials = models.TextField(_("留存资料（文件名及 SHA-256）"), blank=True)
    # REQ-055.
    major_matter = models.CharField(
        _("重大事项"), max_length=8, choices=MajorMatter.choices, blank=True
    )
    notice_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    notice_place = models.CharField(_("公示地点"), max_length=200, blank=True)
    vote_body = models.CharField(_("表决会议"), max_length=100, blank=True)
    vote_date = models.DateField(_("表决日期"), null=True, blank=True)
    vote_result = models.CharField(
        _("表决结果"), max_length=8, choices=VoteResult.choices, blank=True
    )
    vote_record = models.TextField(_("表决情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=UseStatus.choices, default=UseStatus.SUBMITTED
    )
    handler = _user_fk(_("经办人员"))
    submitted_at = models.DateTimeField(_("申请时间"))
    reviewer = _user_fk(_("审核人员"), null=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    not_blank_confirmed = models.BooleanField(_("已确认非空白文件"), default=False)
    review_code = models.CharField(
        _("审核结论"), max_length=12, choices=UsageReview.choices, blank=True
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    approver = _user_fk(_("签批人员"), null=True)
    approved_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    approved_sha256 = models.CharField(_("签批文件 SHA-256"), max_length=64, blank=True)
    custodian = _user_fk(_("印章管理人"), null=True)
    sealed_at = models.DateTimeField(_("用印时间"), null=True, blank=True)
    register_entry = models.OneToOneField(
        "ledger.Entry",
        verbose_name=_("登记簿条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_code = models.CharField(
        _("办结或退回原因"), max_length=12, choices=UsageClosing.choices, blank=True
    )
    closing_reason = models.TextField(_("办结或退回理由"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "seal.view"

    class Meta:
        verbose_name = _("用印申请")
        verbose_name_plural = _("用印申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # REQ-103: the dashboard counts a division's sealings over a period, by
            # category, from this index alone on PostgreSQL (INCLUDE).
            models.Index(
                fields=["committee", "sealed_at"],
                include=["category"],
                condition=Q(status="sealed"),
                name="usage_sealed_cover",
            ),
            # Issue 15: the seal-use list shows a committee's newest uses
            # (views.usage.usage_index, newest first, 50 a page): read in order from
            # here, not every use of the committee's years fetched and sorted.
            models.Index(
                fields=["committee", "submitted_at", "id"], name="usage_cmte_submitted"
            ),
            # Issue 15: the queues to review, approve and seal (the list's counts, the
            # inbox) look for the few open uses of a committee or of a custodian's
            # seal among years of closed ones: these hold the open ones only.
            models.Index(
                fields=["committee", "status"],
                condition=Q(status__in=OPEN_USE_STATUSES),
                name="usage_open_cmte",
            ),
            models.Index(
                fields=["seal", "status"],
                condition=Q(status__in=OPEN_USE_STATUSES),
                name="usage_open_seal",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sealed")
                | (
                    Q(reviewer__isnull=False)
                    & Q(approver__isnull=False)
                    & Q(custodian__isnull=False)
                    & Q(register_entry__isnull=False)
                ),
                name="usage_sealed_names_four_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.content[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("seals:usage", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Still on its way (steps not done yet are to do, not left undone)."""
        return self.status in OPEN_USE_STATUSES

    @property
    def review_text(self) -> str:
        """The review's note, the system's words first (core.phrases)."""
        return worded(self.get_review_code_display(), self.review_note)

    @property
    def closing_text(self) -> str:
        return worded(self.get_closing_code_display(), self.closing_reason)

    @property
    def division_code(self) -> str:
        return self.committee_id

    @property
    def register(self) -> str:
        return "work" if self.category in WORK_CATEGORIES else "certificate"
