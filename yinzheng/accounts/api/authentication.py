"""API token authentication that reads the caller's role grants with the token (issue
15): DRF's TokenAuthentication asks for the token and its user, and the policy then asks
again for the user's active grants (accounts.policy._grants) in every API request; here
one statement returns all three, and the grants are kept on the user as the policy
keeps them. A token that is not there, or whose user is inactive, is refused exactly
as DRF refuses it."""

import json
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from rest_framework import authentication

# The active grants of the token's user as a JSON array of [role, division, department].
_GRANTS = {
    "postgresql": (
        "SELECT coalesce(json_agg(json_build_array(g.role, g.division_id,"
        " g.department)), '[]')::text FROM accounts_rolegrant g"
        " WHERE g.user_id = authtoken_token.user_id AND g.revoked_at IS NULL"
    ),
    "sqlite": (
        "SELECT json_group_array(json_array(g.role, g.division_id, g.department))"
        " FROM accounts_rolegrant g"
        " WHERE g.user_id = authtoken_token.user_id AND g.revoked_at IS NULL"
    ),
}


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        grants = _GRANTS.get(connection.vendor)
        if grants is None:
            return super().authenticate_credentials(key)
        model: Any = self.get_model()
        token = (
            model.objects.select_related("user")
            .annotate(yz_grants=RawSQL(grants, []))
            .filter(key=key)
            .first()
        )
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's refusal
        user = token.user
        user._yz_grants = [tuple(g) for g in json.loads(token.yz_grants or "[]")]
        return user, token
