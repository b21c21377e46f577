"""Masking of personal data wherever the full value is not needed."""


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
