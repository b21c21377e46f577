"""What certificates tells the apps above it (docs/architecture.md).

A demand for an unlisted certificate reported at the intake desk (REQ-016) is a
complaint the supervisors handle as a case (REQ-089). Supervision sits above
certificates, so it listens here: `demand_report()` calls each listener inside its own
transaction, and a listener's refusal undoes the report.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yinzheng.accounts.policy import Actor

    from .models import DemandReport

DemandListener = Callable[["DemandReport", "Actor"], Any]
_listeners: list[DemandListener] = []


def listen_demand_reports(listener: DemandListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def demand_reported(report: "DemandReport", actor: "Actor") -> None:
    for listener in _listeners:
        listener(report, actor)
