"""`{% load policy %}`: ask the one policy from a template, for rows of a list.

`{% with allowed=row|allowed_for:user %}{% if allowed.approve %}…` offers on each row
exactly what `policy.allowed_actions(user, row)` says (the services check again)."""

from typing import Any

from django import template

from yinzheng.accounts import policy

register = template.Library()


@register.filter
def allowed_for(obj: Any, user: Any) -> policy.Allowed:
    return policy.allowed_actions(user, obj)
