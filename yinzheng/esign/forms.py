from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm


class TokenForm(forms.Form):
    t = forms.CharField(
        label=_("二维码内容"),
        max_length=2000,
        help_text=_("扫描证明上的二维码得到的网址，或以 YZ2: 开头的凭据"),
    )


class NameCheckForm(forms.Form):
    name = forms.CharField(label=_("持有人姓名"), max_length=50)


class QueryForm(StaffForm):
    """A department's verification query on the staff page (REQ-111): one of the QR
    content, the serial (with its check code) or the PDF, and the query's legal basis
    and purpose. Which of them are needed is the service's rule
    (services.verification_query_with_code); its refusal is shown on the field."""

    token = forms.CharField(
        label=_("二维码内容"),
        max_length=2000,
        required=False,
        help_text=_("扫描证明上的二维码得到的网址，或以 YZ2: 开头的凭据"),
    )
    serial = forms.CharField(label=_("证明编号"), max_length=40, required=False)
    check_code = forms.CharField(
        label=_("核验码"),
        max_length=20,
        required=False,
        help_text=_(
            "证明编号旁印的核验码，如 7K3M-Q9XD；有核验码时辖区外的证明也可核查"
        ),
    )
    pdf = forms.FileField(label=_("电子证明 PDF 文件"), required=False)
    holder_name = forms.CharField(
        label=_("持有人姓名（选填）"),
        max_length=50,
        required=False,
        help_text=_("与证明出具时留存的加盐摘要比对，不保存"),
    )
    legal_basis = forms.CharField(
        label=_("法律依据"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("按照法定程序办理查询核查业务，如《社会保险法》第五十九条"),
    )
    purpose = forms.CharField(label=_("查询目的"), max_length=500, required=False)
    department = forms.ChoiceField(label=_("代表的部门"), required=False)

    def __init__(self, *args, departments: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(departments) > 1:
            cast(forms.ChoiceField, self.fields["department"]).choices = departments
        else:  # one department or none: the service takes the user's own
            del self.fields["department"]
