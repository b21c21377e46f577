"""Forms of the notification-commitment and credit pages (REQ-082–086): the resident's
signed commitment (on the request's page), closing a post-verification task, a random
draw, a credit record's disclosure and penalty, the platform's acknowledgement, and the
credit platform of a jurisdiction.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.catalogue.forms import choice_field
from yinzheng.core.forms import StaffForm
from yinzheng.registers.forms import signature_from_data_url

from ..choices import SignatureMethod, VerificationResult
from .requests import DATE, TEXTAREA


class CommitmentForm(StaffForm):
    """The resident's commitment: the texts as printed, and the signature drawn on the
    screen (a PNG data URL from yinzheng/signature.js) or the signed page uploaded."""

    notification = forms.CharField(
        label=_("告知内容"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("应当具备的条件、证明内容、依据，以及承诺不实的法律后果"),
    )
    commitment = forms.CharField(
        label=_("承诺内容"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    signed_on = forms.DateField(
        label=_("签字日期"),
        required=False,
        widget=DATE,
        help_text=_("不填为今天；在纸质告知承诺书上签字的，填签字当天"),
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    signed_page = forms.FileField(
        label=_("或：上传居民签字后的告知承诺书（PDF、JPEG、PNG）"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Form.clean returns cleaned_data; the stubs allow an override's None.
        assert data is not None
        drawn = (data.get("signature") or "").strip()
        page = data.get("signed_page")
        if drawn and page:
            raise forms.ValidationError(
                _("请只选一种签字方式：屏幕签名或上传签字页"), code="signature_twice"
            )
        if not drawn and not page:
            raise forms.ValidationError(
                _("请居民在屏幕上签名，或上传签字后的告知承诺书"),
                code="signature_required",
            )
        if drawn:
            data["signature_file"] = signature_from_data_url(drawn)
            data["signature_method"] = SignatureMethod.SCREEN
        else:
            data["signature_file"] = page
            data["signature_method"] = SignatureMethod.SCAN
        return data


class TaskCloseForm(StaffForm):
    result = forms.ChoiceField(
        label=_("核查结果"),
        choices=VerificationResult.choices,
        widget=forms.RadioSelect,
    )
    verified_on = forms.DateField(label=_("核查日期"), widget=DATE)
    verifier = forms.CharField(label=_("核查人"), max_length=100)
    note = forms.CharField(
        label=_("核查情况"),
        widget=TEXTAREA,
        max_length=4000,
        help_text=_("核查了什么、如何核查；承诺不实的，写明不实之处"),
    )


class SamplingForm(StaffForm):
    scope = forms.ChoiceField(label=_("抽查范围"))
    rate = forms.DecimalField(
        label=_("抽查比例（0–1）"),
        required=False,
        min_value=Decimal("0.0001"),
        max_value=Decimal("1"),
        decimal_places=4,
        help_text=_("如 0.1 即抽查 10%，向上取整；与抽查数量二选一"),
    )
    count = forms.IntegerField(
        label=_("抽查数量"), required=False, min_value=1, max_value=100000
    )
    seed = forms.CharField(
        label=_("随机种子（可不填）"),
        required=False,
        max_length=64,
        help_text=_("不填则由系统随机生成；种子与抽查总体一并记入审计记录，可复核"),
    )

    def __init__(self, *args, divisions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "scope").choices = [(d.code, str(d)) for d in divisions]


class DisclosureForm(StaffForm):
    disclosure_site = forms.CharField(
        label=_("公示网站"),
        required=False,
        max_length=200,
        help_text=_("如：信用中国（天津）"),
    )
    disclosed_on = forms.DateField(label=_("公示日期"), required=False, widget=DATE)
    penalty_decision = forms.CharField(
        label=_("处罚决定（情节严重的）"),
        required=False,
        max_length=4000,
        widget=TEXTAREA,
    )
    penalty_on = forms.DateField(label=_("处罚日期"), required=False, widget=DATE)
    penalty_published = forms.BooleanField(label=_("处罚已公开"), required=False)


class AcknowledgeForm(StaffForm):
    reference = forms.CharField(label=_("平台回执编号"), required=False, max_length=200)


class PlatformForm(StaffForm):
    division = forms.ChoiceField(label=_("辖区"))
    name = forms.CharField(
        label=_("平台名称"),
        max_length=200,
        help_text=_("如：全国信用信息共享平台、天津市信用信息共享平台"),
    )
    endpoint = forms.URLField(
        label=_("接收地址"), max_length=500, assume_scheme="https"
    )
    enabled = forms.BooleanField(label=_("启用报送"), required=False, initial=True)
    note = forms.CharField(
        label=_("依据或说明"), required=False, widget=TEXTAREA, max_length=2000
    )

    def __init__(self, *args, divisions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "division").choices = [(d.code, str(d)) for d in divisions]
