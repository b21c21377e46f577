"""Issued certificates, as the registers' cross-check asks for them
(registers.services.matters): each names its register entry and serial."""

from collections.abc import Iterator

from django.db.models import Q

from yinzheng.registers.services.books import Register
from yinzheng.registers.services.matters import Matter

from .choices import Status
from .models import CertificateRequest


def issued_matters() -> Iterator[Matter]:
    rows = CertificateRequest.objects.filter(
        Q(status__in=[Status.ISSUED, Status.ANNULLED]) | Q(register_entry__isnull=False)
    ).values_list("pk", "committee_id", "usage_id", "register_entry_id", "serial")
    for pk, committee, usage_id, entry_id, serial in rows.iterator(chunk_size=5000):
        yield Matter(
            label=f"certificates.certificaterequest:{pk}",
            committee_code=committee,
            register=Register.CERTIFICATE,
            entry_id=entry_id,
            subject=f"seals.usagerequest:{usage_id}",
            certificate_no=serial,
        )
