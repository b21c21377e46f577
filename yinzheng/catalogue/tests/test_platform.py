"""REQ-112: publishing a list version or a guide sends a signed message to the
government-service platform configured for each county it applies to; a refusal is
retried with back-off, every attempt's status is kept and shown.

The platform is a real HTTP server on loopback, answering as each test tells it."""

import datetime as dt
import json
import threading
from base64 import urlsafe_b64decode
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue.choices import ListKind, PlatformMessageStatus
from yinzheng.catalogue.models import PlatformMessage
from yinzheng.catalogue.services import guides, platform
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.inbox import items_for
from yinzheng.core.tests import factories as f
from yinzheng.esign import pki

from . import factories

COUNTY, OTHER = "620725", "440804"


class Receiver:
    """A platform on loopback: records each POST, answers with the next status."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/yinzheng"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def configured(tree, receiver):
    return platform.platform_set(
        actor=SYSTEM, county_code=COUNTY, name="测试政务服务平台", endpoint=receiver.url
    )


def _department_list(owner: str = COUNTY):
    item = factories.negative_item(
        "测试部门证明", route="到税务机关开具", departments=["税务"]
    )
    return factories.published(owner, ListKind.DEPARTMENT, [item])


def _verify(county: str, received: dict) -> bool:
    der = pki.certificate_der(pki.county_root(county))
    key = x509.load_der_x509_certificate(der).public_key()
    raw = urlsafe_b64decode(received["headers"]["X-Yinzheng-Signature"] + "==")
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    try:
        key.verify(signature, received["body"], ec.ECDSA(hashes.SHA256()))
    except Exception:
        return False
    return True


def test_req_112_a_published_version_reaches_the_platform_signed_by_the_county(
    configured, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = _department_list()
    (got,) = receiver.received
    payload = json.loads(got["body"])
    assert payload["schema"] == "yinzheng.list-version/1"
    assert payload["list"]["owner_code"] == COUNTY
    assert payload["version"]["number"] == version.number
    assert payload["entries"][0]["route"] == "到税务机关开具"
    assert got["headers"]["Idempotency-Key"].startswith("yinzheng-platform-message-")
    assert _verify(COUNTY, got)
    got["body"] = got["body"].replace("税务".encode(), "公安".encode())
    assert not _verify(COUNTY, got)  # the signature covers the bytes sent
    message = PlatformMessage.objects.get()
    assert (message.status, message.attempts, message.response_status) == (
        PlatformMessageStatus.SENT,
        1,
        200,
    )


def test_req_112_a_refusing_platform_is_retried_with_back_off_then_given_up(
    configured, receiver, clock_at
):
    now = clock_at(2026, 12, 1, 9)
    receiver.answers = [503] * platform.MAX_ATTEMPTS
    _department_list()
    (outcome,) = platform.platform_send(actor=SYSTEM)
    message = PlatformMessage.objects.get()
    assert outcome.outcome == "retry" and "HTTP 503" in message.last_error
    assert message.next_attempt_at == now + dt.timedelta(minutes=1)
    assert platform.platform_send(actor=SYSTEM) == []  # not due yet
    waited = [dt.timedelta(minutes=1)]
    for attempt in range(2, platform.MAX_ATTEMPTS + 1):
        now = clock_at(*(now + waited[-1]).timetuple()[:6])
        platform.platform_send(actor=SYSTEM)
        message.refresh_from_db()
        assert message.attempts == attempt
        if message.next_attempt_at:
            waited.append(message.next_attempt_at - now)
    assert waited[:4] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert message.status == PlatformMessageStatus.FAILED
    assert len(receiver.received) == platform.MAX_ATTEMPTS
    platform.platform_message_retry(actor=SYSTEM, message_id=message.pk)
    (outcome,) = platform.platform_send(actor=SYSTEM)
    message.refresh_from_db()
    assert outcome.outcome == "sent" and message.status == PlatformMessageStatus.SENT
    with pytest.raises(Conflict):
        platform.platform_message_retry(actor=SYSTEM, message_id=message.pk)


def test_req_112_an_unreachable_platform_is_recorded_and_shown(tree, clock_at):
    clock_at(2026, 12, 1, 9)
    platform.platform_set(
        actor=SYSTEM,
        county_code=COUNTY,
        name="停机的平台",
        endpoint="http://127.0.0.1:9/x",
    )
    _department_list()
    (outcome,) = platform.platform_send(actor=SYSTEM, timeout=2)
    message = PlatformMessage.objects.get()
    assert outcome.outcome == "retry" and message.response_status is None
    assert message.last_error
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    assert any("政务服务平台" in str(i.label) for i in items_for(officer))


def test_req_112_a_national_list_reaches_every_county_and_a_county_list_its_own(
    tree, receiver
):
    for county in (COUNTY, OTHER):
        platform.platform_set(
            actor=SYSTEM, county_code=county, name=county, endpoint=receiver.url
        )
    _department_list("CN")
    reached = PlatformMessage.objects.values_list("platform_id", flat=True)
    assert sorted(reached) == sorted([COUNTY, OTHER])
    PlatformMessage.objects.all().delete()
    _department_list(OTHER)
    assert list(PlatformMessage.objects.values_list("platform_id", flat=True)) == [
        OTHER
    ]


def test_req_112_a_published_guide_reaches_the_counties_whose_lists_name_its_item(
    configured, receiver
):
    item = factories.item("带指南的证明", guide=False)
    factories.published(COUNTY, ListKind.DEPARTMENT, [_with_route(item)])
    PlatformMessage.objects.all().delete()
    guides.guide_save(
        actor=SYSTEM,
        item_key=item.key,
        certificate_format="式样",
        procedure="程序",
        operating_rules="规范",
        time_limit_days=3,
        purpose="用途",
        basis="依据",
        materials="要件",
        sample_form="样表",
    )
    guides.guide_publish(actor=SYSTEM, item_key=item.key)
    message = PlatformMessage.objects.get()
    assert message.payload["schema"] == "yinzheng.guide/1"
    assert message.payload["guide"]["procedure"] == "程序"


def _with_route(item):
    item.route, item.responsible_departments = "到部门办理", ["税务"]
    item.save(update_fields=["route", "responsible_departments"])
    return item


def test_req_112_the_platform_is_set_per_county_by_its_own_officer(tree):
    with pytest.raises(InvalidInput):
        platform.platform_set(
            actor=SYSTEM, county_code="620725101", name="x", endpoint="https://a.cn/"
        )
    with pytest.raises(InvalidInput):
        platform.platform_set(
            actor=SYSTEM, county_code=COUNTY, name="x", endpoint="ftp://a.cn/"
        )
    other = f.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER)
    with pytest.raises(NotAllowed):
        platform.platform_set(
            actor=other, county_code=COUNTY, name="x", endpoint="https://a.cn/"
        )


def test_req_112_page_api_and_command_show_the_messages(
    configured, receiver, client, capsys
):
    receiver.answers = [500]
    _department_list()
    call_command("platform_send", "--json")
    (row,) = json.loads(capsys.readouterr().out)["outcomes"]
    assert row["outcome"] == "retry"
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    client.force_login(officer)
    page = client.get(reverse("catalogue:platform")).content.decode()
    assert receiver.url in page and "HTTP 500" in page
    api = APIClient()
    api.force_authenticate(officer)
    listed = api.get("/api/catalogue/platform-messages/").json()["results"]
    assert listed[0]["status"] == "queued" and listed[0]["attempts"] == 1
    outsider = f.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER)
    api.force_authenticate(outsider)
    assert api.get("/api/catalogue/platform-messages/").json()["results"] == []


def test_req_112_a_publishing_request_sends_a_few_and_leaves_the_rest_to_the_cron_job(
    tree, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    for county in (COUNTY, OTHER):
        platform.platform_set(
            actor=SYSTEM, county_code=county, name=county, endpoint=receiver.url
        )
    monkeypatch.setattr(platform, "INLINE_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        _department_list("CN")
    statuses = sorted(PlatformMessage.objects.values_list("status", flat=True))
    assert statuses == [PlatformMessageStatus.QUEUED, PlatformMessageStatus.SENT]
    (outcome,) = platform.platform_send(actor=SYSTEM)  # the cron job
    assert outcome.outcome == "sent" and len(receiver.received) == 2
