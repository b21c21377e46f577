"""Template helpers of the admission, exit and filing pages (REQ-021–030).

`discontinuing_ids` lets any list page mark the items an approved exit keeps on the list
only until the law is amended (REQ-027), without each view having to pass them.
"""

from django import template

from yinzheng.accounts.choices import Department
from yinzheng.catalogue import selectors
from yinzheng.catalogue.models import CatalogueList

register = template.Library()


@register.filter
def department_label(value: str) -> str:
    """The label of a department code (human_resources → 人社), or the code itself."""
    return str(dict(Department.choices).get(value, value))


@register.simple_tag
def discontinuing(catalogue_list: CatalogueList) -> list:
    """Items of the list marked "拟退出（待修法）" (REQ-027)."""
    return selectors.items_to_be_discontinued(catalogue_list)


@register.simple_tag
def discontinuing_ids(catalogue_list: CatalogueList) -> set[int]:
    return {item.pk for item in selectors.items_to_be_discontinued(catalogue_list)}
