"""Forms of the register pages. They only read the input: whether an entry may still be
confirmed, or a year archived, is decided by ledger.registers and ledger.archives, whose
message the user sees.

A signature drawn on screen arrives as a PNG data URL (yinzheng/signature.js); the form
turns it into the uploaded file that registers.confirm stores, after checking that it
is a PNG (decoded, not only its first bytes) of at most 2 MB (REQ-073).
"""

import base64
import binascii

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from yinzheng.core import uploads
from yinzheng.core.forms import StaffForm

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
DATA_URL_PREFIX = "data:image/png;base64,"
# Base64 of 2 MB, with room for padding: longer text is refused before decoding.
SIGNATURE_DATA_URL_MAX_CHARS = len(DATA_URL_PREFIX) + (SIGNATURE_MAX_BYTES + 2) // 3 * 4


def signature_png_problem(data: bytes) -> str | None:
    """Why `data` cannot be a stored signature image, or None when it can: a PNG that
    decodes, not bytes that only start like one (issue 13)."""
    if not data:
        return str(_("请居民在签名框内签名"))
    if len(data) > SIGNATURE_MAX_BYTES:
        return str(_("签名图像过大（不超过 2 MB）"))
    if uploads.detect(data) is not uploads.PNG:
        return str(_("签名图像须为 PNG 格式"))
    return None


def signature_from_data_url(text: str) -> SimpleUploadedFile:
    """The PNG inside a `data:image/png;base64,…` URL, as an uploaded file."""
    text = text.strip()
    if not text.startswith(DATA_URL_PREFIX):
        raise forms.ValidationError(
            _("签名数据无效，请重新签名"), code="signature_invalid"
        )
    if len(text) > SIGNATURE_DATA_URL_MAX_CHARS:
        raise forms.ValidationError(
            _("签名图像过大（不超过 2 MB）"), code="signature_too_large"
        )
    try:
        data = base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise forms.ValidationError(
            _("签名数据无效，请重新签名"), code="signature_invalid"
        ) from exc
    problem = signature_png_problem(data)
    if problem:
        raise forms.ValidationError(problem, code="signature_invalid")
    return SimpleUploadedFile("signature.png", data, content_type="image/png")


class ConfirmPaperForm(StaffForm):
    method = forms.CharField(widget=forms.HiddenInput, initial="paper")
    paper_reference = forms.CharField(
        label=_("纸质登记簿页码"),
        max_length=100,
        help_text=_("居民在打印的登记簿上签字的位置，如“第3页第2行”"),
    )


class ConfirmScreenForm(StaffForm):
    method = forms.CharField(widget=forms.HiddenInput, initial="screen")
    signature = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("请居民在签名框内签名")},
    )

    def clean_signature(self) -> SimpleUploadedFile:
        return signature_from_data_url(self.cleaned_data["signature"])


class ArchiveForm(StaffForm):
    unconfirmed_note = forms.CharField(
        label=_("未经居民确认条目的说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("尚有未确认的条目时必须说明原因；说明随登记簿一并归档"),
    )


class RevealForm(StaffForm):
    reason = forms.CharField(
        label=_("查看原因"),
        max_length=200,
        help_text=_("如“回电告知居民领取证明”；原因记入审计，号码不记入"),
    )
