"""The national statistical division tree (REQ-001).

Country → province (2-digit code) → prefecture (4) → county (6) → township (9) →
committee (12). Codes are hierarchical prefixes, so a subtree is a range of codes: that
makes every visibility filter one index range scan on SQLite and PostgreSQL alike.
"""

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core.codes import Level, ancestor_codes, subtree_q

from .choices import CommitteeKind, CommitteeStatus

RESIDENTS_SUFFIXES = ("居民委员会", "居委会", "社区委员会", "社区")
VILLAGE_SUFFIXES = (
    "村民委员会",
    "村委会",
    "村民委会",
    "村",
    "嘎查委员会",  # gacha: the village-level unit of pastoral areas
    "嘎查委会",
    "嘎查",
    "牧民委员会",
)


def kind_from_name(name: str) -> str:
    """Derive the committee kind from its published name (REQ-001).

    The 2023 dataset names residents' committees …居委会/…社区居民委员会/…社区 and village
    committees …村委会/…村民委员会, often only …村, and in pastoral areas …嘎查; anything
    else (生活区, 管理区, 农场 …) is another kind.
    """
    name = name.strip()
    if name.endswith(RESIDENTS_SUFFIXES):
        return CommitteeKind.RESIDENTS
    if name.endswith(VILLAGE_SUFFIXES):
        return CommitteeKind.VILLAGE
    return CommitteeKind.OTHER


class DivisionQuerySet(models.QuerySet["Division"]):
    def subtree(self, code: str) -> Self:
        return self.filter(subtree_q(code))

    def visible_to(self, user: Any, action: str = "division.view") -> Self:
        """The nodes the user may read: their subtrees where they hold a role the
        action allows, and the chain of nodes above them (never their siblings)."""
        return self.filter(policy.scope(user, action).tree_q("code"))

    def in_scope_of(self, user: Any, action: str) -> Self:
        """The nodes where the user may take `action` (their subtrees only)."""
        return self.filter(policy.scope(user, action).q("code"))

    def committees(self) -> Self:
        return self.filter(level=Level.COMMITTEE)


class Division(models.Model):
    code = models.CharField(_("统计用区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,  # the code range already serves child look-ups
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=CommitteeKind.choices, blank=True
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.ACTIVE,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,  # almost always empty; merges are rare and looked up by code
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    status_reference = models.CharField(
        _("变更依据（文号）"), max_length=200, blank=True
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "code"], name="division_parent_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.COMMITTEE) | Q(kind=""),
                name="division_kind_only_on_committees",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommitteeStatus.MERGED)
                | Q(merged_into__isnull=False),
                name="division_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("divisions:detail", args=[self.code])

    @property
    def is_committee(self) -> bool:
        return self.level == Level.COMMITTEE

    @property
    def is_active(self) -> bool:
        return self.status == CommitteeStatus.ACTIVE

    @property
    def division_code(self) -> str:
        return self.code

    def chain(self) -> list["Division"]:
        """The full jurisdiction chain from the country down to this node."""
        codes = ancestor_codes(self.code)
        found = {d.code: d for d in Division.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found] + [self]

    def township(self) -> "Division | None":
        if self.level < Level.TOWNSHIP:
            return None
        return Division.objects.filter(code=self.code[:9]).first()
