"""Phone numbers: a Chinese mobile or a landline with its area code, normalised. The
one check for every contact number the system keeps: REQ-109's liaisons, the
resident's number on a certificate request and in the certificate register (REQ-072),
and the reporter's on a complaint."""

import re

from django.utils.translation import gettext as _

from yinzheng.core.errors import CoreCode, InvalidInput

MOBILE = re.compile(r"^(?:\+?86)?1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?$")


def chinese_phone(value: str | None) -> str:
    """A Chinese phone number: a mobile (11 digits from 13 to 19; +86 dropped) or a
    landline with its area code (0936-5512345, an extension after a dash). Spaces and
    brackets are dropped. python-stdnum has no Chinese phone numbers."""
    compact = re.sub(r"[\s()（）]", "", value or "")
    digits = compact.replace("-", "")
    if MOBILE.match(digits):
        return digits[-11:]
    if LANDLINE.match(compact):
        return compact
    raise InvalidInput(
        _("请填写正确的联系电话：11 位手机号码，或带区号的固定电话（如 0936-5512345）"),
        code=CoreCode.PHONE_INVALID,
    )
