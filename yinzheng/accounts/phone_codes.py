"""One-time codes by SMS: a resident proves they hold a mobile number (issue 16,
REQ-113 "一号申请": the online application's identity is the name, the ID number with
its check digit, and this code).

1. `phone_code_send(phone=…, address=…)` draws a six-digit code, keeps only its HMAC
   and the digest of a random challenge token, sends the code through the SMS port
   (core.sms, YINZHENG_SMS_BACKEND) and returns the token to the client. Sends are
   counted per number (YINZHENG_OTP_RATE an hour, one a minute) and per client address
   (four times the hour's number) before anything is drawn.
2. `phone_code_confirm(token=…, code=…, address=…)` checks the code: it lives
   `CODE_TTL` (10 minutes); every try is counted first, in one UPDATE, so at most
   `MAX_ATTEMPTS` codes are ever compared, however many requests race; a wrong code
   says how many tries are left.
3. `phone_code_take(token=…, phone=…)`, inside the caller's transaction: a confirmed,
   unused code for that number, confirmed less than `VERIFIED_TTL` ago, is used up
   (an application is made once per code).

The counts go through core.ratelimit (shared by every server process). No audit entry
for a code: it concerns no division; the application that uses it is audited.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from yinzheng.core import clock, masking, ratelimit, sms
from yinzheng.core.errors import Conflict, InvalidInput, Throttled
from yinzheng.core.phones import MOBILE, chinese_phone

from .errors import AccountCode
from .models import PhoneCode

CODE_TTL = dt.timedelta(minutes=10)
VERIFIED_TTL = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 5
ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Challenge:
    token: str
    phone_masked: str
    expires_at: dt.datetime


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hmac(token: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"otp:{token}:{code}".encode(), hashlib.sha256).hexdigest()


def mobile_phone(value: str) -> str:
    """A mobile number a code can be sent to (a landline cannot read an SMS)."""
    phone = chinese_phone(value)
    if not MOBILE.match(phone):
        raise InvalidInput(
            _("请填写能接收短信的 11 位手机号码"), code=AccountCode.PHONE_NOT_MOBILE
        )
    return phone


def _count(key: str, seconds: int, limit: int, message: str) -> None:
    if ratelimit.hit(key, seconds) > limit:
        raise Throttled(message, code=AccountCode.OTP_THROTTLED)


def phone_code_send(*, phone: str, address: str) -> Challenge:
    """Send a fresh code to `phone`; the returned token names it in the next steps."""
    phone = mobile_phone(phone)
    now = clock.now()
    hour = int(now.timestamp() // 3600)
    minute = int(now.timestamp() // 60)
    phone_key = _digest(phone)[:32]
    per_hour = int(settings.OTP_PER_PHONE_HOUR)
    _count(
        f"otp:phone-minute:{phone_key}:{minute}",
        120,
        1,
        _("验证码已发送，请 1 分钟后再重新获取"),
    )
    _count(
        f"otp:phone:{phone_key}:{hour}",
        7200,
        per_hour,
        _("该号码获取验证码过于频繁，请 1 小时后再试"),
    )
    _count(
        f"otp:address:{address or '-'}:{hour}",
        7200,
        per_hour * ADDRESS_FACTOR,
        _("获取验证码过于频繁，请 1 小时后再试"),
    )
    token = secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(
        token_sha256=_digest(token),
        phone=phone,
        code_hmac=_code_hmac(token, code),
        address=address or None,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    minutes = int(CODE_TTL.total_seconds() // 60)
    text = _(
        "【印证】您的验证码是 %(code)s，%(minutes)d 分钟内有效，仅用于在线申请证明。"
        "请勿告诉他人。"
    ) % {"code": code, "minutes": minutes}
    try:
        sms.send(phone, text)
    except sms.SmsFailed:
        row.delete()
        raise
    return Challenge(token, masking.mask_phone(phone), row.expires_at)


def _find(token: str) -> PhoneCode:
    row = PhoneCode.objects.filter(token_sha256=_digest(token or "")).first()
    if row is None:
        raise InvalidInput(_("验证码无效，请重新获取"), code=AccountCode.OTP_UNKNOWN)
    return row


def phone_code_confirm(*, token: str, code: str, address: str) -> PhoneCode:
    """Check `code` against the challenge `token`; returns the confirmed row."""
    _count(
        f"otp:confirm:{address or '-'}:{int(clock.now().timestamp() // 60)}",
        120,
        MAX_ATTEMPTS * ADDRESS_FACTOR,
        _("验证过于频繁，请 1 分钟后再试"),
    )
    row = _find(token)
    if row.used_at is not None:
        raise Conflict(_("该验证码已使用，请重新获取"), code=AccountCode.OTP_USED)
    if row.verified_at is not None:
        return row
    if row.expires_at <= clock.now():
        raise InvalidInput(_("验证码已过期，请重新获取"), code=AccountCode.OTP_EXPIRED)
    # Count the try before comparing: concurrent tries cannot exceed the limit.
    counted = PhoneCode.objects.filter(pk=row.pk, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise InvalidInput(
            _("验证码错误次数过多，请重新获取"),
            code=AccountCode.OTP_ATTEMPTS_EXHAUSTED,
        )
    row.refresh_from_db()
    wanted = _code_hmac(token, "".join((code or "").split()))
    if not hmac.compare_digest(wanted, row.code_hmac):
        left = MAX_ATTEMPTS - row.attempts
        if left <= 0:
            raise InvalidInput(
                _("验证码错误次数过多，请重新获取"),
                code=AccountCode.OTP_ATTEMPTS_EXHAUSTED,
            )
        raise InvalidInput(
            _("验证码错误，还可尝试 %(left)d 次") % {"left": left},
            code=AccountCode.OTP_WRONG,
            detail={"attempts_left": left},
        )
    PhoneCode.objects.filter(pk=row.pk, verified_at__isnull=True).update(
        verified_at=clock.now()
    )
    row.refresh_from_db()
    return row


@transaction.atomic
def phone_code_take(*, token: str, phone: str) -> PhoneCode:
    """Use up the confirmed code of `token` for `phone` (in the caller's transaction)."""
    found = _find(token)
    row = PhoneCode.objects.select_for_update().get(pk=found.pk)
    if row.used_at is not None:
        raise Conflict(_("该验证码已使用，请重新获取"), code=AccountCode.OTP_USED)
    if row.verified_at is None:
        raise InvalidInput(
            _("请先输入短信验证码完成验证"), code=AccountCode.OTP_NOT_VERIFIED
        )
    if row.verified_at + VERIFIED_TTL <= clock.now():
        raise InvalidInput(
            _("手机验证已超过 30 分钟，请重新获取验证码"),
            code=AccountCode.OTP_EXPIRED,
        )
    if row.phone != chinese_phone(phone):
        raise InvalidInput(
            _("联系电话与接收验证码的手机号码不一致"),
            code=AccountCode.OTP_PHONE_MISMATCH,
        )
    row.used_at = clock.now()
    row.save(update_fields=["used_at"])
    return row


def phone_codes_purge(*, before: dt.datetime) -> int:
    """Forget codes that expired before `before` (and were never used)."""
    deleted, _by_model = PhoneCode.objects.filter(
        expires_at__lt=before - VERIFIED_TTL
    ).delete()
    return deleted
