from django import forms
from django.utils.translation import gettext_lazy as _

from yinzheng.core.forms import StaffForm


class MergeForm(StaffForm):
    prefix = "merge"
    into_code = forms.CharField(label=_("并入的村（居）委会代码"), max_length=12)
    reference = forms.CharField(label=_("合并依据（文号）"), max_length=200)


class AbolishForm(StaffForm):
    prefix = "abolish"
    reference = forms.CharField(label=_("撤销依据（文号）"), max_length=200)
