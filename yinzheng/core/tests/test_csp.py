"""The Content-Security-Policy on every page (issue 13, finding 1: there was none, so
a stored script ran), and the templates that keep it workable: no inline script, no
on…= handler, no style attribute or <style> element."""

import re
from pathlib import Path

import pytest
from django.conf import settings

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def nonces(directive: set[str]) -> set[str]:
    return {v for v in directive if v.startswith("'nonce-")}


def without_nonces(directives: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: values - nonces(values) for name, values in directives.items()}


@pytest.fixture
def clerk_client(client, tree):
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories

    clerk = factories.user("csp-clerk", role=Role.CLERK, at=tree["A1a"])
    client.force_login(clerk)
    return client, clerk


@pytest.mark.parametrize(
    "path",
    ["/verify/", "/v/YZ1:not-a-token", "/catalogue/", "/accounts/login/"],
)
def test_public_pages_carry_the_strict_policy_issue_13(client, tree, path):
    response = client.get(path)

    assert response.status_code in (200, 400, 404), response.status_code
    assert policy(response) == STRICT


def test_the_home_page_carries_the_strict_policy(clerk_client):
    client, _clerk = clerk_client

    response = client.get("/")

    assert response.status_code == 200
    assert policy(response) == STRICT


def test_a_certificate_page_carries_the_strict_policy(clerk_client, tree):
    from yinzheng.certificates.tests.factories import county_catalogue, request

    client, clerk = clerk_client
    county_catalogue()
    from yinzheng.catalogue.models import Item

    req = request(
        actor=clerk, committee=tree["A1a"], item=Item.objects.get(key="residence")
    )

    response = client.get(f"/certificates/{req.pk}/")

    assert response.status_code == 200
    assert policy(response) == STRICT
    assert "<script>" not in response.content.decode()


def test_an_error_page_and_the_api_carry_it_too(clerk_client):
    client, _clerk = clerk_client

    assert policy(client.get("/no/such/page/")) == STRICT
    assert policy(client.get("/api/divisions/")) == STRICT


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_run_their_one_inline_script_by_nonce(clerk_client, path):
    client, _clerk = clerk_client

    response = client.get(path)

    assert response.status_code == 200
    directives = policy(response)
    # Redoc builds its search index in a worker made from a blob of its own code.
    worker = {"worker-src": {"'self'", "blob:"}} if "redoc" in path else {}
    assert without_nonces(directives) == STRICT | worker
    [nonce] = nonces(directives["script-src"])
    assert nonces(directives["style-src"]) == {nonce}
    html = response.content.decode()
    value = nonce[len("'nonce-") : -1]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [f' nonce="{value}"']
    assert "fonts.googleapis.com" not in html  # no CDN (design.md)
    assert "<style" not in html


def test_each_page_gets_its_own_nonce(clerk_client):
    client, _clerk = clerk_client

    first = nonces(policy(client.get("/api/docs/"))["script-src"])
    second = nonces(policy(client.get("/api/docs/"))["script-src"])

    assert first and second and first != second


# The templates ------------------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
NONCED = re.compile(r'\bnonce="\{\{ request\.csp_nonce \}\}"')
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path.relative_to(TEMPLATES), path.read_text(encoding="utf-8")


def test_no_template_has_inline_script_handlers_or_styles_issue_13():
    problems = []
    allowed_inline = []
    for name, text in _templates():
        for tag in INLINE_SCRIPT.findall(text):
            if NONCED.search(tag):
                allowed_inline.append(str(name))
            else:
                problems.append(f"{name}: inline script {tag}")
        problems += [f"{name}: handler {m}" for m in HANDLER.findall(text)]
        problems += [f"{name}: style= {m}" for m in STYLE_ATTRIBUTE.findall(text)]
        problems += [f"{name}: <style>" for _m in STYLE_ELEMENT.findall(text)]
        problems += [f"{name}: {m}" for m in JAVASCRIPT_URL.findall(text)]

    assert problems == []
    # The one inline script the site has is the API docs' start (drf-spectacular).
    assert sorted(allowed_inline) == ["api/redoc.html", "api/swagger_ui.html"]


def test_the_rule_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert HANDLER.search('<button type="button" onclick="window.print()">')
    assert HANDLER.search('<select name="l"\n  onchange="this.form.submit()">')
    assert not HANDLER.search('<select name="l" data-autosubmit>')
    assert STYLE_ATTRIBUTE.search('<h2 style="margin-top:0">')
    assert not STYLE_ATTRIBUTE.search('<link rel="stylesheet" href="/s.css">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')
