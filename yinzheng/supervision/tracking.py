"""Tracking numbers a resident can read out on the phone (REQ-087).

Twelve characters from an alphabet without the look-alikes 0/O, 1/I/L, in three groups
of four: "K7QM-3XHD-9PWA". 31¹² ≈ 7.9·10¹⁷ numbers, drawn with `secrets`, so a number
cannot be guessed from another one and the public status page needs no login. What a
caller types is normalised first (lower case, spaces, missing dashes).
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 3, 4


def new_tracking_no() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(
        chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH)
    )


def normalise(text: str) -> str | None:
    """The tracking number in `text` as stored, or None if it cannot be one."""
    chars = "".join(c for c in (text or "").upper() if c.isalnum())
    if len(chars) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return "-".join(
        chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH)
    )
