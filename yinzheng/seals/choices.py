from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SealKind(models.TextChoices):
    # The seeds know one seal per committee: 村（居）委会印章 (000) / 社区公章 (002). Other
    # kinds (财务专用章 …) are not in them, so they are not offered (requirements.md §6.12:
    # local rules may add some later).
    OFFICIAL = "official", _("村（居）民委员会印章（公章）")


class SealForm(models.TextChoices):
    PHYSICAL = "physical", _("实物印章")
    ELECTRONIC = "electronic", _("电子印章")  # REQ-115


class SealStatus(models.TextChoices):
    ISSUED = "issued", _("已制发（未启用）")
    IN_USE = "in_use", _("在用")
    LOST = "lost", _("已遗失")
    BLOCKED = "blocked", _("已停用（待收缴）")
    # A seal is revoked (Revoked); a committee is abolished (divisions, same words).
    REVOKED = "revoked", pgettext_lazy("seal status", "已撤销")
    COLLECTED = "collected", _("已收缴")
    DESTROYED = "destroyed", _("已销毁")


# A seal in one of these states still belongs to the committee's working set: it can be
# kept, appointed a custodian and handed over. Only IN_USE may be applied.
ACTIVE_STATUSES = frozenset({SealStatus.ISSUED, SealStatus.IN_USE})
# Once here, a seal is never usable again (REQ-061–063): no transition leads back.
DEAD_STATUSES = frozenset(
    {
        SealStatus.LOST,
        SealStatus.BLOCKED,
        SealStatus.REVOKED,
        SealStatus.COLLECTED,
        SealStatus.DESTROYED,
    }
)
# Still to be taken back by the issuing authority (a lost one cannot be, until found).
TO_COLLECT_STATUSES = frozenset({SealStatus.BLOCKED, SealStatus.REVOKED})


class CustodyEnd(models.TextChoices):
    HANDOVER = "handover", _("移交给新的印章管理人")
    SEAL_RETIRED = "seal_retired", _("印章遗失、停用、撤销或收缴")


class TakeOutStatus(models.TextChoices):
    REQUESTED = "requested", _("待主任批准")
    APPROVED = "approved", _("已批准，未带离")
    REFUSED = "refused", _("未批准")
    OUT = "out", _("已带离办公室")
    RETURNED = "returned", _("已归还")


class TakeOutRefusal(models.TextChoices):
    """Why the system, not the head, ended a take-out permit (core.phrases)."""

    SEAL_RETIRED = "seal_retired", _("印章已停止使用")


class HandoverTrigger(models.TextChoices):
    TERM_ELECTION = "term_election", _("换届选举")
    CUSTODIAN_CHANGE = "custodian_change", _("印章管理人变更")
    OTHER = "other", _("其他原因")


class HandoverCancel(models.TextChoices):
    """Why the system cancelled a handover (core.phrases: read in the reader's
    language)."""

    COMMITTEE_CLOSED = "committee_closed", _("村（居）委会已合并或撤销")


class CollectionReason(models.TextChoices):
    """Why the township collects a committee's seals (REQ-063); the words are
    divisions.CommitteeStatus's."""

    MERGED = "merged", _("已合并")
    ABOLISHED = "abolished", _("已撤销")


class HandoverStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class HandoverSide(models.TextChoices):
    OUTGOING = "outgoing", _("移交方")
    INCOMING = "incoming", _("接收方")


# REQ-068: "移交印章应在10日内完成" counts calendar days (日, not 工作日), see
# docs/architecture.md.
HANDOVER_DAYS = 10


# How the journal's events of a seal or handover read on the pages.
EVENT_LABELS = {
    "seal.issued": _("登记制发"),
    "seal.activated": _("启用"),
    "seal.storage_moved": _("变更存放地点"),
    "seal.lost": _("遗失"),
    "seal.loss_reported": _("报告遗失并申请补发"),
    "seal.reissued": _("已补发新印章"),
    "seal.collected": _("收缴"),
    "seal.collection_note": _("收缴说明"),
    "seal.revoked": _("撤销"),
    "seal.revoke_reason": _("撤销原因"),
    "seal.destroyed": _("销毁"),
    "seal.destruction_note": _("销毁说明"),
    "seal.blocked": _("村（居）委会合并或撤销，停止使用"),
    "seal.custodian_appointed": _("主任委托印章管理人"),
    "seal.custody_handed_over": _("移交给新的印章管理人"),
    "seal.takeout_requested": _("申请带离"),
    "seal.takeout_approved": _("主任批准带离"),
    "seal.takeout_refused": _("主任不批准带离"),
    "seal.takeout_lapsed": _("印章停止使用，带离申请失效"),
    "seal.taken_out": _("带离办公室"),
    "seal.returned": _("归还"),
    "seal.handover_opened": _("发起移交"),
    "seal.handover_item_checked": _("清点移交内容"),
    "seal.handover_item_unchecked": _("取消清点"),
    "seal.handover_confirmed_outgoing": _("移交方确认"),
    "seal.handover_confirmed_incoming": _("接收方确认"),
    "seal.handover_completed": _("移交完成"),
    "seal.handover_cancelled": _("移交取消"),
}


class UseCategory(models.TextChoices):
    """The six seal-use categories, worded as the seed 000 words them (REQ-050–052)."""

    W1 = "W1", _("组织村（居）民依法开展自治活动的事项")
    W2 = "W2", _("依法依规协助行政事务的事项")
    W3 = "W3", _("依法依规开展其他工作的事项")
    C1 = "C1", _("村（居）民申请相关保障事项，需村（居）委会提供相关证明的")
    C2 = "C2", _("应村（居）民办事需要，村（居）委会根据掌握情况有能力提供证明的")
    C3 = "C3", _("其他协助行政事务需要提供相关证明的")


WORK_CATEGORIES = frozenset({UseCategory.W1, UseCategory.W2, UseCategory.W3})
CERTIFICATE_CATEGORIES = frozenset({UseCategory.C1, UseCategory.C2, UseCategory.C3})


class UseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    REVIEWED = "reviewed", _("已审核，待主任签批")
    APPROVED = "approved", _("已签批，待登记用印")
    SEALED = "sealed", _("已登记用印")
    REJECTED = "rejected", _("未通过")
    CLOSED = "closed", _("未用印办结")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_USE_STATUSES = (UseStatus.SUBMITTED, UseStatus.REVIEWED, UseStatus.APPROVED)


class UsageReview(models.TextChoices):
    """The system's words on a review it records itself (core.phrases)."""

    VERIFIED = "verified", _("已核实")


class UsageClosing(models.TextChoices):
    """Why the system closed or withdrew a seal-use request (core.phrases): the
    certificate it was for was refused or withdrawn, or the vote failed (REQ-055)."""

    REFUSED = "refused", _("不予出具")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    VOTE_FAILED = "vote_failed", _("表决未通过，不予用印")


class MajorMatter(models.TextChoices):
    """REQ-055: a major matter waits for its public notice or its vote."""

    NONE = "", _("不涉及")
    NOTICE = "notice", _("须经公示")
    VOTE = "vote", _("须经村（居）民会议或代表会议表决")


class VoteResult(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
