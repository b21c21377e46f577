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

from yinzheng.core.codes import COUNTRY_CODE

from .choices import ChainKind

GENESIS_HASH = "0" * 64
# The event of a register entry: it names its matter once in the whole journal (REQ-056,
# one matter, one registration), held by the partial unique index entry_matter_once.
MATTER_EVENT = "register.entry"


class Chain(models.Model):
    key = models.CharField(_("链标识"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=30, choices=ChainKind.choices)
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
    # A register's year chain is closed by its year-end archive (REQ-074).
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账链")
        verbose_name_plural = _("台账链")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def division_code(self) -> str:
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
    event = models.CharField(_("事件"), max_length=80)  # entry_event_subject
    subject = models.CharField(_("对象"), max_length=120, db_index=True)
    actor_id = models.BigIntegerField(_("操作人"), null=True, blank=True, db_index=True)
    body = models.TextField(_("内容（规范编码）"))

    class Meta:
        verbose_name = _("台账条目")
        verbose_name_plural = _("台账条目")
        ordering = ["chain_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="entry_chain_seq"),
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(event=MATTER_EVENT),
                name="entry_matter_once",
            ),
        ]
        indexes = [
            # One event's entries, and one event of many objects: the REQ-121 watch
            # reads the head's approvals of a window's seal-use requests by event and
            # subject. SQLite's planner, which keeps no statistics, took the index on
            # the event alone for "event = … AND subject IN (…)" and read every entry
            # of the event once a chunk of subjects; on both columns it seeks each one
            # (issue 15). Replaces the index on the event (migration 0011).
            models.Index(fields=["event", "subject"], name="entry_event_subject"),
            # Issue 15: a register year's entries by chain and time with their ids,
            # so the counts of entries waiting for the resident's confirmation (the
            # inbox, the register pages: registers.services.books.unconfirmed) read
            # this index instead of every entry's row.
            models.Index(
                fields=["chain", "recorded_at", "id"],
                condition=models.Q(event=MATTER_EVENT),
                name="entry_register_chain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.seq} {self.event}"

    @property
    def data(self) -> dict:
        return json.loads(self.body)


class CheckpointSeries(models.Model):
    """The head of one signer's checkpoint sequence (ledger/checkpoints.py).

    Every checkpoint a signer makes — a township for its committees' registers, a
    county for its audit chain — takes the next number in the signer's sequence and
    the hash of the one before, so a deleted checkpoint leaves a gap or a broken link.
    This row is the sequence's head; it is rewritten at each checkpoint."""

    signer = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("签署机关"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_number = models.PositiveBigIntegerField(_("最新编号"), default=0)
    head_hash = models.CharField(_("最新哈希"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("检查点序列")
        verbose_name_plural = _("检查点序列")
        ordering = ["signer_id"]

    def __str__(self) -> str:
        return f"{self.signer_id}#{self.head_number}"


class Checkpoint(models.Model):
    """A chain head signed by the authority over the chain (design.md §4): the
    township for its committees' registers, the county for its audit chain.

    The signature covers the chain key, sequence number, head hash and time (and, for
    the closing checkpoint of a year-end archive, the SHA-256 of the book's PDF and
    xlsx), so rewriting a chain — even recomputing every hash with database access —
    no longer matches a checkpoint made before. Since ledger 0006 it also covers a
    short digest of every entry since the chain's previous checkpoint (so verification
    names the first altered entry) and the checkpoint's place in the signer's own
    hash-chained sequence (`number`, `prev_hash`; a missing checkpoint is a gap).
    Checkpoints made before have no number. Rows are append-only (triggers)."""

    chain = models.ForeignKey(
        Chain,
        verbose_name=_("台账链"),
        on_delete=models.PROTECT,
        related_name="checkpoints",
    )
    seq = models.PositiveBigIntegerField(_("序号"))
    head_hash = models.CharField(_("链头哈希"), max_length=64)
    signed_at = models.DateTimeField(_("签署时间"))
    signer = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("签署机关"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.ForeignKey(
        "esign.KeyPair",
        verbose_name=_("签名密钥"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing = models.BooleanField(_("年终归档"), default=False)
    pdf_sha256 = models.CharField(_("登记簿 PDF SHA-256"), max_length=64, blank=True)
    xlsx_sha256 = models.CharField(_("登记簿 xlsx SHA-256"), max_length=64, blank=True)
    signature = models.TextField(_("签名"))
    number = models.PositiveBigIntegerField(_("签署序号"), null=True, blank=True)
    prev_hash = models.CharField(_("前一检查点哈希"), max_length=64, blank=True)
    hash = models.CharField(_("检查点哈希"), max_length=64, blank=True)
    from_seq = models.PositiveBigIntegerField(_("摘要起始序号"), default=0)
    # The first DIGEST_LENGTH hex digits of each entry's hash in (from_seq, seq].
    digests = models.TextField(_("条目摘要"), blank=True)

    class Meta:
        verbose_name = _("签署检查点")
        verbose_name_plural = _("签署检查点")
        ordering = ["chain_id", "seq", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain"],
                condition=models.Q(closing=True),
                name="checkpoint_one_closing_per_chain",
            ),
            models.UniqueConstraint(
                fields=["signer", "number"],
                condition=models.Q(number__isnull=False),
                name="checkpoint_signer_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}@{self.seq}"

    @property
    def division_code(self) -> str:
        return self.chain.division_code


class Archive(models.Model):
    """A register year closed at year end: its printable book and spreadsheet (REQ-074)."""

    chain = models.OneToOneField(
        Chain,
        verbose_name=_("台账链"),
        on_delete=models.PROTECT,
        related_name="archive",
    )
    checkpoint = models.OneToOneField(
        Checkpoint,
        verbose_name=_("归档检查点"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("登记簿 PDF"), upload_to="archives/%Y/")
    xlsx = models.FileField(_("登记簿 xlsx"), upload_to="archives/%Y/")
    # The signed checkpoint heads at closing (ledger/checkpoints.py `anchor`), a copy
    # the township keeps outside the database.
    anchor = models.FileField(_("检查点锚定"), upload_to="archives/%Y/", blank=True)
    entries = models.PositiveIntegerField(_("条数"))
    unconfirmed_note = models.TextField(_("未确认条目说明"), blank=True)
    closed_by_id = models.BigIntegerField(_("归档人"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"))

    class Meta:
        verbose_name = _("年终归档")
        verbose_name_plural = _("年终归档")
        ordering = ["chain_id"]

    def __str__(self) -> str:
        return str(self.chain)

    @property
    def division_code(self) -> str:
        return self.chain.division_code


class Confirmation(models.Model):
    """The resident's confirmation of a certificate-register entry (REQ-073): a
    signature drawn on screen, or signed on the printed page and recorded here."""

    entry = models.OneToOneField(
        Entry,
        verbose_name=_("登记条目"),
        on_delete=models.PROTECT,
        related_name="confirmation",
    )
    method = models.CharField(
        _("确认方式"),
        max_length=12,
        choices=[
            ("screen", _("屏幕手写签名")),
            ("paper", _("纸质登记簿签字")),
        ],
    )
    signature = models.FileField(_("签名图像"), upload_to="signatures/%Y/", blank=True)
    signature_sha256 = models.CharField(
        _("签名图像 SHA-256"), max_length=64, blank=True
    )
    paper_reference = models.CharField(_("纸质页码"), max_length=100, blank=True)
    recorded_by_id = models.BigIntegerField(_("登记人"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("居民签字确认")
        verbose_name_plural = _("居民签字确认")
        ordering = ["entry_id"]
        indexes = [
            # Issue 15: "is this entry confirmed" answered from the index alone (the
            # unconfirmed counts join every entry of a register year to this table).
            models.Index(fields=["entry", "id"], name="confirmation_entry_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} ✓"


class PersonalDatum(models.Model):
    """A personal value a journal entry refers to instead of holding it (issue 13):
    a phone or ID number, or free text that holds one, sealed under the master key
    (core.masterkey) with a random salt. The entry keeps the reference, the masked
    value and SHA-256(salt ‖ value), so its hash covers the value without the chain
    holding it in the clear, and nobody without the master key can try candidate
    values against it (ledger/personal.py)."""

    ref = models.CharField(_("引用"), max_length=32, unique=True)
    sealed = models.BinaryField(_("密文"))
    master_key_id = models.CharField(_("主密钥标识"), max_length=16)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息密文")
        verbose_name_plural = _("个人信息密文")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.ref
