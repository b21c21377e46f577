"""What the journal's events are called on the pages: one table of labels.

The journal records an event by its code ("seal.issued", "esign.seal_certificate_issued");
people read a label. Each app that records events registers the labels of its codes
when Django loads it (`AppConfig.ready`), and every history table, page or API, asks
`label(code)` here, so a code recorded by one app about another's object (esign about a
seal) reads the same everywhere (issue 16).
"""

from collections.abc import Mapping
from typing import Any

_labels: dict[str, Any] = {}


def register_labels(labels: Mapping[str, Any]) -> None:
    _labels.update(labels)


def label(code: str) -> str:
    """The event's label in the active language; an unknown code stays as it is."""
    found = _labels.get(code)
    return str(found) if found is not None else code


def known(code: str) -> bool:
    return code in _labels
