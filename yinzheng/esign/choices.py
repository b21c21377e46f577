from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPurpose(models.TextChoices):
    """The key hierarchy: county root → township issuing authority (制发机关) → seal;
    the county's timestamp authority (时间戳服务) is certified by the root too."""

    ROOT = "root", _("县级根密钥")
    AUTHORITY = "authority", _("乡镇（街道）制发机关密钥")
    SEAL = "seal", _("电子印章密钥")
    TSA = "tsa", _("县级时间戳服务密钥")


class RevocationReason(models.TextChoices):
    """The CRL reason codes used here (RFC 5280 §5.3.1), from the seal's fate."""

    KEY_COMPROMISE = "key_compromise", _("密钥泄露（印章遗失）")
    SUPERSEDED = "superseded", _("已被替换（更换印章）")
    CESSATION = "cessation_of_operation", _("停止使用（收缴、合并或撤销）")
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn", _("制发机关撤销")
    UNSPECIFIED = "unspecified", _("其他原因")


class Verdict(models.TextChoices):
    """What a verification says about a certificate (the public page's four answers,
    plus a signature that does not verify at all)."""

    VALID = "valid", _("有效")
    SEAL_REVOKED = "seal_revoked", _("印章已撤销，证明无效")
    WITHDRAWN = "withdrawn", _("证明已撤回")
    UNKNOWN = "unknown", _("无法核验")
    INVALID = "invalid", _("签名无效或内容被改动")


# The badge a page shows a verdict with (the public page, the departments' page).
_VERDICT_BADGES: dict[str, str] = {
    Verdict.VALID: "ok",
    Verdict.SEAL_REVOKED: "bad",
    Verdict.WITHDRAWN: "bad",
    Verdict.INVALID: "bad",
    Verdict.UNKNOWN: "warn",
}


def verdict_badge(verdict: str) -> str:
    return _VERDICT_BADGES.get(verdict, "warn")


class QueryKind(models.TextChoices):
    TOKEN = "token", _("二维码凭据")
    PDF = "pdf", _("PDF 文件")
    SERIAL = "serial", _("证明编号")


# How the journal's esign events read in a history (core.events): a seal's history
# shows the certificate of its key; a document's, its signing.
EVENT_LABELS = {
    "esign.seal_certificate_issued": _("签发电子印章数字证书"),
    "esign.seal_certificate_revoked": _("吊销电子印章数字证书"),
    "esign.seal_key_destroyed": _("销毁电子印章密钥"),
    "esign.document_prepared": _("准备签章文件"),
    "esign.document_signed": _("加盖电子印章"),
    "esign.document_withdrawn": _("撤回已签章文件"),
    "esign.document_timestamp_renewed": _("续签归档时间戳"),
    "esign.paper_document_prepared": _("准备纸质证明核验凭据"),
    "esign.paper_document_issued": _("纸质证明已出具"),
    "esign.public_name_check": _("公众核对持证人姓名"),
    "esign.verification_query": _("在线核验查询"),
    "esign.verification_queries_sealed": _("核验查询记录存证"),
}
