from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    t = forms.CharField(
        label=_("二维码内容"),
        max_length=2000,
        help_text=_("扫描证明上的二维码得到的网址，或以 YZ2: 开头的凭据"),
    )


class NameCheckForm(forms.Form):
    name = forms.CharField(label=_("持有人姓名"), max_length=50)
