"""Statistical division codes: the key every division-owned row carries (REQ-001).

Country → province (2 digits) → prefecture (4) → county (6) → township (9) → committee
(12). Codes are hierarchical prefixes, so a subtree is a range of codes and every
visibility filter is one index range scan on SQLite and PostgreSQL alike. Only code
arithmetic lives here, no database: the tree itself is `yinzheng.divisions`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    COUNTRY = 0, _("国家")
    PROVINCE = 1, _("省级")
    PREFECTURE = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级（乡镇、街道）")
    COMMITTEE = 5, _("村级（村、居委会）")


# Length of the statistical code at each level (the country root has its own key).
CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.COMMITTEE: 12,
}
COUNTRY_CODE = "CN"


def level_of(code: str) -> Level:
    """The level of the division with this code."""
    if code == COUNTRY_CODE:
        return Level.COUNTRY
    for level, length in CODE_LENGTH.items():
        if len(code) == length:
            return level
    raise ValueError(f"not a division code: {code!r}")


def subtree_q(code: str, field: str = "code") -> Q:
    """Rows whose `field` lies in the subtree of `code` (the node included)."""
    if code == COUNTRY_CODE:
        return Q()
    # Codes are decimal digits of at most 12 places, so the subtree is the closed range
    # code .. code999…; digit order is the same under every collation.
    if len(code) == 12:
        # A committee has no subtree: equality, which the planner can use to read an
        # index on (committee, time) in order — a committee's newest 50 cases or seal
        # uses — instead of fetching all its rows and sorting them (issue 15: the
        # range `code <= x <= code` is not an equality to PostgreSQL).
        return Q(**{field: code})
    return Q(**{f"{field}__gte": code, f"{field}__lte": code.ljust(12, "9")})


def ancestor_codes(code: str) -> list[str]:
    """Codes from the country down to the parent of `code`."""
    if code == COUNTRY_CODE:
        return []
    chain = [COUNTRY_CODE]
    for length in CODE_LENGTH.values():
        if length >= len(code):
            break
        chain.append(code[:length])
    return chain


def covers(top: str, code: str) -> bool:
    """Is `code` inside the subtree of `top` (the node included)?"""
    return top == COUNTRY_CODE or code.startswith(top)
