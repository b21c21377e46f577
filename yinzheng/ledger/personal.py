"""Personal data out of the journal's bodies (issue 13, finding 7).

An entry can never change, so whatever it holds stays as long as the register is kept:
a phone number written into it would sit in the clear in the database, in every backup
and in every export. Instead the journal writes a token in its place,

    {"pd": "<reference>", "shown": "138****5678", "sha256": "<SHA-256(salt ‖ value)>"}

and the value itself, with the salt, goes into a PersonalDatum row sealed under the
master key (AES-256-GCM, the reference bound as associated data). The entry's hash
covers the token, so the value is still fixed by the chain: `reveal` decrypts it and
refuses it unless it matches the digest. Without the master key the digest tells
nothing (the salt is sealed with the value), so the well-known shape of a phone number
does not let anyone who reads the table try candidates against it.

Rotating the master key re-seals these rows with the e-seal keys (`reseal_all`, run by
`yinzheng esign rotate-master-key`); `check` finds a reference that no longer opens or
no longer matches (a deleted or replaced row) for `ledger verify`.
"""

import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.core import masterkey
from yinzheng.core.errors import Conflict, CoreCode

from .models import PersonalDatum

TOKEN_KEYS = frozenset({"pd", "shown", "sha256"})


class PersonalDataBroken(Conflict):
    """A reference that does not open under the master key, or opens to a value the
    entry's digest does not match."""

    code = CoreCode.PERSONAL_DATA_BROKEN


def _context(ref: str) -> str:
    return f"personal:{ref}"


def _digest(salt: bytes, value: str) -> str:
    return hashlib.sha256(salt + value.encode()).hexdigest()


def seal(value: str, *, shown: str) -> dict[str, str]:
    """Store `value` sealed and return the token an entry holds in its place; `shown`
    is what pages, exports and archives print (the masked value)."""
    ref = secrets.token_hex(16)
    salt = os.urandom(16)
    plaintext = json.dumps(
        {"salt": salt.hex(), "value": value}, ensure_ascii=False
    ).encode()
    blob, master_id = masterkey.seal(plaintext, _context(ref))
    PersonalDatum.objects.create(ref=ref, sealed=blob, master_key_id=master_id)
    return {"pd": ref, "shown": shown, "sha256": _digest(salt, value)}


def is_token(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == TOKEN_KEYS


def shown(value: Any) -> Any:
    """What a field prints: the masked value of a token, anything else as it is."""
    return value["shown"] if is_token(value) else value


def _open(row: PersonalDatum | None, token: Mapping[str, str]) -> str:
    ref = token["pd"]
    if row is None:
        raise PersonalDataBroken(
            _("个人信息密文缺失：%(ref)s") % {"ref": ref}, detail={"ref": ref}
        )
    try:
        plain = json.loads(
            masterkey.unseal(bytes(row.sealed), _context(ref), row.master_key_id)
        )
        salt, value = bytes.fromhex(plain["salt"]), str(plain["value"])
    except (masterkey.MasterKeyInvalid, ValueError, KeyError, TypeError) as exc:
        raise PersonalDataBroken(
            _("个人信息密文无法解开：%(ref)s") % {"ref": ref}, detail={"ref": ref}
        ) from exc
    if _digest(salt, value) != token["sha256"]:
        raise PersonalDataBroken(
            _("个人信息与登记时的摘要不符：%(ref)s") % {"ref": ref},
            detail={"ref": ref},
        )
    return value


def reveal(tokens: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """The values behind `tokens`, by reference, each checked against its digest."""
    wanted = {t["pd"]: t for t in tokens}
    rows = PersonalDatum.objects.in_bulk(list(wanted), field_name="ref")
    return {ref: _open(rows.get(ref), token) for ref, token in wanted.items()}


def check(tokens: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """What is wrong, by reference, with each token whose value is missing, does not
    open or does not match (for `ledger verify`); empty when all is well."""
    wanted = {t["pd"]: t for t in tokens}
    rows = PersonalDatum.objects.in_bulk(list(wanted), field_name="ref")
    problems = {}
    for ref, token in wanted.items():
        try:
            _open(rows.get(ref), token)
        except PersonalDataBroken as exc:
            problems[ref] = str(exc.message)
    return problems


@transaction.atomic
def reseal_all(*, old_master: str, new_master: str) -> int:
    """Re-seal every datum not yet under `new_master` (see esign.keys.reseal_all)."""
    _raw, new_id = masterkey.master(new_master)
    return masterkey.reseal(
        PersonalDatum.objects.select_for_update().exclude(master_key_id=new_id),
        field="sealed",
        context=lambda row: _context(row.ref),
        old_key=old_master,
        new_key=new_master,
    )
