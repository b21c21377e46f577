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
