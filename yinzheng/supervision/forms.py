"""Forms of the supervision pages. They only read the input; what a case step, a finding,
a rectification item, a check or an alert decision must satisfy is checked by
supervision.services, whose message the user sees on the form."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm
from yinzheng.core.text import as_id
from yinzheng.registers.services.books import Register

from .choices import (
    AlertKind,
    AlertStatus,
    CaseStatus,
    Channel,
    FindingKind,
    InspectionMode,
    ItemStatus,
    ReporterType,
    ResponseStatus,
    UnitKind,
)
from .models import SupervisionSetting
from .services import checks as services_checks

ALL = ("", _("全部"))
# Staff enter what reached them by these channels; online reports come from the
# public page (REQ-087, REQ-088).
STAFF_CHANNELS = [c for c in Channel.choices if c[0] != Channel.ONLINE]


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _date(label, required=True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=_date_input()
    )


def _text(label, rows=3, required=False, max_length=4000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def division_choices(rows, blank=None):
    """(code, "name（code）") for a select; `blank` adds an empty first option."""
    choices = [(d.code, f"{d.name}（{d.code}）") for d in rows]
    return [("", blank), *choices] if blank is not None else choices


def _set_choices(form: forms.Form, name: str, choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


# Cases (REQ-087–091) ----------------------------------------------------------------


class CaseFilterForm(StaffForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[ALL, *CaseStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("反映渠道"), required=False, choices=[ALL, *Channel.choices]
    )
    reporter_type = forms.ChoiceField(
        label=_("反映人类型"), required=False, choices=[ALL, *ReporterType.choices]
    )
    county = forms.ChoiceField(label=_("县（市、区）"), required=False)
    overdue = forms.BooleanField(label=_("仅看办理逾期"), required=False)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "county", division_choices(counties, _("全部")))


class CaseForm(StaffForm):
    """REQ-088: what the hotline, a petition or online inquiry brought."""

    county = forms.ChoiceField(label=_("受理县（市、区）"))
    channel = forms.ChoiceField(label=_("反映渠道"), choices=STAFF_CHANNELS)
    reporter_type = forms.ChoiceField(
        label=_("反映人类型"), choices=ReporterType.choices
    )
    committee = forms.ChoiceField(label=_("所涉村（居）委会"), required=False)
    demanding_unit = forms.CharField(label=_("要求开具证明的单位"), max_length=200)
    unit_kind = forms.ChoiceField(label=_("单位类型"), choices=UnitKind.choices)
    item_text = forms.CharField(label=_("被要求开具的证明"), max_length=200)
    account = _text(_("情况说明"), rows=4, required=True, max_length=2000)
    demanded_on = _date(_("被要求日期"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, counties=(), committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "county", division_choices(counties))
        _set_choices(self, "committee", division_choices(committees, _("未指明")))


class VerifyForm(StaffForm):
    prefix = "verify"
    founded = forms.TypedChoiceField(
        label=_("核实结论"),
        choices=[("yes", _("反映属实")), ("no", _("反映不属实"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("核实情况"), required=True)


class NotifyForm(StaffForm):
    """DIV-08: a circular notice, a public exposure, or both; exposure needs its
    platform, date and reason (REQ-090)."""

    prefix = "notify"
    notice_on = _date(_("通报日期"), required=False)
    notice_no = forms.CharField(label=_("通报文号"), max_length=60, required=False)
    notice_text = _text(_("通报内容"))
    exposed_on = _date(_("曝光日期"), required=False)
    exposure_platform = forms.CharField(
        label=_("曝光媒体平台"), max_length=200, required=False
    )
    exposure_reason = _text(_("曝光理由（确有必要的情形）"), rows=2)


class FeedbackForm(StaffForm):
    prefix = "feedback"
    recipient = forms.CharField(label=_("反馈对象（主管部门或单位）"), max_length=200)
    sent_on = _date(_("反馈日期"))
    text = _text(_("反馈内容"), required=True)


class ResponseForm(StaffForm):
    prefix = "response"
    status = forms.ChoiceField(label=_("整改情况"), choices=ResponseStatus.choices)
    text = _text(_("整改答复"), required=True)
    on = _date(_("答复日期"))


class CorrectForm(StaffForm):
    prefix = "correct"
    authority = forms.CharField(label=_("纠正的上级主管部门"), max_length=200)
    text = _text(_("纠正情况"), required=True)
    on = _date(_("纠正日期"))


class CloseForm(StaffForm):
    prefix = "close"
    note = forms.CharField(label=_("说明（可不填）"), max_length=500, required=False)


# Inspections (REQ-092, REQ-094, REQ-095) --------------------------------------------


class InspectionFilterForm(StaffForm):
    mode = forms.ChoiceField(
        label=_("督查方式"), required=False, choices=[ALL, *InspectionMode.choices]
    )


class InspectionForm(StaffForm):
    county = forms.ChoiceField(label=_("县（市、区）"))
    title = forms.CharField(label=_("督查名称"), max_length=200)
    mode = forms.ChoiceField(label=_("督查方式"), choices=InspectionMode.choices)
    started_on = _date(_("开始日期"))
    inspectors = forms.CharField(label=_("督查人员"), max_length=300)
    draw = forms.TypedChoiceField(
        label=_("抽取记录（专项督查）"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("选择后，抽中的村（居）委会一并列为督查对象"),
    )
    committees = forms.MultipleChoiceField(
        label=_("督查对象"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    note = _text(_("说明"), rows=2)

    def __init__(self, *args, counties=(), committees=(), draws=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "county", division_choices(counties))
        _set_choices(self, "committees", division_choices(committees))
        _set_choices(
            self,
            "draw",
            [("", _("不使用抽取结果"))]
            + [
                (d.pk, f"{d.county.name} {d.drawn_on:%Y-%m-%d}（{d.seed}）")
                for d in draws
            ],
        )


class DrawForm(StaffForm):
    county = forms.ChoiceField(label=_("县（市、区）"))
    seed = forms.CharField(
        label=_("随机种子（可不填）"),
        max_length=64,
        required=False,
        help_text=_("不填则随机生成；种子和候选名单一并记录，可复核抽取结果"),
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "county", division_choices(counties))


class FindingForm(StaffForm):
    """REQ-092: non-compliant seal use brings a circulated criticism and a
    rectification item, so it needs the deadline."""

    prefix = "finding"
    inspection = forms.IntegerField(required=False, widget=forms.HiddenInput)
    committee = forms.ChoiceField(label=_("村（居）委会"))
    kind = forms.ChoiceField(label=_("问题类型"), choices=FindingKind.choices)
    description = _text(_("发现的问题"), required=True)
    deadline = _date(
        _("整改时限"),
        required=False,
        help_text=_("违规用印必填：同时通报批评并列入整改清单"),
    )
    criticism_text = _text(_("通报批评内容（可不填，默认同发现的问题）"), rows=2)
    # The register entries concerned, as the book numbers them (REQ-092: linked where
    # possible), or, from an alert, the entries the alert found.
    register = forms.ChoiceField(
        label=_("涉及的登记簿"),
        required=False,
        choices=[("", "—"), *Register.LABELS.items()],
    )
    register_year = forms.IntegerField(
        label=_("登记年度"), required=False, min_value=2000, max_value=2100
    )
    register_seqs = forms.CharField(
        label=_("登记序号"),
        required=False,
        max_length=200,
        help_text=_("如 3, 5-7"),
    )
    entries = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "committee", division_choices(committees))

    def clean_register_seqs(self) -> list[int]:
        return _numbers(self.cleaned_data["register_seqs"], _("登记序号"))

    def clean_entries(self) -> list[int]:
        return _numbers(self.cleaned_data["entries"], _("登记"))


MAX_LINKED = 200


def _numbers(text: str, label) -> list[int]:
    """ "3, 5-7" → [3, 5, 6, 7]; at most MAX_LINKED numbers."""
    found: list[int] = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _sep, high = part.partition("-")
        start, end = as_id(low), as_id(high or low)
        if start is None or end is None:
            raise forms.ValidationError(_("%s格式有误，如 3, 5-7") % label)
        if end < start or end - start + len(found) >= MAX_LINKED:
            raise forms.ValidationError(_("%s范围有误") % label)
        found.extend(range(start, end + 1))
    return sorted(set(found))


class FindingItemForm(StaffForm):
    """REQ-096: a finding on the rectification list needs a unit and a deadline."""

    responsible_unit = forms.CharField(label=_("责任单位"), max_length=200)
    responsible_code = forms.CharField(
        label=_("责任单位区划代码（可不填）"),
        max_length=12,
        required=False,
        help_text=_("不填则为该村（居）委会；乡镇（街道）等填其统计用区划代码"),
    )
    deadline = _date(_("整改时限"))
    problem = _text(_("问题（可不填，默认同发现的问题）"), rows=2)

    def __init__(self, *args, finding_id: int | None = None, **kwargs):
        if finding_id is not None:
            kwargs.setdefault("prefix", f"item{finding_id}")
        super().__init__(*args, **kwargs)


# Rectification (REQ-096, REQ-097) ---------------------------------------------------


class ItemFilterForm(StaffForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[ALL, *ItemStatus.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    follow_up = forms.BooleanField(label=_("仅看到期的回头看"), required=False)


class EvidenceForm(StaffForm):
    prefix = "evidence"
    evidence = _text(_("整改完成情况"), rows=4, required=True)


class ItemCloseForm(StaffForm):
    prefix = "close"
    evidence = _text(_("整改完成情况（已登记的可不填）"), rows=3)
    follow_up_on = _date(_("回头看日期（可不填）"), required=False)


class ScheduleForm(StaffForm):
    prefix = "schedule"
    on = _date(_("回头看日期"))


class FollowUpForm(StaffForm):
    prefix = "follow_up"
    relapse = forms.TypedChoiceField(
        label=_("回头看结果"),
        choices=[("no", _("未发现反弹")), ("yes", _("问题反弹，重新整改"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("回头看情况"), required=True)
    deadline = _date(_("新的整改时限（问题反弹时必填）"), required=False)


# Township checks (REQ-093) and alerts -----------------------------------------------


class CheckForm(StaffForm):
    committee = forms.ChoiceField(label=_("村（居）委会"))
    checked_on = _date(_("检查日期"))
    findings = _text(_("检查发现"), rows=4, required=True)
    feedback = _text(_("反馈意见"), rows=4, required=True)

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "committee", division_choices(committees))


class TownshipForm(StaffForm):
    township = forms.ChoiceField(label=_("乡镇（街道）"))

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "township", division_choices(townships))


class AlertFilterForm(StaffForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*AlertStatus.choices, ("all", _("全部"))],
    )
    kind = forms.ChoiceField(
        label=_("预警类型"), required=False, choices=[ALL, *AlertKind.choices]
    )


class DismissForm(StaffForm):
    prefix = "dismiss"
    reason = _text(_("排除理由"), required=True, max_length=2000)


class AlertCheckForm(StaffForm):
    prefix = "check"
    checked_on = _date(_("检查日期"))
    findings = _text(_("检查发现"), rows=4, required=True)
    feedback = _text(_("反馈意见"), rows=4, required=True)


# Settings (REQ-087, DIV-09) ---------------------------------------------------------

SETTING_FIELDS = list(services_checks.SETTING_FIELDS)


class SettingForm(forms.ModelForm):
    """Reads and checks the values with the model's own validators; the page hands
    them to services.settings_update and never saves the form."""

    class Meta:
        model = SupervisionSetting
        fields = SETTING_FIELDS
        widgets = {
            "office_opens": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            "office_closes": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", _("："))
        super().__init__(*args, **kwargs)
