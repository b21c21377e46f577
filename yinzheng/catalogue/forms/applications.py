"""Forms of the admission, exit and filing pages (REQ-021–030).

They only read the input; what an application must hold (a basis, the guide content, a
justification, the law-amendment proposal …) is the services' to say
(catalogue.services.admissions), so fields the services check are optional here and the
service's message is the one the officer sees.
"""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.choices import Department
from yinzheng.core.forms import StaffForm

from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    Complexity,
    ExitGround,
    LawAmendmentStatus,
    Opinion,
)
from . import choice_field

BASIS_ROWS = 3
_ALIAS_SEPARATORS = re.compile(r"[、,，;；\n]+")


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(label, help_text="", rows=3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _time_limit() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("出具时限（工作日）"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("限时办结的填写；当场办结的不填"),
    )


class ApplicationFilterForm(StaffForm):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部"))] + ApplicationStatus.choices,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=[("", _("全部"))] + ApplicationKind.choices,
        required=False,
    )


class ApplicationForm(StaffForm):
    """The 准入、退出申请（报备）表 on one page: common part, admission part, exit part."""

    prefix = "app"
    catalogue_list = forms.TypedChoiceField(label=_("申请调整的清单"), coerce=int)
    kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=ApplicationKind.choices,
        initial=ApplicationKind.ADMISSION,
        widget=forms.RadioSelect,
    )
    department = forms.ChoiceField(label=_("申请部门"), choices=Department.choices)
    applicant_unit = forms.CharField(
        label=_("申请单位"),
        max_length=200,
        required=False,
        help_text=_("单位全称，如 县人力资源和社会保障局"),
    )
    contact = forms.CharField(label=_("联系人及电话"), max_length=100, required=False)
    reason = _text(_("申请理由"), _("为什么需要村（居）委会出具（或不再出具）该证明"))
    # Admission (and the subject of a filing).
    item_key = forms.CharField(
        label=_("事项标识"),
        max_length=80,
        required=False,
        help_text=_(
            "小写字母、数字、下划线或连字符，如 unemployed-residence；"
            "申请已有事项重新列入的，填该事项的标识"
        ),
    )
    item_name = forms.CharField(label=_("证明名称"), max_length=100, required=False)
    item_aliases = forms.CharField(
        label=_("别名"),
        max_length=500,
        required=False,
        help_text=_("多个别名以顿号或逗号分隔"),
    )
    within_committee_duties = forms.BooleanField(
        label=_("属于村（居）委会职责范围"), required=False
    )
    complexity = forms.ChoiceField(
        label=_("办理复杂程度"),
        choices=Complexity.choices,
        initial=Complexity.SIMPLE,
    )
    time_limit_days = _time_limit()
    work_requirements = _text(_("工作要求"))
    procedure = _text(_("办理程序"))
    materials = _text(_("所需要件"))
    sample_form = _text(_("样表"), _("统一的表单样本（文字）"))
    cites_new_local_rule = forms.BooleanField(
        label=_("依据为新制定的地方性法规或规范性文件"),
        required=False,
        help_text=_("一般不设定村（居）证明事项；确需设定的，须附研究论证材料"),
    )
    justification = forms.FileField(
        label=_("研究论证材料"),
        required=False,
        help_text=_("PDF 或其他文件，不超过 20 MB；页面出错时须重新选择文件"),
    )
    rights_matching = _text(
        _("权责匹配措施"),
        _("赋予村（居）委会的、与该证明责任相一致的权利或手段"),
    )
    # Exit.
    exit_item = forms.ChoiceField(label=_("拟退出的事项"), required=False)
    exit_ground = forms.ChoiceField(
        label=_("退出理由类型"),
        choices=[("", "—"), *ExitGround.choices],
        required=False,
    )
    law_amendment = _text(
        _("提请修改法律法规的建议"),
        _("理由为“有依据但已不符合实际”或“村（居）委会无法核实”的须填写"),
    )

    def __init__(self, *args, lists=(), exit_items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "catalogue_list").choices = [
            (lst.pk, f"{lst.title}（{lst.owner.name}）") for lst in lists
        ]
        choice_field(self, "exit_item").choices = [("", "—"), *exit_items]
        basis_choices = [("", "—"), *BasisType.choices]
        for n in range(1, BASIS_ROWS + 1):
            self.fields[f"basis_type_{n}"] = forms.ChoiceField(
                label=_("依据类型"), choices=basis_choices, required=False
            )
            self.fields[f"citation_{n}"] = forms.CharField(
                label=_("依据名称及条款"), max_length=500, required=False
            )

    def basis_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"basis_type_{n}"], self[f"citation_{n}"])
            for n in range(1, BASIS_ROWS + 1)
        ]

    def submit_kwargs(self) -> dict[str, Any]:
        """What application_submit needs, for the type chosen."""
        data = self.cleaned_data
        kind = data["kind"]
        values: dict[str, Any] = {
            "list_id": data["catalogue_list"],
            "kind": kind,
            "department": data["department"],
            "applicant_unit": data["applicant_unit"],
            "contact": data["contact"],
            "reason": data["reason"],
        }
        if kind == ApplicationKind.EXIT:
            values.update(
                item_key=data["exit_item"],
                exit_ground=data["exit_ground"],
                law_amendment=data["law_amendment"],
            )
            return values
        values.update(
            item_key=data["item_key"],
            item_name=data["item_name"],
            bases=[
                {
                    "type": data[f"basis_type_{n}"],
                    "citation": data[f"citation_{n}"],
                }
                for n in range(1, BASIS_ROWS + 1)
            ],
        )
        if kind == ApplicationKind.ADMISSION:
            values.update(
                item_aliases=[
                    a for a in _ALIAS_SEPARATORS.split(data["item_aliases"]) if a
                ],
                within_committee_duties=data["within_committee_duties"],
                complexity=data["complexity"],
                time_limit_days=data["time_limit_days"],
                work_requirements=data["work_requirements"],
                procedure=data["procedure"],
                materials=data["materials"],
                sample_form=data["sample_form"],
                cites_new_local_rule=data["cites_new_local_rule"],
                justification=data["justification"],
                rights_matching=data["rights_matching"],
            )
        return values


