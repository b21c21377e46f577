"""What the electronic-seal pages and the API read (REQ-111)."""

from typing import Any

from django.db.models import Q, QuerySet

from .models import VerificationQuery


def query_log(user: Any) -> QuerySet[VerificationQuery]:
    """The verification queries a user may read, newest first: civil affairs and
    inspectors those about their subtree's certificates (esign.queries), everyone
    their own."""
    in_scope = VerificationQuery.objects.visible_to(user).values("pk")
    return VerificationQuery.objects.filter(
        Q(pk__in=in_scope) | Q(requester_id=getattr(user, "pk", None))
    ).select_related("requester", "document", "document__committee")
