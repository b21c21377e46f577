"""The seal registry's sealings, as the registers' cross-check asks for them
(registers.services.matters): each sealed request names its register entry."""

from collections.abc import Iterator

from django.db.models import Q

from yinzheng.registers.services.matters import Matter

from .choices import WORK_CATEGORIES, UseStatus
from .models import UsageRequest

PREFIX = "seals.usagerequest:"


def sealed_matters() -> Iterator[Matter]:
    rows = UsageRequest.objects.filter(
        Q(status=UseStatus.SEALED) | Q(register_entry__isnull=False)
    ).values_list(
        "pk", "committee_id", "category", "register_entry_id", "certificate_no"
    )
    for pk, committee, category, entry_id, serial in rows.iterator(chunk_size=5000):
        register = "work" if category in WORK_CATEGORIES else "certificate"
        yield Matter(
            label=f"{PREFIX}{pk}",
            committee_code=committee,
            register=register,
            entry_id=entry_id,
            subject=f"{PREFIX}{pk}",
            certificate_no=serial if register == "certificate" else "",
        )
