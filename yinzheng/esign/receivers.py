"""The seal lifecycle drives the seal certificates (REQ-115): connected in apps.ready."""

from typing import Any

from django.dispatch import receiver

from yinzheng.seals.choices import SealForm
from yinzheng.seals.services import seal_issued, seal_retired

from . import services


@receiver(seal_issued, dispatch_uid="esign.certify_electronic_seal")
def _on_seal_issued(sender, seal: Any, actor: Any, **kwargs) -> None:
    # Inside seal_issue's transaction, which checked seal.issue for the township.
    if seal.form == SealForm.ELECTRONIC:
        services._certify(seal, actor=actor)


@receiver(seal_retired, dispatch_uid="esign.revoke_seal_certificate")
def _on_seal_retired(sender, seal: Any, at: Any, actor: Any, **kwargs) -> None:
    # Lost, blocked, revoked or collected: the certificate is revoked from `at`.
    services.seal_certificate_revoke(actor=actor, seal=seal, at=at)
