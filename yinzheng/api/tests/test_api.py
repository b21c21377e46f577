"""API shell: schema, offline docs, error shape, writes through services."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_schema_is_openapi_3_and_lists_the_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/divisions/",
        "/api/committees/{code}/",
        "/api/committees/{code}/merge/",
        "/api/me/",
        "/api/ledger/verify/",
    ]:
        assert path in schema["paths"], path


@pytest.mark.django_db
def test_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    # Every script, style and image comes from this server (the page also carries a
    # random CSRF token, so a bare substring test of "cdn" would fail now and then).
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert links
    assert not [u for u in links if re.match(r"(?:[a-z]+:)?//", u, re.I)], links


def test_token_authentication_works(tree, api):
    user = factories.user("c", role=Role.CLERK, at=tree["A1a"])
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = api.get("/api/me/").json()
    assert me["username"] == "c"
    assert me["grants"][0]["division"] == tree["A1a"]


def test_bad_token_gives_the_error_shape(tree, api):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "detail"}


def test_merge_by_api_and_its_refusals(tree, api):
    officer = factories.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    api.force_authenticate(officer)
    url = f"/api/committees/{tree['A1b']}/merge/"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert "reference" in missing.json()["detail"]
    ok = api.post(url, {"into_code": tree["A1a"], "reference": "文号"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "merged"
    again = api.post(
        url, {"into_code": tree["A1a"], "reference": "文号"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "committee_inactive"


def test_merge_forbidden_for_a_clerk_is_403(tree, api):
    api.force_authenticate(factories.user("c", role=Role.CLERK, at=tree["A1a"]))
    response = api.post(
        f"/api/committees/{tree['A1a']}/abolish/", {"reference": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_bad_level_filter_is_a_400_not_500(tree, api):
    api.force_authenticate(factories.user("root", superuser=True))
    response = api.get("/api/divisions/", {"level": "abc"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_ledger_verify_endpoint_needs_audit_role(tree, api):
    api.force_authenticate(factories.user("c", role=Role.CLERK, at=tree["A1a"]))
    assert api.get("/api/ledger/verify/").status_code == 403
    api.force_authenticate(factories.user("i", role=Role.INSPECTOR, at="620725"))
    body = api.get("/api/ledger/verify/").json()
    assert body["ok"] is True
    assert {r["chain"] for r in body["reports"]} <= {"audit:620725"}


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
