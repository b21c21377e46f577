"""What esign asks of the seal registry, which sits above it (docs/architecture.md).

esign signs with a committee seal's key. Whether that seal may be used now, and who
keeps it, are the seal registry's answers (REQ-061–063, REQ-066, REQ-070): esign asks
them here, through a narrow interface the registry (`yinzheng.seals`) installs when its
app is ready. esign never imports the registry; the registry calls esign's services
when a seal is issued or stops being usable (`seal_certify`, `seal_certificate_revoke`).
"""

from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class SealRegistry(Protocol):
    def lock(self, seal_id: int) -> Any:
        """The seal row, locked for the rest of the transaction (NotFound if none)."""

    def require_usable(self, seal: Any) -> None:
        """Raise the registry's refusal unless the seal may be applied now."""

    def custodian_id(self, seal: Any) -> int | None:
        """The user who keeps the seal now."""

    def is_electronic(self, seal: Any) -> bool: ...

    def is_active(self, seal: Any) -> bool:
        """Issued or in use: a seal that may still get a certificate."""

    def electronic_without_certificate(self) -> Iterable[Any]:
        """Electronic seals in use or issued that have no certificate yet."""


_registry: SealRegistry | None = None


def install(registry: SealRegistry) -> None:
    global _registry
    _registry = registry


def seals() -> SealRegistry:
    if _registry is None:
        raise ImproperlyConfigured(
            "esign needs the seal registry: add yinzheng.seals to INSTALLED_APPS"
        )
    return _registry
