"""The audit trail: the journal's first user.

Every service that changes state calls `record()` inside its own transaction, with the
actor, the event, the object and its before/after snapshots. The trail is chained per
county (design.md §5: a county's chains live together), so writers in different counties
never wait on each other.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from yinzheng.core.codes import COUNTRY_CODE

from . import services
from .models import Entry

if TYPE_CHECKING:
    from yinzheng.accounts.policy import Actor


@dataclass(frozen=True)
class Event:
    """One audit entry about an object, as a page or the API shows it."""

    at: dt.datetime
    event: str
    actor: str
    before: Any
    after: Any
    note: str


def history(subject: models.Model) -> list[Event]:
    """The object's events as the audit journal holds them, oldest first."""
    entries = Entry.objects.filter(subject=subject_label(subject)).order_by(
        "recorded_at", "pk"
    )
    events = []
    for entry in entries:
        data = entry.data.get("data", {})
        events.append(
            Event(
                at=entry.recorded_at,
                event=entry.event,
                actor=data.get("actor_name", ""),
                before=data.get("before"),
                after=data.get("after"),
                note=data.get("note", ""),
            )
        )
    return events


def subject_label(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def chain_key_for(division_code: str | None) -> tuple[str, str | None]:
    if not division_code or division_code == COUNTRY_CODE:
        return "audit", None
    county = division_code[:6] if len(division_code) >= 6 else division_code
    return f"audit:{county}", county


def record(
    *,
    actor: "Actor",
    event: str,
    subject: models.Model | str,
    division_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> Entry:
    """Append the event to the audit chain of the subject's county (or of
    `division_code`). `subject` is the object, or the label of what the entry is
    about when that is not one object (a batch: esign.journal)."""
    if actor is None:
        # Commands and loaders act as core.actors.SYSTEM; nobody acts anonymously.
        raise TypeError("audit.record needs an actor (a user or SYSTEM)")
    if division_code is None:
        division_code = getattr(subject, "division_code", None)
    key, chain_division = chain_key_for(division_code)
    actor_id = getattr(actor, "pk", None)
    return services.append(
        key=key,
        kind="audit",
        division_code=chain_division,
        event=event,
        subject=subject if isinstance(subject, str) else subject_label(subject),
        actor_id=actor_id,
        data={
            "actor_name": str(actor),
            "division": division_code,
            "before": before,
            "after": after,
            "note": note,
        },
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as plain values, for before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        f = obj._meta.get_field(name)
        out[name] = getattr(obj, getattr(f, "attname", name))
    return out


@contextmanager
def recorded(
    *,
    actor: "Actor",
    event: str,
    subject: models.Model,
    fields: list[str],
    note: str = "",
) -> Iterator[None]:
    """Change `subject` inside the block; it is then saved (those fields only) and the
    change recorded with its before/after snapshots, in the caller's transaction."""
    before = snapshot(subject, fields)
    yield
    subject.save(update_fields=fields)
    record(
        actor=actor,
        event=event,
        subject=subject,
        before=before,
        after=snapshot(subject, fields),
        note=note,
    )
