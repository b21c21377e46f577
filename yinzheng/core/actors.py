"""Who a write is done by: a person, or the system itself.

Every service takes a required `actor`. Commands, the demo loader and the installation's
own data loaders act as `SYSTEM`, named as such in the audit trail; there is no
"no actor" that silently skips the policy (`accounts.policy` lets the system act
everywhere, on purpose and in one place).
"""

from typing import Any, Final


class SystemActor:
    """The installation acting on its own behalf (a command, a loader, the demo)."""

    pk: Final = None
    id: Final = None
    is_authenticated: Final = True
    is_active: Final = True
    is_superuser: Final = False
    is_system: Final = True
    username: Final = "system"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM


def person(actor: Any) -> Any:
    """The user to record on a row (`created_by`, `decided_by` …): None for the system."""
    return None if actor is SYSTEM else actor
