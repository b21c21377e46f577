"""Supervision (监督, REQ-087–098): complaint cases, inspections, rectification,
township checks and register alerts, each in its module."""

from .cases import Case
from .checks import Alert, TownshipCheck
from .inspections import (
    Criticism,
    Draw,
    Finding,
    Inspection,
    RectificationEvent,
    RectificationItem,
)
from .settings import SupervisionSetting

__all__ = [
    "Alert",
    "Case",
    "Criticism",
    "Draw",
    "Finding",
    "Inspection",
    "RectificationEvent",
    "RectificationItem",
    "SupervisionSetting",
    "TownshipCheck",
]
