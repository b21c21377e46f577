"""Forms of the request pages: intake, the flags and the records an outcome needs
(exception, consultation, legal risk), verification, refusal, referral to a
department, withdrawal, transfer,
the demand report and materials, the confirmations that carry nothing but the CSRF
token, the jurisdiction's setting, and the resident's status look-up. They check the
shape of what is typed; the services decide.
"""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.choices import Department
from yinzheng.catalogue.forms import choice_field
from yinzheng.core.forms import StaffForm

from ..choices import ConsultationForm as Form_
from ..choices import ConsultationResult, Trigger
from ..models import CATEGORY_CHOICES

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IntakeForm(StaffForm):
    committee = forms.ChoiceField(label=_("村（居）委会"))
    resident_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    item_key = forms.CharField(required=False, widget=forms.HiddenInput)
    item_text = forms.CharField(
        label=_("申请的证明"),
        max_length=200,
        help_text=_("未在清单中找到时，按居民或需要单位的原话填写"),
    )
    purpose = forms.CharField(label=_("用途"), max_length=300)
    requiring_unit = forms.CharField(
        label=_("需要单位（要求提供证明的单位）"), max_length=200
    )
    facts = forms.CharField(
        label=_("拟证明的事实"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ChoiceField(
        label=_("用印类别"), choices=CATEGORY_CHOICES, initial="C2"
    )
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=99, initial=1)
    electronic = forms.BooleanField(label=_("电子出具"), required=False)
    public_interest = forms.BooleanField(
        label=_("涉及公共利益或多数居民切身利益"), required=False
    )
    party_related = forms.BooleanField(label=_("涉及党组织或党员"), required=False)
    legal_risk = forms.BooleanField(label=_("可能涉及法律风险"), required=False)
    carries_liability = forms.BooleanField(
        label=_("要求证明承担法律责任或经济连带责任（如担保）"), required=False
    )
    exception_claimed = forms.ChoiceField(
        label=_("属于该事项的除外情形"), required=False, choices=[]
    )
    attachment = forms.FileField(label=_("申请材料（可选）"), required=False)

    def __init__(self, *args, committees=(), exceptions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = [
            (code, f"{code} {label}") for code, label in CATEGORY_CHOICES
        ]
        committee = choice_field(self, "committee")
        committee.choices = [(c.code, c.name) for c in committees]
        if len(committee.choices) == 1:
            committee.widget = forms.HiddenInput()
            committee.initial = committees[0].code
        if exceptions:
            choice_field(self, "exception_claimed").choices = [
                ("", _("不属于")),
                *[(e, e) for e in exceptions],
            ]
        else:
            del self.fields["exception_claimed"]


class FlagsForm(StaffForm):
    public_interest = forms.BooleanField(
        label=_("涉及公共利益或多数居民切身利益"), required=False
    )
    party_related = forms.BooleanField(label=_("涉及党组织或党员"), required=False)
    legal_risk = forms.BooleanField(label=_("可能涉及法律风险"), required=False)
    carries_liability = forms.BooleanField(
        label=_("要求证明承担法律责任或经济连带责任（如担保）"), required=False
    )
    exception_claimed = forms.ChoiceField(
        label=_("属于该事项的除外情形"), required=False, choices=[]
    )

    def __init__(self, *args, exceptions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if exceptions:
            choice_field(self, "exception_claimed").choices = [
                ("", _("不属于")),
                *[(e, e) for e in exceptions],
            ]
        else:
            del self.fields["exception_claimed"]


class ExceptionForm(StaffForm):
    trigger = forms.ChoiceField(
        label=_("例外情形"),
        choices=Trigger.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    entity_name = forms.CharField(
        label=_("提出要求的民商事主体"), max_length=200, required=False
    )
    within_duties = forms.BooleanField(label=_("属于自身职责范围"), required=False)
    verifiable = forms.BooleanField(label=_("能够核实"), required=False)
    evidence = forms.CharField(
        label=_("核实依据"), required=False, widget=TEXTAREA, max_length=4000
    )
    assessment = forms.CharField(
        label=_("充分评估情况"), required=False, widget=TEXTAREA, max_length=4000
    )
    precautions = forms.CharField(
        label=_("预先防范措施"), required=False, widget=TEXTAREA, max_length=4000
    )
    material = forms.FileField(
        label=_("留存资料"),
        required=False,
        help_text=_(
            "上传留存的相关资料（PDF、OFD、Word 或图片，不超过 20 MB）；"
            "已上传的保留，可再次提交以增加"
        ),
    )


class ConsultationRecordForm(StaffForm):
    form = forms.ChoiceField(label=_("协商形式"), choices=Form_.choices)
    held_on = forms.DateField(label=_("协商日期"), widget=DATE)
    participants = forms.CharField(
        label=_("参加人员"), widget=TEXTAREA, max_length=4000
    )
    result = forms.ChoiceField(
        label=_("协商结果"),
        choices=ConsultationResult.choices,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=_("协商情况"), required=False, widget=TEXTAREA, max_length=4000
    )


class RiskForm(StaffForm):
    investigation = forms.CharField(
        label=_("调查核实记录"), required=False, widget=TEXTAREA, max_length=4000
    )
    deliberation = forms.CharField(
        label=_("议事协商记录"), required=False, widget=TEXTAREA, max_length=4000
    )
    assessment = forms.CharField(
        label=_("法律风险评估"), required=False, widget=TEXTAREA, max_length=4000
    )
    precautions = forms.CharField(
        label=_("防范措施"), required=False, widget=TEXTAREA, max_length=4000
    )


class VerifyForm(StaffForm):
    what = forms.CharField(
        label=_("核实内容（核实了什么）"), widget=TEXTAREA, max_length=4000
    )
    how = forms.CharField(
        label=_("核实方式（如何核实）"),
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("如：查验户口簿原件、入户查看、走访邻居、信息共享核查"),
    )


class RefuseForm(StaffForm):
    reason = forms.CharField(
        label=_("不予出具的理由"), widget=TEXTAREA, max_length=4000
    )
    route = forms.CharField(
        label=_("办事途径"),
        widget=TEXTAREA,
        max_length=4000,
        required=False,
        help_text=_("告知居民到哪里、如何办理；负面清单事项默认用清单所列途径"),
    )
    department = forms.CharField(label=_("办理部门"), max_length=300, required=False)
    basis = forms.CharField(label=_("依据"), required=False, widget=TEXTAREA)


class ReferForm(RefuseForm):
    """REQ-118: the refusal's notice, and the department's queue the case goes to."""

    field_order = ["to_department", "jurisdiction", "department", "route", "reason"]

    to_department = forms.ChoiceField(label=_("转交部门"), choices=Department.choices)
    jurisdiction = forms.ChoiceField(
        label=_("部门所在辖区"),
        help_text=_("本村（居）委会所在县（市、区）或乡镇（街道）"),
    )
    note = forms.CharField(
        label=_("转交说明"), required=False, widget=TEXTAREA, max_length=2000
    )

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["jurisdiction"]).choices = [
            (d.code, d.name) for d in jurisdictions
        ]
        self.fields["department"].help_text = _("告知书上写明的办理部门")


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("撤回原因"), widget=TEXTAREA, max_length=2000)


class TransferForm(StaffForm):
    note = forms.CharField(
        label=_("转交说明"), required=False, widget=TEXTAREA, max_length=2000
    )


class ReportForm(StaffForm):
    demanding_organisation = forms.CharField(
        label=_("提出要求的部门或单位"), max_length=200
    )
    note = forms.CharField(
        label=_("情况说明"), required=False, widget=TEXTAREA, max_length=4000
    )


class AttachForm(StaffForm):
    file = forms.FileField(label=_("材料文件"))


class ConfirmForm(StaffForm):
    """Approve, issue, sign: nothing to fill in but the CSRF token."""


class SettingForm(StaffForm):
    division = forms.ChoiceField(label=_("辖区"))
    negative_exception_enabled = forms.BooleanField(
        label=_("允许负面清单事项据实出具的例外（政策衔接不到位或民商事主体明确要求）"),
        required=False,
    )
    note = forms.CharField(
        label=_("依据或说明"), required=False, widget=TEXTAREA, max_length=2000
    )

    def __init__(self, *args, divisions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "division").choices = [(d.code, str(d)) for d in divisions]


class StatusForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=32)