class OpenReviewForm(StaffForm):
    """The townships asked for their opinion; the five departments always are."""

    prefix = "review"
    townships = forms.MultipleChoiceField(
        label=_("征求意见的乡镇（街道）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    township_codes = forms.CharField(
        label=_("征求意见的乡镇（街道）代码"),
        required=False,
        help_text=_("多个代码以逗号分隔；可不填"),
    )

    def __init__(self, *args, townships=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if townships is None:  # a list above county level: codes typed in
            del self.fields["townships"]
        else:
            del self.fields["township_codes"]
            choice_field(self, "townships").choices = [
                (t.code, f"{t.name}（{t.code}）") for t in townships
            ]

    def codes(self) -> list[str]:
        if "townships" in self.fields:
            return list(self.cleaned_data["townships"])
        return [
            c for c in re.split(r"[\s,，、]+", self.cleaned_data["township_codes"]) if c
        ]


class OpinionForm(StaffForm):
    opinion = forms.ChoiceField(
        label=_("意见"),
        choices=[(v, label) for v, label in Opinion.choices if v],
    )
    comments = _text(_("具体意见"), _("修改后同意或不同意的须写明"), rows=2)


class SupplyGuideForm(StaffForm):
    """The department's guide content (REQ-028, DIV-14) and rights (REQ-030)."""

    prefix = "guide"
    work_requirements = _text(_("工作要求"))
    procedure = _text(_("办理程序"))
    materials = _text(_("所需要件"))
    sample_form = _text(_("样表"))
    time_limit_days = _time_limit()
    rights_matching = _text(_("权责匹配措施"))


class DecideForm(StaffForm):
    """The meeting's decision (REQ-023); the button pressed says approve or reject."""

    prefix = "decide"
    meeting_date = forms.DateField(label=_("会议日期"), widget=_date_input())
    meeting_reference = forms.CharField(
        label=_("会议纪要或文号"), max_length=200, required=False
    )
    reasons = _text(_("决定理由"), _("将在决定公开页面公布"))
    decision = forms.ChoiceField(
        choices=[("approve", _("通过")), ("reject", _("不通过"))],
        widget=forms.HiddenInput,
    )


class LawAmendmentForm(StaffForm):
    prefix = "law"
    status = forms.ChoiceField(
        label=_("修法进展"),
        choices=[
            (LawAmendmentStatus.SUBMITTED, LawAmendmentStatus.SUBMITTED.label),
            (LawAmendmentStatus.ADOPTED, LawAmendmentStatus.ADOPTED.label),
        ],
    )
    note = forms.CharField(
        label=_("进展说明（如文号）"), max_length=500, required=False
    )


class NoteForm(StaffForm):
    """One text: the filing acknowledgement (备案意见) or the withdrawal reason."""

    note = _text(_("说明"), rows=2)

    def __init__(self, *args, label=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["note"].label = label
