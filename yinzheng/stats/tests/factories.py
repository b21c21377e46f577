"""The statistics tests' county, units, people and a row in the official columns."""

import datetime as dt

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f

COUNTY, T1, T2 = "620725", "620725101", "620725102"
DEADLINE = dt.date(2020, 12, 30)  # 001: 「并于2020年12月30日前报县民政局」
ROW = {
    "item_name": "居民死亡证明",
    "basis": "《殡葬管理条例》",
    "implementing_unit": "村（居）民委员会",
    "competent_department": "县民政局",
    "note": "",
}


def people() -> dict:
    """The county bureau, the two townships' officers, the police, the province."""
    return {
        "bureau": f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY),
        "t1": f.user("xiang1", role=Role.TOWNSHIP, at=T1),
        "t2": f.user("xiang2", role=Role.TOWNSHIP, at=T2),
        "police": f.user(
            "gongan",
            role=Role.DEPARTMENT,
            at=COUNTY,
            department=Department.PUBLIC_SECURITY,
        ),
        "province": f.user("sheng", role=Role.CIVIL_AFFAIRS, at="62"),
    }
