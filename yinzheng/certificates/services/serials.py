"""Numbers without gaps: a certificate's serial `<committee>-<year>-<000001>`, a refusal
notice's `<committee>-<year>-BY00001` and a commitment's `<committee>-<year>-CN00001`.

Each kind counts on its own `SerialCounter` row per committee and year. The row is
locked to give the next number, so concurrent requests queue, and a number taken by a
transaction that fails is rolled back with it. A number once given stays with its
request — void when the request ends without a certificate — and is never given again.
"""

from django.db import IntegrityError, transaction

from ..choices import CounterKind
from ..models import SerialCounter


def next_number(committee_code: str, year: int, kind: str) -> int:
    """The next number of the committee, year and kind: the counter row is locked, so
    concurrent requests queue and the numbers have no gaps (rolled back with the
    transaction that took one)."""
    lookup = {"committee_id": committee_code, "year": year, "kind": kind}
    counter = SerialCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                SerialCounter.objects.create(**lookup, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = SerialCounter.objects.select_for_update().get(**lookup)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def certificate_serial(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.CERTIFICATE)
    return f"{committee_code}-{year}-{n:06d}"


def refusal_notice_no(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.REFUSAL)
    return f"{committee_code}-{year}-BY{n:05d}"


def commitment_number(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.COMMITMENT)
    return f"{committee_code}-{year}-CN{n:05d}"
