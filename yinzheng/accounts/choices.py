from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("经办人")
    HEAD = "head", _("主任（签批人）")
    CUSTODIAN = "custodian", _("印章管理人")
    TOWNSHIP = "township", _("乡镇（街道）工作人员")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门工作人员")
    DEPARTMENT = "department", _("职能部门工作人员")
    INSPECTOR = "inspector", _("督查人员")
    # REQ-043: the community (village) Party organisation handles Party matters.
    PARTY = "party", _("村（社区）党组织")
    ADMIN = "admin", _("系统管理员")


# The committee's own staff.
COMMITTEE_STAFF = frozenset({Role.CLERK, Role.HEAD, Role.CUSTODIAN})
# Who reads a committee's work (requests, seals, registers): its staff and those who
# oversee it; departments do not.
COMMITTEE_WORK_READERS = COMMITTEE_STAFF | {
    Role.TOWNSHIP,
    Role.CIVIL_AFFAIRS,
    Role.INSPECTOR,
    Role.ADMIN,
}


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    DEVELOPMENT_REFORM = "development_reform", _("发改")
    PUBLIC_SECURITY = "public_security", _("公安")
    JUSTICE = "justice", _("司法")
    HUMAN_RESOURCES = "human_resources", _("人社")
    HEALTH = "health", _("卫健")
    OTHER = "other", _("其他")


def department_label(code: str) -> str:
    """A department's name in the active language; an unknown code as it is."""
    return str(Department(code).label) if code in Department.values else code
