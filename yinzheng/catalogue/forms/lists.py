"""Forms of the staff pages that keep the lists (REQ-003, REQ-012, REQ-014), their items,
guides, publication channels and clean-ups.

They only read the input; the rules (what a title, a reason or an approval record must
hold) are the services', so fields the services check are optional here and the service's
message is the one the officer sees.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm

from ..choices import Channel, Complexity, ListKind
from . import choice_field


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ListCreateForm(StaffForm):
    prefix = "list"
    # A code, not a choice: the policy (in the service) decides which owners are allowed.
    owner = forms.CharField(label=_("制定机关所在区划"), max_length=12)
    kind = forms.ChoiceField(label=_("清单类型"), choices=ListKind.choices)
    title = forms.CharField(label=_("清单名称"), max_length=200, required=False)
    batch_no = forms.IntegerField(
        label=_("批次（可不填）"), min_value=1, max_value=32767, required=False
    )

    def __init__(self, *args, owners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget = forms.Select(
            choices=[(d.code, f"{d.name}（{d.code}）") for d in owners]
        )


class DraftForm(StaffForm):
    prefix = "draft"
    reason = forms.CharField(
        label=_("调整原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如法律法规立改废释、工作需要、群众需求"),
    )
    source_document = forms.CharField(
        label=_("来源文件"), max_length=300, required=False
    )


class AddItemForm(StaffForm):
    prefix = "add"
    item_key = forms.CharField(label=_("事项标识"), max_length=80)
    note = forms.CharField(
        label=_("说明（可不填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemoveItemForm(StaffForm):
    prefix = "remove"
    item_key = forms.CharField(max_length=80, widget=forms.HiddenInput)


class ItemSearchForm(StaffForm):
    prefix = "find"
    q = forms.CharField(label=_("按名称或别名查找事项"), max_length=100, required=False)


class ApproveForm(StaffForm):
    prefix = "approve"
    approval_body = forms.CharField(label=_("批准机关"), max_length=200, required=False)
    approval_date = forms.DateField(
        label=_("批准日期"), required=False, widget=_date_input()
    )
    approval_reference = forms.CharField(
        label=_("批准文号或会议"), max_length=200, required=False
    )


class PublishForm(StaffForm):
    prefix = "publish"
    valid_from = forms.DateField(label=_("生效日期"), widget=_date_input())


def _text(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GuideForm(StaffForm):
    """The guide's content (REQ-076); completeness is checked when publishing."""

    prefix = "guide"
    purpose = _text(_("办理用途"))
    basis = _text(_("依据"), _("法律、法规或国务院保留证明事项清单的名称及条款"))
    materials = _text(_("所需要件"))
    procedure = _text(_("办理程序"), _("由主管部门提供"))  # REQ-028
    operating_rules = _text(_("操作规范"))
    time_limit_days = forms.IntegerField(
        label=_("出具时限（工作日）"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("当场办结的不填"),
    )
    validity_days = forms.IntegerField(
        label=_("证明有效期（天）"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("出具后多少天内有效；没有期限的不填。电子证明的二维码凭据带此期限"),
    )
    certificate_format = _text(_("证明式样"))
    sample_form = _text(_("样表"), _("统一的表单样本，由主管部门提供"))  # REQ-028


class GuideWithdrawForm(StaffForm):
    prefix = "withdraw"
    reason = forms.CharField(label=_("撤回原因"), max_length=500, required=False)


class ReviewForm(StaffForm):
    prefix = "review"
    note = forms.CharField(
        label=_("清理评估结论"), widget=forms.Textarea(attrs={"rows": 3})
    )
    interval_days = forms.IntegerField(
        label=_("下次评估间隔（天）"), required=False, min_value=1, max_value=3660
    )


class ChannelDateForm(StaffForm):
    """A channel, the date something went out on it and where (REQ-078); the service
    checks the channel set and the date."""

    channel = forms.ChoiceField(label=_("公布渠道"), choices=Channel.choices)
    published_on = forms.DateField(label=_("公布日期"), widget=_date_input())
    location = forms.CharField(
        label=_("网址或位置（可不填）"),
        max_length=300,
        required=False,
        help_text=_("网页地址、公众号文章标题或张贴地点"),
    )

    def __init__(self, *args, channels=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if channels is not None:
            choice_field(self, "channel").choices = [
                (c, label) for c, label in Channel.choices if c in set(channels)
            ]


class PublicationForm(ChannelDateForm):
    """Where and when the current version went out (REQ-078)."""

    prefix = "pub"
    version = forms.IntegerField(widget=forms.HiddenInput)


class GuidePublicationForm(ChannelDateForm):
    """Where and when a jurisdiction put a published guide out (REQ-078). Jurisdiction
    and item are codes the service checks; the page offers its own as choices."""

    prefix = "gpub"
    division = forms.CharField(label=_("公布机关所在区划"), max_length=12)
    item = forms.CharField(label=_("办事指南"), max_length=80)
    field_order = ["division", "item", "channel", "published_on", "location"]

    def __init__(self, *args, divisions=(), guides=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if divisions:
            self.fields["division"].widget = forms.Select(choices=divisions)
        if guides:
            self.fields["item"].widget = forms.Select(choices=guides)


class RuleForm(StaffForm):
    """A related rule (相关制度) published with the lists (REQ-078)."""

    prefix = "rule"
    owner = forms.CharField(label=_("制定机关所在区划"), max_length=12)
    title = forms.CharField(
        label=_("制度名称"),
        max_length=200,
        required=False,
        help_text=_("如：社区印章管理使用办法、社区工作准入制度"),
    )
    reference = forms.CharField(
        label=_("文号（可不填）"), max_length=200, required=False
    )
    issued_on = forms.DateField(
        label=_("印发日期"), required=False, widget=_date_input()
    )
    text = forms.CharField(
        label=_("正文或内容摘要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, owners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owners:
            self.fields["owner"].widget = forms.Select(choices=owners)


class RulePublicationForm(ChannelDateForm):
    prefix = "rpub"
    rule = forms.IntegerField(widget=forms.HiddenInput)


class ChannelsForm(StaffForm):
    prefix = "channels"
    channels = forms.MultipleChoiceField(
        label=_("本清单须同步公布的渠道"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CleanupCompleteForm(StaffForm):
    prefix = "complete"
    conclusion = forms.CharField(
        label=_("清理结论"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinesField(forms.CharField):
    """A list of short texts, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("每行一项"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # text to lines
        text = super().to_python(value)
        if not text:  # the empty value: no lines
            return []
        return [line.strip() for line in text.splitlines() if line.strip()]


def _flag(label) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


class ItemEditForm(StaffForm):
    """An item's flags and texts (catalogue.services.item_update decides what may
    change); the key and the name are not editable."""

    prefix = "item"
    aliases = LinesField(label=_("别名"))
    within_committee_duties = _flag(_("属于村（居）委会职责范围"))
    implementing_unit = forms.CharField(
        label=_("实施单位"), max_length=200, required=False
    )
    competent_department = forms.CharField(
        label=_("主管部门"), max_length=200, required=False
    )
    route = _text(_("办事途径"), _("村（居）委会不出具时，居民到哪里办理"))
    route_en = _text(_("办事途径（英文）"))
    responsible_departments = LinesField(label=_("办理部门"))
    sharing_departments = LinesField(label=_("信息共享核查部门"))
    exceptions = LinesField(label=_("除外情形"))
    clause_notes = LinesField(label=_("条款说明"))
    public_interest = _flag(_("涉及公共利益"))
    legal_risk = _flag(_("可能涉及法律风险"))
    liability_bearing = _flag(_("承担法律或经济连带责任"))
    party_related = _flag(_("涉及党组织、党员"))
    commitment_allowed = _flag(_("可告知承诺"))
    data_sharing = _flag(_("可通过信息共享核查"))
    complexity = forms.ChoiceField(label=_("办理类型"), choices=Complexity.choices)
    time_limit_days = forms.IntegerField(
        label=_("出具时限（工作日）"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("当场办结的不填"),
    )
    remarks = _text(_("备注"))
