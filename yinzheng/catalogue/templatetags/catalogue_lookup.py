"""Template helpers of the lookup (issue 16): what the results say to the person asking
(`lookup_advice`) and the label of a result's confidence, so the portal page shows them
as the API and `yinzheng lookup` do, without each view having to pass them."""

from django import template
from django.utils.translation import gettext_lazy as _

from yinzheng.catalogue import selectors

register = template.Library()

CONFIDENCE_LABELS = {
    "high": _("相符"),
    "medium": _("可能相符"),
    "low": _("仅供参考"),
}


@register.simple_tag
def lookup_advice(results: list[selectors.LookupResult]) -> selectors.LookupAdvice:
    return selectors.lookup_advice(results)


@register.filter
def confidence_label(value: str) -> str:
    return str(CONFIDENCE_LABELS.get(value, value))
