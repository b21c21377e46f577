"""Masking of personal data wherever the full value is not needed."""

import re


def mask_id_number(value: str | None) -> str:
    """110101199003071234 -> 110***********1234 (first 3 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: only the first character stays."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


_DIGIT_RUN = re.compile(r"\d[\d-]{5,}\d")


def mask_phones_in(text: str | None) -> str:
    """Free text with every phone-like run of digits masked: "张三 13812345678" ->
    "张三 138****5678". For contact fields that mix a name and a number."""
    if not text:
        return ""
    return _DIGIT_RUN.sub(lambda m: mask_phone(m.group()), text)


# Personal numbers inside free text, not touching other digits: an ID number (18 digits,
# the last may be X; the old 15-digit form), a mobile (+86 optional), a landline with
# its area code. Dates, serials and hashes do not match: they are not these shapes.
_PERSONAL_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14}"
    r"|(?:\+?86[- ]?)?1[3-9][0-9]{9}"
    r"|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}"
    r")(?![0-9A-Za-z])"
)


def mask_personal_in(text: str | None) -> str:
    """Free text with every ID number and phone number in it masked (the first three
    and last four characters kept): "张三 身份证 110101199003071234，电话 13812345678"
    -> "张三 身份证 110***********1234，电话 138****5678"."""
    if not text:
        return ""
    return _PERSONAL_NUMBER.sub(lambda m: mask_id_number(m.group()), text)


def holds_personal_number(text: str | None) -> bool:
    return bool(text) and _PERSONAL_NUMBER.search(text or "") is not None
