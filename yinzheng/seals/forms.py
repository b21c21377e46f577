"""Forms of the seal pages. They only read the input; what a seal, a custody, a take-out
or a handover must satisfy is checked by seals.services, whose message the user sees."""

from typing import cast

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm

from .choices import (
    WORK_CATEGORIES,
    HandoverSide,
    HandoverTrigger,
    MajorMatter,
    SealForm,
    SealStatus,
    UseCategory,
    UseStatus,
    VoteResult,
)

# A scan, a PDF or an image of the document to be sealed (REQ-057).
DOCUMENT_EXTENSIONS = ["pdf", "ofd", "jpg", "jpeg", "png", "gif", "webp", "tif", "tiff"]
DOCUMENT_ACCEPT = ",".join(f".{e}" for e in DOCUMENT_EXTENSIONS)


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(label, rows=2, required=False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _choices(rows, label=lambda d: f"{d.name}（{d.code}）"):
    return [(r.code, label(r)) for r in rows]


class FilterForm(StaffForm):
    q = forms.CharField(
        label=_("编号、印文或村（居）委会"), max_length=100, required=False
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *SealStatus.choices],
    )


class IssueForm(StaffForm):
    # Codes, not model choices: the policy in the service decides what is allowed.
    committee = forms.CharField(label=_("村（居）委会"), max_length=12)
    issuer = forms.CharField(
        label=_("制发机关"),
        max_length=12,
        help_text=_("须为该村（居）委会所属的乡镇（街道）"),
    )
    form = forms.ChoiceField(label=_("形式"), choices=SealForm.choices)
    serial = forms.CharField(label=_("印章编号"), max_length=50, required=False)
    imprint = forms.CharField(
        label=_("印文"),
        max_length=200,
        required=False,
        help_text=_("印章上的文字，如“××村民委员会”"),
    )
    storage_location = forms.CharField(
        label=_("固定存放地点"), max_length=200, required=False
    )
    issued_on = forms.DateField(label=_("制发日期"), widget=_date_input())
    replaces = forms.TypedChoiceField(
        label=_("替换的旧印章（更换时选择）"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    note = _text(_("备注"))

    def __init__(self, *args, committees=(), issuers=(), replaceable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].widget = forms.Select(choices=_choices(committees))
        self.fields["issuer"].widget = forms.Select(choices=_choices(issuers))
        cast(forms.ChoiceField, self.fields["replaces"]).choices = [
            ("", _("不替换（新刻制）"))
        ] + [(s.pk, f"{s.committee.name} · {s}") for s in replaceable]


class ReissueForm(StaffForm):
    serial = forms.CharField(label=_("新印章编号"), max_length=50, required=False)
    imprint = forms.CharField(label=_("印文"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("形式"), choices=SealForm.choices)
    storage_location = forms.CharField(
        label=_("固定存放地点"), max_length=200, required=False
    )
    issued_on = forms.DateField(label=_("制发日期"), widget=_date_input())
    note = _text(_("备注"))


class StorageForm(StaffForm):
    prefix = "storage"
    storage_location = forms.CharField(
        label=_("新的固定存放地点"), max_length=200, required=False
    )


class LossForm(StaffForm):
    prefix = "loss"
    lost_on = forms.DateField(label=_("遗失日期"), widget=_date_input())
    circumstances = _text(_("遗失经过"), rows=3)


class NoteForm(StaffForm):
    prefix = "note"
    note = forms.CharField(label=_("说明（可不填）"), max_length=500, required=False)


class ReasonForm(StaffForm):
    prefix = "reason"
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)


class ReplaceForm(StaffForm):
    prefix = "replace"
    new_seal = forms.TypedChoiceField(label=_("新印章"), coerce=int)
    note = forms.CharField(label=_("说明（可不填）"), max_length=500, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["new_seal"]).choices = [
            (s.pk, str(s)) for s in candidates
        ]


class CustodianForm(StaffForm):
    prefix = "custodian"
    custodian = forms.TypedChoiceField(label=_("印章管理人"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["custodian"]).choices = [
            (u.pk, u.display_name) for u in people
        ]


class TakeOutForm(StaffForm):
    prefix = "takeout"
    purpose = forms.CharField(label=_("带离事由"), max_length=300, required=False)
    due_back_at = forms.DateTimeField(
        label=_("应归还时间"),
        widget=forms.DateTimeInput(
            format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class HandoverForm(StaffForm):
    prefix = "handover"
    trigger = forms.ChoiceField(label=_("移交原因"), choices=HandoverTrigger.choices)
    trigger_note = forms.CharField(label=_("原因说明"), max_length=300, required=False)
    trigger_date = forms.DateField(
        label=_("起算日期"),
        widget=_date_input(),
        help_text=_("如换届选举产生新一届村（居）委会之日；应在其后 10 日内完成"),
    )
    outgoing = forms.TypedChoiceField(label=_("移交人（原印章管理人）"), coerce=int)
    incoming = forms.TypedChoiceField(label=_("接收人（新印章管理人）"), coerce=int)
    extra_items = _text(
        _("其他移交内容（每行一项，可不填）"), help_text=_("印章与用印登记簿已列入清单")
    )

    def __init__(self, *args, outgoing=(), incoming=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outgoing"]).choices = [
            (u.pk, u.display_name) for u in outgoing
        ]
        cast(forms.ChoiceField, self.fields["incoming"]).choices = [
            (u.pk, u.display_name) for u in incoming
        ]


class ConfirmForm(StaffForm):
    prefix = "confirm"
    side = forms.ChoiceField(choices=HandoverSide.choices, widget=forms.HiddenInput)


# Sealing (REQ-050–058) --------------------------------------------------------------


def work_category_choices() -> list[tuple[str, str]]:
    """W1–W3 with the seed's wording verbatim (REQ-051)."""
    return [
        (c.value, f"{c.value} {c.label}") for c in UseCategory if c in WORK_CATEGORIES
    ]


class UsageFilterForm(StaffForm):
    QUEUES = [
        ("", _("全部")),
        ("review", _("待我审核")),
        ("approve", _("待我签批")),
        ("seal", _("待我用印")),
    ]
    queue = forms.ChoiceField(label=_("待办"), required=False, choices=QUEUES)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *UseStatus.choices],
        widget=forms.Select(attrs={"aria-label": _("状态")}),
    )
    category = forms.ChoiceField(
        label=_("用印类别"),
        required=False,
        # Called per form, so the labels follow the reader's language.
        choices=lambda: (
            [("", _("全部类别"))]
            + [(c.value, f"{c.value} {c.label}") for c in UseCategory]
        ),
        widget=forms.Select(attrs={"aria-label": _("用印类别")}),
    )


class UsageForm(StaffForm):
    """A work-type request (W1–W3); certificate-type uses come from a certificate case."""

    seal = forms.TypedChoiceField(label=_("印章"), coerce=int)
    category = forms.ChoiceField(
        label=_("用印类别"), widget=forms.RadioSelect, choices=work_category_choices
    )
    content = forms.CharField(
        label=_("用印内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明文件名称和事由，如“关于召开居民代表会议的通知”"),
    )
    copies = forms.IntegerField(label=_("用印份数"), initial=1)
    document = forms.FileField(
        label=_("用印文件（扫描件、PDF 或图片）"),
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("须上传要盖章的文件本身，不能是空白纸张"),
    )
    major_matter = forms.ChoiceField(
        label=_("重大事项"),
        required=False,
        widget=forms.RadioSelect,
        choices=MajorMatter.choices,
        initial=MajorMatter.NONE,
        help_text=_("须经公示或表决的事项，公示结束或表决通过后方可盖章"),
    )

    def __init__(self, *args, seals=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["seal"]).choices = list(seals)


class _DecisionForm(StaffForm):
    decision = forms.ChoiceField(
        label=_("意见"),
        widget=forms.RadioSelect,
        choices=[("approve", _("同意")), ("reject", _("不同意"))],
    )
    note = forms.CharField(
        label=_("意见说明（不同意时必填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(_DecisionForm):
    prefix = "review"
    not_blank = forms.BooleanField(
        label=_("文件内容完整，不是空白纸张"), required=False
    )
    field_order = ["decision", "not_blank", "note"]


class ApproveForm(_DecisionForm):
    prefix = "approve"


class NoticeForm(StaffForm):
    prefix = "notice"
    start = forms.DateField(label=_("公示开始日期"), widget=_date_input())
    end = forms.DateField(label=_("公示结束日期"), widget=_date_input())
    place = forms.CharField(label=_("公示地点"), max_length=200, required=False)


class VoteForm(StaffForm):
    prefix = "vote"
    body = forms.CharField(
        label=_("表决会议"),
        max_length=100,
        required=False,
        help_text=_("如“村民会议”“居民代表会议”"),
    )
    date = forms.DateField(label=_("表决日期"), widget=_date_input())
    result = forms.ChoiceField(
        label=_("表决结果"), widget=forms.RadioSelect, choices=VoteResult.choices
    )
    record = _text(
        _("表决情况"), rows=2, help_text=_("应到、实到、赞成、反对、弃权人数")
    )


class WithdrawForm(StaffForm):
    prefix = "withdraw"
    reason = forms.CharField(label=_("撤回原因"), max_length=500, required=False)
