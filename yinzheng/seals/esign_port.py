"""The seal registry's answers to esign (esign.ports.SealRegistry), installed by
SealsConfig.ready: the same rules the sealing work applies (REQ-061–063, 066, 070)."""

from collections.abc import Iterable
from typing import Any

from . import selectors, services
from .choices import ACTIVE_STATUSES, SealForm
from .models import Seal


class SealsForEsign:
    def lock(self, seal_id: int) -> Seal:
        return services.lock_seal(seal_id)

    def require_usable(self, seal: Any) -> None:
        services.require_usable(seal)

    def custodian_id(self, seal: Any) -> int | None:
        custody = selectors.current_custody(seal)
        return custody.custodian_id if custody else None

    def is_electronic(self, seal: Any) -> bool:
        return bool(seal.form == SealForm.ELECTRONIC)

    def is_active(self, seal: Any) -> bool:
        return seal.status in ACTIVE_STATUSES

    def electronic_without_certificate(self) -> Iterable[Seal]:
        return Seal.objects.filter(
            form=SealForm.ELECTRONIC, status__in=ACTIVE_STATUSES, esign_key__isnull=True
        ).order_by("pk")
