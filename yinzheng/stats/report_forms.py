"""Forms of the reporting pages (REQ-105, REQ-108–110). They only read the input; what a
report, a liaison or an assessment must satisfy, and who may send, receive or record it,
is checked by stats.services, whose message the user sees on the form."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm

from .choices import SECTIONED_KINDS, Rating
from .forms import division_choices
from .models.reports import SECTIONS
from .services.reports import field_label

# A hint for the file picker only: the service tells the type by the content.
ATTACHMENT_ACCEPT = ".pdf,.doc,.docx,.ofd,.jpg,.jpeg,.png,.gif,.tif,.tiff,.webp"


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _textarea(label, rows=6, required=False) -> forms.CharField:
    # Bounded by the service (20,000 characters), with a message naming the field.
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReportForm(StaffForm):
    """REQ-108: a report in its kind's shape — a body, or the five sections of a summary
    (REQ-105) — with an optional campaign and attachment."""

    sender = forms.ChoiceField(label=_("报送单位"))
    title = forms.CharField(label=_("标题"), max_length=200)
    body = _textarea(_("正文"), rows=10)
    implementation = _textarea(field_label("implementation"))
    results = _textarea(field_label("results"))
    problems = _textarea(field_label("problems"))
    next_steps = _textarea(field_label("next_steps"))
    suggestions = _textarea(field_label("suggestions"))
    campaign = forms.ChoiceField(label=_("所属专项工作"), required=False)
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、Word、OFD 文件或图片，不超过 20 MB；报送本地文件时必附。"),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    remove_attachment = forms.BooleanField(label=_("删除现有附件"), required=False)

    def __init__(
        self,
        *args,
        kind: str,
        senders=(),
        campaigns=(),
        editing: bool = False,
        has_attachment: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if kind in SECTIONED_KINDS:
            del self.fields["body"]
            for name in SECTIONS:
                self.fields[name].help_text = _("报送前须填写。")
        else:
            for name in SECTIONS:
                del self.fields[name]
        if editing:
            del self.fields["sender"]
        else:
            choices = division_choices(senders)
            cast(forms.ChoiceField, self.fields["sender"]).choices = choices
            if len(choices) == 1:
                self.fields["sender"].initial = choices[0][0]
        if not (editing and has_attachment):
            del self.fields["remove_attachment"]
        cast(forms.ChoiceField, self.fields["campaign"]).choices = [
            ("", _("（不属于专项工作）")),
            *((str(c.pk), c.title) for c in campaigns),
        ]


class ReportSubmitForm(StaffForm):
    """The report goes to its recipient and changes no more: asked once more."""

    prefix = "submit"
    confirmed = forms.BooleanField(
        label=_("已核对报告内容，确认报送（报送后不能再修改）"), required=True
    )


class CompileForm(StaffForm):
    """REQ-105: the county picks its townships' submitted summaries to compile."""

    county = forms.ChoiceField(label=_("县（市、区）"), widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), max_length=200)
    summaries = forms.MultipleChoiceField(
        label=_("汇总的乡镇（街道）总结报告"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("五个部分按乡镇（街道）名称依次汇总，生成草稿后可修改再报送。"),
    )

    def __init__(self, *args, counties=(), summaries=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["county"]).choices = division_choices(
            counties
        )
        cast(forms.MultipleChoiceField, self.fields["summaries"]).choices = [
            (
                str(s.pk),
                f"{s.sender.name} · {s.title}"
                f"（{s.submitted_at:%Y-%m-%d}，{s.get_status_display()}）",
            )
            for s in summaries
        ]


class ReportingLineForm(StaffForm):
    """REQ-108: who receives the townships' reports, and the county's own."""

    bureau_name = forms.CharField(
        label=_("本级接收机构"),
        max_length=100,
        help_text=_("接收各乡镇（街道）报告的机构，如“区民政局基层政权和社区建设股”。"),
    )
    superior = forms.ChoiceField(label=_("上级区划"))
    superior_name = forms.CharField(
        label=_("上级接收机构"),
        max_length=100,
        help_text=_("接收本县（市、区）报告的机构，如“市民政局”“省民政厅”。"),
    )

    def __init__(self, *args, superiors=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["superior"]).choices = division_choices(
            superiors
        )


class LiaisonForm(StaffForm):
    """REQ-109: the township's one liaison; not saved without a name and a phone."""

    name = forms.CharField(label=_("联络人姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("11 位手机号码，或带区号的固定电话（如 0936-5512345）。"),
    )


class AssessmentForm(StaffForm):
    """REQ-110: one assessment of one township on a date; a correction is a new one."""

    prefix = "assess"
    township = forms.ChoiceField(label=_("乡镇（街道）"))
    assessed_on = forms.DateField(label=_("评估日期"), widget=_date_input())
    rating = forms.ChoiceField(
        label=_("评估等次"), choices=Rating.choices, widget=forms.RadioSelect
    )
    notes = _textarea(_("评估意见"), rows=3)
    campaign = forms.ChoiceField(label=_("所属专项工作"), required=False)

    def __init__(self, *args, townships=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["township"]).choices = division_choices(
            townships
        )
        cast(forms.ChoiceField, self.fields["campaign"]).choices = [
            ("", _("（不属于专项工作）")),
            *((str(c.pk), c.title) for c in campaigns),
        ]
