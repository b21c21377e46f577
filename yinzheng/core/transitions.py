"""Guarded state transitions: a plain table on the model and one helper."""

from collections.abc import Mapping, Set
from typing import Any

from django.utils.translation import gettext as _

from .errors import InvalidTransition


def move_to(obj: Any, target: Any, *, field: str = "status") -> None:
    """Set `obj.<field>` to `target` if the model's TRANSITIONS table allows it."""
    table: Mapping[Any, Set[Any]] = type(obj).TRANSITIONS
    current = getattr(obj, field)
    if target not in table.get(current, set()):
        raise InvalidTransition(
            _("不能从“%(a)s”变为“%(b)s”")
            % {"a": _label(obj, field, current), "b": _label(obj, field, target)},
            detail={"from": str(current), "to": str(target)},
        )
    setattr(obj, field, target)


def _label(obj: Any, field: str, value: Any) -> str:
    choices = dict(type(obj)._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))
