"""What waits for a user: each domain registers a provider; the home page asks them all.

A provider takes the user and returns items (label, count, url); it must use the policy's
visibility filters so nobody is told about work outside their subtrees.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InboxItem:
    label: Any
    count: int
    url: str


Provider = Callable[[Any], list[InboxItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(user: Any) -> list[InboxItem]:
    items: list[InboxItem] = []
    for provider in _providers:
        items.extend(i for i in provider(user) if i.count)
    return items
