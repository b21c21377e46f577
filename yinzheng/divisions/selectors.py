"""Reads of the division tree through the policy's visibility filter."""

from typing import Any

from django.db.models import Q, QuerySet

from yinzheng.accounts import policy

from .choices import COUNTRY_CODE
from .models import Division


def divisions_visible(user: Any) -> QuerySet[Division]:
    return policy.visible_divisions(Division.objects.all(), user)


def division_get(user: Any, code: str) -> Division | None:
    if not policy.may_see_division(user, code):
        return None
    return Division.objects.filter(code=code).first()


def roots_for(user: Any) -> QuerySet[Division]:
    if policy.sees_everything(user):
        return Division.objects.filter(code=COUNTRY_CODE)
    return Division.objects.filter(code__in=policy.scope_codes(user))


def children_visible(user: Any, division: Division) -> QuerySet[Division]:
    return divisions_visible(user).filter(parent=division).order_by("code")


def search(user: Any, text: str, *, within: str | None = None) -> QuerySet[Division]:
    text = text.strip()
    qs = divisions_visible(user)
    if within:
        qs = qs.subtree(within)
    if text.isdigit():
        qs = qs.filter(code__startswith=text)
    else:
        qs = qs.filter(Q(name__contains=text))
    return qs.order_by("level", "code")
