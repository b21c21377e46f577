"""The client's address behind trusted proxies, and the rate limits keyed on it
(issue 13, finding 3)."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from yinzheng.core.clients import client_address
from yinzheng.core.web import over_rate

rf = RequestFactory()


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/v/", **extra)


def test_the_connecting_address_is_the_client_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("198.51.100.7")) == "198.51.100.7"


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(settings):
    """Issue 13: a visitor cannot pick its own address by sending X-Forwarded-For."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    spoofed = request_from("198.51.100.7", forwarded="1.2.3.4")
    assert client_address(spoofed) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_forwarded_client_is_used(settings):
    """Issue 13: behind the TLS proxy every visitor had the proxy's one address."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("10.0.0.1", "203.0.113.5")) == "203.0.113.5"


def test_the_rightmost_untrusted_hop_wins_over_what_the_client_wrote(settings):
    """A client may prepend anything to the header; the trusted proxies append the
    address they saw, so the right-most address no trusted proxy owns is the client."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    forwarded = "1.1.1.1, 203.0.113.5, 10.1.2.3"
    assert client_address(request_from("192.0.2.10", forwarded)) == "203.0.113.5"


def test_a_chain_of_trusted_proxies_only_gives_the_leftmost(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from("10.0.0.1", "10.0.0.9, 10.0.0.8")) == "10.0.0.9"


def test_a_malformed_forwarded_entry_is_not_taken_as_an_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    request = request_from("10.0.0.1", "203.0.113.5, not-an-ip")
    assert client_address(request) == "10.0.0.1"


def test_ipv6_proxies_and_clients(settings):
    settings.TRUSTED_PROXIES = ["fd00::/8"]
    assert client_address(request_from("fd00::1", "2001:db8::7")) == "2001:db8::7"


@pytest.mark.django_db
def test_the_page_limit_counts_each_forwarded_client_apart(settings, clock_at):
    """Issue 13: behind the proxy, one visitor over the limit no longer stops all."""
    clock_at(2026, 3, 2, 10)
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    first = [over_rate(request_from("10.0.0.1", "203.0.113.5"), "t:a", 2)]
    first += [over_rate(request_from("10.0.0.1", "203.0.113.5"), "t:a", 2)]
    first += [over_rate(request_from("10.0.0.1", "203.0.113.5"), "t:a", 2)]
    other = over_rate(request_from("10.0.0.1", "203.0.113.6"), "t:a", 2)
    assert first == [False, False, True]
    assert other is False


@pytest.mark.django_db
def test_a_spoofed_forwarded_header_does_not_reset_the_page_limit(settings, clock_at):
    clock_at(2026, 3, 2, 10)
    settings.TRUSTED_PROXIES = []
    over = [
        over_rate(request_from("198.51.100.7", f"1.2.3.{n}"), "t:b", 2)
        for n in range(4)
    ]
    assert over == [False, False, True, True]


@pytest.mark.django_db
def test_the_api_throttle_ignores_a_spoofed_forwarded_header(settings, clock_at):
    """Issue 13: every rate limit keys on the same client address, the API's too."""
    from yinzheng.core import ratelimit

    # All four requests in one window, counted from nothing: a count another test
    # left in the same minute, or a minute ending between two requests, would
    # change what this proves.
    clock_at(2026, 5, 1, 9)
    ratelimit.clear()
    settings.TRUSTED_PROXIES = []
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "1200/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        api = APIClient()
        codes = [
            api.get(
                "/api/certificates/status/NO-SUCH-CODE/",
                HTTP_X_FORWARDED_FOR=f"1.2.3.{n}",
            ).status_code
            for n in range(4)
        ]
    finally:
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [404, 404, 429, 429]
