"""Certificate items (证明事项) and their typed bases (REQ-002, REQ-020).

An item is shared by every list that names it: its name and aliases are what residents
look up, its flags what the lists and the certificate rules ask, and for items committees
do not issue its route and responsible departments say where residents go instead
(REQ-006).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import BasisType, Complexity


class Item(models.Model):
    key = models.SlugField(_("标识"), max_length=80, unique=True)
    name = models.CharField(_("证明名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    aliases_en = models.JSONField(_("英文别名"), default=list, blank=True)
    open_alias_list = models.BooleanField(_("别名未列尽（“等”）"), default=False)
    within_committee_duties = models.BooleanField(
        _("属于村（居）委会职责范围"), default=False
    )
    implementing_unit = models.CharField(_("实施单位"), max_length=200, blank=True)
    competent_department = models.CharField(_("主管部门"), max_length=200, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    # For items committees do not issue (REQ-006): where the resident goes instead.
    route = models.TextField(_("办事途径"), blank=True)
    route_en = models.TextField(_("办事途径（英文）"), blank=True)
    responsible_departments = models.JSONField(_("办理部门"), default=list, blank=True)
    exceptions = models.JSONField(_("除外情形"), default=list, blank=True)
    clause_notes = models.JSONField(_("条款说明"), default=list, blank=True)
    no_prior_certificate = models.BooleanField(
        _("无须村（居）委会提供前置证明"), default=False
    )
    public_interest = models.BooleanField(_("涉及公共利益"), default=False)
    legal_risk = models.BooleanField(_("可能涉及法律风险"), default=False)
    liability_bearing = models.BooleanField(_("承担法律或经济连带责任"), default=False)
    party_related = models.BooleanField(_("涉及党组织、党员"), default=False)
    commitment_allowed = models.BooleanField(_("可告知承诺"), default=False)
    data_sharing = models.BooleanField(_("可通过信息共享核查"), default=False)
    # REQ-117: whom the handling department queries when the route verifies by data
    # sharing (信息共享) — not the responsible departments, who handle the matter.
    sharing_departments = models.JSONField(
        _("信息共享核查部门"), default=list, blank=True
    )
    complexity = models.CharField(
        _("办理类型"),
        max_length=10,
        choices=Complexity.choices,
        default=Complexity.SIMPLE,
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    # Name and aliases in one plain-text column, for matching (JSON stores \u escapes).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明事项")
        verbose_name_plural = _("证明事项")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complexity=Complexity.SIMPLE)
                | Q(time_limit_days__isnull=False),
                name="item_complex_has_time_limit",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = "\n".join([self.name, *self.aliases])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("portal:catalogue_item", args=[self.key])

    @property
    def policy_basis_only(self) -> bool:
        """REQ-020: flagged when every basis is a policy."""
        types = {b.basis_type for b in self.bases.all()}
        return bool(types) and types <= {BasisType.POLICY}


class Basis(models.Model):
    item = models.ForeignKey(
        Item, verbose_name=_("证明事项"), on_delete=models.CASCADE, related_name="bases"
    )
    basis_type = models.CharField(
        _("依据类型"), max_length=20, choices=BasisType.choices
    )
    citation = models.CharField(_("依据名称及条款"), max_length=500)
    sample = models.BooleanField(
        _("示例数据"),
        default=False,
        help_text=_("演示数据中的依据均标为示例，不是真实的法律引用"),
    )

    class Meta:
        verbose_name = _("设定依据")
        verbose_name_plural = _("设定依据")
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_basis_type_display()}：{self.citation}"
