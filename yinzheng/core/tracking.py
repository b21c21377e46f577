"""Tracking codes a resident can read over the phone (issue 16, REQ-049, REQ-113).

A code is nine characters from an alphabet without the look-alikes l, 1, I, 0 and O,
upper case, grouped in threes: ``7KQ-4MX-9RT``. It is typed in any case, with or
without the dashes, with spaces anywhere; `normalise` gives the stored form back.

31 characters to the ninth power is about 2.6 · 10^13 (44.6 bits) drawn with
`secrets`: guessing a live code takes billions of tries, and the status page counts
every look-up per client address (YINZHENG_STATUS_RATE), so a code that is short
enough to read aloud is still not found by trying. What it shows is little (status,
item, committee, the masked name); the certificate itself needs the holder's name and
the last digits of the ID number too (certificates.services.online).

Codes drawn before issue 16 (16 characters of ``secrets.token_urlsafe``, mixed case)
stay valid: `normalise` returns None for them and callers look them up as written.

No database here.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 3
GROUPS = 3
LENGTH = GROUP * GROUPS
# What a person may type between the characters: dashes of any kind, spaces.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－_]+")
_READABLE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def _grouped(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def new_code() -> str:
    """A fresh code in its stored form, e.g. ``7KQ-4MX-9RT``."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalise(text: str | None) -> str | None:
    """The stored form of a typed readable code (any case, dashes and spaces
    optional), or None when the text is no readable code."""
    if not text or len(text) > 64:
        return None
    compact = _SEPARATORS.sub("", text).upper()
    if not _READABLE.fullmatch(compact):
        return None
    return _grouped(compact)


def is_readable(code: str) -> bool:
    """Is `code` a readable code in its stored form?"""
    return normalise(code) == code
