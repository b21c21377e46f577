"""Forms of the statistics pages. They only read the input; what a table or a row must
satisfy, and who may fill which unit's return, is checked by stats.services, whose
message the user sees on the form."""

import datetime as dt
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.choices import Department
from yinzheng.core.forms import StaffForm

from .choices import Disposition, SourceType
from .services.tables import DEFAULT_DEPARTMENTS


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(label, rows=3, required=False, max_length=2000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def division_choices(rows):
    """(code, "name（code）") for a select."""
    return [(d.code, f"{d.name}（{d.code}）") for d in rows]


class TableForm(StaffForm):
    """REQ-102: the bureau opens the table with its deadline and reporting units."""

    county = forms.ChoiceField(label=_("县（市、区）"))
    # The Sunan document's deadline was 2020-12-30; each table names its own.
    deadline = forms.DateField(label=_("报送截止日期"), widget=_date_input())
    departments = forms.MultipleChoiceField(
        label=_("填报部门"),
        required=False,
        choices=Department.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("各乡镇（街道）均须填报；另选须填报的县直部门。"),
    )
    note = _text(_("填报说明"))

    def __init__(self, *args, counties=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "departments", list(DEFAULT_DEPARTMENTS)
        )
        super().__init__(*args, **kwargs)
        choices = division_choices(counties)
        cast(forms.ChoiceField, self.fields["county"]).choices = choices
        if len(choices) == 1:
            self.fields["county"].initial = choices[0][0]


class RowForm(StaffForm):
    """REQ-101: one row in the official columns (序号 is given by the order)."""

    item_name = forms.CharField(label=_("证明事项名称"), max_length=200)
    basis = _text(_("法律法规、政策依据"), required=True)
    implementing_unit = forms.CharField(label=_("实施单位"), max_length=200)
    competent_department = forms.CharField(label=_("主管部门"), max_length=200)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class SubmitForm(StaffForm):
    """The unit's return goes to the bureau and changes no more: asked once more."""

    prefix = "submit"
    confirmed = forms.BooleanField(
        label=_("已核对全部行，确认报送（报送后不能再修改）"), required=True
    )


# The inventory survey (摸排, REQ-099) ------------------------------------------------


class SurveyForm(StaffForm):
    """REQ-099: the bureau opens a survey of its county."""

    county = forms.ChoiceField(label=_("县（市、区）"))
    title = forms.CharField(label=_("摸排名称"), max_length=200)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = division_choices(counties)
        cast(forms.ChoiceField, self.fields["county"]).choices = choices
        if len(choices) == 1:
            self.fields["county"].initial = choices[0][0]


class EntryForm(StaffForm):
    """REQ-099: one finding — where, from what source, and who is responsible."""

    prefix = "entry"
    division = forms.ChoiceField(label=_("所涉区划"))
    source_type = forms.ChoiceField(label=_("来源类型"), choices=SourceType.choices)
    item_name = forms.CharField(label=_("证明事项名称"), max_length=200)
    demanding_unit = forms.CharField(
        label=_("要求开具的部门或单位"),
        max_length=200,
        required=False,
        help_text=_("来源为“部门、单位要求”的必填。"),
    )
    responsible_department = forms.CharField(
        label=_("主管部门（谁主管、谁负责）"), max_length=200
    )
    basis = _text(_("依据（法律法规、政策或地方规定）"))
    note = _text(_("说明"), rows=2)

    def __init__(self, *args, divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = division_choices(divisions)
        cast(forms.ChoiceField, self.fields["division"]).choices = choices
        if len(choices) == 1:
            self.fields["division"].initial = choices[0][0]


class DisposeForm(StaffForm):
    """REQ-099: the bureau keeps an entry with its basis, or cancels it with the
    reason."""

    disposition = forms.ChoiceField(
        label=_("处理意见"), choices=Disposition.choices, widget=forms.RadioSelect
    )
    basis = _text(_("保留依据或取消理由"), rows=2, required=True)


# Campaigns (专项工作, REQ-104–107) -----------------------------------------------------


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (YYYY-MM): its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2020-11"})

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        parts = text.split("-")
        if (
            len(parts) != 2
            or not all(p.isascii() and p.isdigit() for p in parts)
            or len(parts[0]) != 4
            or not 1 <= int(parts[1]) <= 12
        ):
            raise forms.ValidationError(_("请按“年-月”填写，如 2020-11"))
        try:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        except ValueError as exc:
            raise forms.ValidationError(_("请按“年-月”填写，如 2020-11")) from exc


class CampaignForm(StaffForm):
    """REQ-104–107: the lead bureau starts its own campaign from a template."""

    template = forms.ChoiceField(label=_("模板"))
    division = forms.ChoiceField(label=_("牵头区划"))
    start = MonthField(
        label=_("开始月份"),
        help_text=_(
            "各阶段和任务的时限按模板整月顺延；模板中月底的时限顺延后仍为月底。"
        ),
    )
    title = forms.CharField(
        label=_("工作名称"),
        max_length=200,
        required=False,
        help_text=_("不填则使用模板的工作名称。"),
    )

    def __init__(self, *args, templates=(), divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = list(templates)
        choices = division_choices(divisions)
        cast(forms.ChoiceField, self.fields["division"]).choices = choices
        if len(choices) == 1:
            self.fields["division"].initial = choices[0][0]


class CompletionForm(StaffForm):
    """REQ-104: a unit has done a deliverable (the step-4 inspection and the report
    steps name what they were done with, REQ-106)."""

    prefix = "done"
    deliverable = forms.TypedChoiceField(label=_("工作任务"), coerce=int)
    unit = forms.ChoiceField(label=_("完成单位"))
    completed_on = forms.DateField(label=_("完成日期"), widget=_date_input())
    note = _text(_("完成情况"), rows=2)
    inspection = forms.TypedChoiceField(
        label=_("开展的专项督查（须有抽取记录）"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    report = forms.TypedChoiceField(
        label=_("报送的报告"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args,
        deliverables=(),
        units=(),
        inspections=(),
        reports=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["deliverable"]).choices = list(deliverables)
        cast(forms.ChoiceField, self.fields["unit"]).choices = division_choices(units)
        for name, rows in (("inspection", inspections), ("report", reports)):
            if rows:
                cast(forms.ChoiceField, self.fields[name]).choices = [
                    ("", "—"),
                    *rows,
                ]
            else:
                del self.fields[name]


class WithdrawForm(StaffForm):
    """A mistaken completion record comes off, with the reason."""

    reason = forms.CharField(label=_("撤回原因"), max_length=500)


class RescheduleForm(StaffForm):
    """The lead bureau moves a deliverable's deadline, with the reason."""

    due_on = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=_date_input(),
        help_text=_("不填为持续推进、不设时限。"),
    )
    reason = forms.CharField(label=_("调整原因"), max_length=500)
