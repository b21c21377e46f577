"""Signing keys and the electronic-seal PKI (design.md §4), signed certificates and the
verification queries of departments.

A KeyPair is one ECDSA P-256 key, its private half encrypted at rest with the master key,
or held in an HSM (hsm_label; esign.hsm). A destroyed seal's private half is erased
(private_key_destroyed_at); its public key and certificate stay, for old signatures.
Its X.509 certificate sits on the same row: the county root signs itself, the township's
issuing-authority key (制发机关, which also signs the register checkpoints) is certified
by the root, and each electronic seal's key by its township. A revoked certificate keeps
its revocation time and reason; the issuer's CRL (RevocationList) lists it.

A SignedDocument is one certificate (证明) issued under an electronic seal: the QR token
made before rendering, the SHA-256 the head approved, and after sealing the PAdES-signed
PDF, its signing time and the register entry. Verification reads it to say valid, seal
revoked, withdrawn or unknown.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from .choices import KeyPurpose, QueryKind, RevocationReason, Verdict, verdict_badge


class KeyPair(models.Model):
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=12, choices=KeyPurpose.choices)
    algorithm = models.CharField(_("算法"), max_length=20, default="ecdsa-p256")
    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    # The COSE key id of the QR token: the first 8 bytes of key_id, in hex.
    kid = models.CharField(_("短密钥标识"), max_length=16, blank=True, db_index=True)
    public_key_pem = models.TextField(_("公钥（PEM）"))
    # Empty when the private half is in the HSM (hsm_label) or was destroyed.
    private_key_encrypted = models.BinaryField(_("私钥（加密）"), blank=True)
    master_key_id = models.CharField(_("主密钥标识"), max_length=16, blank=True)
    # The label of the private key in the PKCS#11 token (esign.hsm): its key_id.
    hsm_label = models.CharField(_("HSM 密钥标签"), max_length=64, blank=True)
    private_key_destroyed_at = models.DateTimeField(
        _("私钥销毁时间"), null=True, blank=True
    )
    certificate_pem = models.TextField(_("证书（PEM）"), blank=True)
    issuer = models.ForeignKey(
        "self",
        verbose_name=_("签发密钥"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued",
    )
    seal = models.OneToOneField(
        "seals.Seal",
        verbose_name=_("电子印章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="esign_key",
    )
    serial_number = models.CharField(_("证书序列号"), max_length=40, blank=True)
    not_before = models.DateTimeField(_("证书生效时间"), null=True, blank=True)
    not_after = models.DateTimeField(_("证书失效时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("证书吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("吊销原因"), max_length=30, choices=RevocationReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        ordering = ["division_id", "purpose", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "purpose"],
                condition=Q(retired_at__isnull=True) & ~Q(purpose="seal"),
                name="keypair_one_active_per_division_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.division_id} {self.key_id[:12]}"

    @property
    def division_code(self) -> str:
        return self.division_id


class RevocationList(models.Model):
    """The current CRL of one issuing key, re-signed at every revocation and before it
    goes stale; its number only grows (RFC 5280 §5.2.3)."""

    issuer = models.OneToOneField(
        KeyPair,
        verbose_name=_("签发密钥"),
        on_delete=models.PROTECT,
        related_name="revocation_list",
    )
    number = models.PositiveBigIntegerField(_("CRL 编号"), default=0)
    this_update = models.DateTimeField(_("本次更新"))
    next_update = models.DateTimeField(_("下次更新"))
    der = models.BinaryField(_("CRL（DER）"))

    class Meta:
        verbose_name = _("证书吊销列表")
        verbose_name_plural = _("证书吊销列表")

    def __str__(self) -> str:
        return f"CRL {self.issuer.division_id} #{self.number}"

    @property
    def division_code(self) -> str:
        return self.issuer.division_id


class SignedDocument(models.Model):
    """A certificate issued under an electronic seal, from its token to its signature."""

    serial = models.CharField(_("证明编号"), max_length=40, unique=True)
    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_key = models.CharField(_("证明事项标识"), max_length=100, blank=True)
    item_name = models.CharField(_("证明事项"), max_length=200)
    issue_date = models.DateField(_("出具日期"))
    holder_masked = models.CharField(_("持有人（脱敏）"), max_length=60)
    name_salt = models.CharField(_("姓名盐值"), max_length=32)
    name_hash = models.CharField(_("姓名摘要"), max_length=64)
    seal_key = models.ForeignKey(
        KeyPair,
        verbose_name=_("印章密钥"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    token = models.TextField(_("二维码凭据"))
    # Where the seal goes on the rendered page: [page, x1, y1, x2, y2] in points; the
    # signature's visible appearance (the seal) is placed there when signing.
    seal_box = models.JSONField(_("印章位置"), null=True, blank=True)
    prepared_at = models.DateTimeField(_("生成时间"))
    approved_sha256 = models.CharField(
        _("签批文件 SHA-256"), max_length=64, blank=True, db_index=True
    )
    approved_size = models.PositiveIntegerField(
        _("签批文件大小"), null=True, blank=True
    )
    # Issue 14: a certificate is approved as a draft (marked 草稿·未生效, no seal, no
    # QR) and issued as the rendering of the same content; the signature covers the
    # issued rendering (approved_sha256 above), the head's approval and the register
    # entry name the draft's SHA-256, kept here. Empty: the signed PDF is the approved
    # one itself.
    draft_sha256 = models.CharField(_("签批草稿 SHA-256"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("签章时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用印人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_pdf = models.FileField(_("签章文件"), upload_to="esign/%Y/", blank=True)
    signed_sha256 = models.CharField(_("签章文件 SHA-256"), max_length=64, blank=True)
    level = models.CharField(_("签名级别"), max_length=8, blank=True)  # B-B … B-LTA
    register_entry = models.ForeignKey(
        "ledger.Entry",
        verbose_name=_("登记簿条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "esign.queries"

    class Meta:
        verbose_name = _("电子签章证明")
        verbose_name_plural = _("电子签章证明")
        ordering = ["-prepared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_name} {self.serial}"

    @property
    def division_code(self) -> str:
        return self.committee_id


class VerificationQuery(models.Model):
    """One verification query by a department, with its legal basis (REQ-111)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查询人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField(_("查询部门"), max_length=100)
    legal_basis = models.TextField(_("法律依据"))
    purpose = models.TextField(_("查询目的"))
    kind = models.CharField(_("查询方式"), max_length=10, choices=QueryKind.choices)
    subject = models.CharField(_("查询对象"), max_length=100)
    document = models.ForeignKey(
        SignedDocument,
        verbose_name=_("证明"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queries",
    )
    verdict = models.CharField(_("核验结果"), max_length=20, choices=Verdict.choices)
    name_matches = models.BooleanField(_("姓名相符"), null=True, blank=True)
    asked_at = models.DateTimeField(_("查询时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "document__committee_id"
    view_action = "esign.queries"

    class Meta:
        verbose_name = _("核验查询记录")
        verbose_name_plural = _("核验查询记录")
        ordering = ["-asked_at", "-id"]
        # Issue 15: the queries of the last day not yet sealed (esign.journal), and
        # the query log newest first.
        indexes = [models.Index(fields=["asked_at", "id"], name="query_asked")]

    def __str__(self) -> str:
        return f"{self.department} {self.subject}"

    @property
    def verdict_badge(self) -> str:
        return verdict_badge(self.verdict)

    @property
    def division_code(self) -> str | None:
        return self.document.committee_id if self.document is not None else None


class QuerySeal(models.Model):
    """Issue 15: a verification query sealed into the audit journal. Queries are
    journaled in batches (esign.journal): one audit entry of the county lists each
    query's id with the SHA-256 of its row, and this row, one per query, says which
    entry that is. The unique query makes every query sealed once; `ledger verify`
    checks the journal's digests against the rows and that no query older than the
    grace period is left unsealed. Both tables are append-only (triggers)."""

    query = models.OneToOneField(
        VerificationQuery,
        verbose_name=_("核验查询"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="seal",
    )
    entry = models.ForeignKey(
        "ledger.Entry",
        verbose_name=_("审计条目"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("核验查询存证")
        verbose_name_plural = _("核验查询存证")

    def __str__(self) -> str:
        return f"{self.query_id} → {self.entry_id}"


class InstallationSecret(models.Model):
    """A random secret of the installation, sealed under the master key like the
    private keys (issue 14): the key the verification codes derive from — the holder
    name tags, the check codes printed beside serials, the verifiers' address tags
    (esign/qr.py). Being its own random value, not the master key itself, it survives
    a rotation of the master key (re-sealed with the keys), so printed check codes and
    stored name tags keep working."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    sealed = models.BinaryField(_("密文"))
    master_key_id = models.CharField(_("主密钥标识"), max_length=16)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("系统密钥")
        verbose_name_plural = _("系统密钥")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
