"""The append-only, hash-chained journal (design.md §4).

A Chain is a named sequence (an audit trail, later the committees' two usage registers);
its row is the head: the last sequence number and hash. Entries never change: database
triggers refuse UPDATE and DELETE on them. Each entry's hash covers the chain key, its
sequence number, the previous hash, the time and the canonical body, so any change,
removal, insertion or reordering breaks the chain where it happened.
"""

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Chain(models.Model):
    key = models.CharField(_("链标识"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=30)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_seq = models.PositiveBigIntegerField(_("最新序号"), default=0)
    head_hash = models.CharField(_("最新哈希"), max_length=64, default=GENESIS_HASH)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台账链")
        verbose_name_plural = _("台账链")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def division_code(self) -> str:
        from yinzheng.divisions.choices import COUNTRY_CODE

        return self.division_id or COUNTRY_CODE


class Entry(models.Model):
    chain = models.ForeignKey(
        Chain,
        verbose_name=_("台账链"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    seq = models.PositiveBigIntegerField(_("序号"))
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)
    recorded_at = models.DateTimeField(_("记录时间"))
    # Indexed copies of fields inside `body`, for look-ups; verification checks they agree.
    event = models.CharField(_("事件"), max_length=80, db_index=True)
    subject = models.CharField(_("对象"), max_length=120, db_index=True)
    actor_id = models.BigIntegerField(_("操作人"), null=True, blank=True, db_index=True)
    body = models.TextField(_("内容（规范编码）"))

    class Meta:
        verbose_name = _("台账条目")
        verbose_name_plural = _("台账条目")
        ordering = ["chain_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="entry_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.seq} {self.event}"

    @property
    def data(self) -> dict:
        return json.loads(self.body)
