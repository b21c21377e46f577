"""Who a write is done by: a person, or the system itself.

Every service takes a required `actor`. Commands, the demo loader and the installation's
own data loaders act as `SYSTEM`, named as such in the audit trail; there is no
"no actor" that silently skips the policy (`accounts.policy` lets the system act
everywhere, on purpose and in one place).
"""

from typing import Final, TypeVar

from django.utils.translation import gettext_lazy as _

from yinzheng.core.errors import CoreCode

from .errors import NotAllowed

_A = TypeVar("_A")


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


def person(actor: _A | SystemActor) -> _A | None:
    """The user to record on a row (`created_by`, `decided_by` …): None for the system."""
    return None if isinstance(actor, SystemActor) else actor


def require_person(actor: _A | SystemActor) -> _A:
    """The user who must do this in person (files a request, is appointed, keeps a
    seal): the system cannot."""
    if isinstance(actor, SystemActor):
        raise NotAllowed(_("此操作须由具体工作人员办理"), code=CoreCode.PERSON_REQUIRED)
    return actor
