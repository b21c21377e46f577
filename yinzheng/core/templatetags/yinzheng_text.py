"""Small text filters every template may use."""

from django import template

from yinzheng.core import text

register = template.Library()


@register.filter
def bracket_inner(value: object) -> str:
    """（{{ remark|bracket_inner }}）: never （（示例）…） (issue 16)."""
    return text.bracket_inner(str(value or ""))
