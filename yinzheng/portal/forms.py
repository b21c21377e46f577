"""The resident's forms of the online application (issue 16, REQ-113): who they are,
the one-time code, the matter, and the holder check before a certificate download.
Only shapes here; the checks that decide (the ID number's check digit, the code, the
rules) are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.certificates.services import ID_DIGITS
from yinzheng.registers.forms import signature_from_data_url


class IdentityForm(forms.Form):
    resident_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("手机号码（接收验证码）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class MatterForm(forms.Form):
    purpose = forms.CharField(
        label=_("用途（办理什么事）"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("如：办理居住证")}),
    )
    requiring_unit = forms.CharField(
        label=_("需要单位（谁要这份证明）"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：县公安局某派出所")}),
    )
    facts = forms.CharField(
        label=_("需要证明的事实"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label=_("证明材料（PDF 或照片，可不传）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    electronic = forms.BooleanField(
        label=_("出具电子证明（加盖电子印章，可在查询页下载）"), required=False
    )
    route = forms.ChoiceField(
        label=_("办理方式"),
        choices=[
            ("certificate", _("请村（居）委会出具证明")),
            ("commitment", _("以书面承诺代替证明（告知承诺制），在下方签名")),
        ],
        initial="certificate",
        required=False,
        widget=forms.RadioSelect,
    )
    # The PNG drawn on screen, as a data URL (static/yinzheng/signature.js).
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, commitment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not commitment:
            del self.fields["route"]
            del self.fields["signature"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("route") == "commitment":
            text = cleaned.get("signature") or ""
            if not text:
                self.add_error(None, _("选择以承诺代替证明的，请在签名框内签名"))
            else:
                try:
                    cleaned["signature_file"] = signature_from_data_url(text)
                except forms.ValidationError as exc:
                    self.add_error(None, exc)
        return cleaned


class HolderForm(forms.Form):
    resident_name = forms.CharField(label=_("申请人姓名（全名）"), max_length=50)
    id_last = forms.CharField(
        label=_("公民身份号码后 4 位"),
        max_length=ID_DIGITS,
        min_length=ID_DIGITS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
