"""`yinzheng certificate verify` and `yinzheng esign …` (the console side of esign)."""

import io
import json

import pytest
from cryptography import x509
from django.core.management import call_command

from yinzheng.esign import keys
from yinzheng.esign.models import KeyPair
from yinzheng.seals.choices import SealForm
from yinzheng.seals.models import Seal

from . import factories as f
from .test_pades import changed_byte
from .test_token import tampered

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(eseal, people):
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_a_pdf_as_json(signed, tmp_path):
    path = tmp_path / "zhengming.pdf"
    path.write_bytes(f.signed_bytes(signed))
    code, out = run("certificate", "verify", str(path), "--json")
    assert code == 0
    body = json.loads(out)
    assert body["verdict"] == "valid" and body["serial"] == signed.serial
    assert all(c["ok"] is not False for c in body["checks"])


def test_verify_says_why_a_changed_pdf_fails(signed, tmp_path):
    path = tmp_path / "changed.pdf"
    path.write_bytes(changed_byte(f.signed_bytes(signed)))
    code, out = run("certificate", "verify", str(path))
    assert code == 1
    assert out.startswith("签名无效或内容被改动")
    assert "✗ signature" in out


def test_verify_a_token_and_a_tampered_one(signed):
    assert run("certificate", "verify", signed.token)[0] == 0
    code, out = run("certificate", "verify", tampered(signed.token), "--json")
    assert code == 1 and json.loads(out)["verdict"] == "invalid"


def test_verify_a_token_offline_with_a_downloaded_trust_list(signed, tmp_path):
    trust = tmp_path / "trust-list.json"
    assert run("esign", "trust-list", "--out", str(trust))[0] == 0
    pin = json.loads(trust.read_text())["roots"][0]["sha256"]
    code, out = run(
        "certificate", "verify", signed.token, "--offline", str(trust), "--pin", pin
    )
    assert code == 0 and out.splitlines()[0] == "valid 有效"
    assert f"serial: {signed.serial}" in out
    code, _out = run(
        "certificate", "verify", signed.token, "--offline", str(trust), "--pin", "00"
    )
    assert code == 1


def test_export_a_crl(signed, tmp_path):
    out = tmp_path / "t.crl"
    assert run("esign", "crl", "620725101", "--out", str(out))[0] == 0
    assert x509.load_der_x509_crl(out.read_bytes()).issuer


def test_certify_gives_older_electronic_seals_their_certificates(eseal, people):
    KeyPair.objects.filter(seal=eseal).update(seal=None)  # a seal from before esign
    assert not KeyPair.objects.filter(seal=eseal).exists()
    code, out = run("esign", "certify")
    assert code == 0 and eseal.serial in out
    assert KeyPair.objects.filter(seal=eseal).exclude(certificate_pem="").exists()
    assert (
        Seal.objects.filter(form=SealForm.ELECTRONIC, esign_key__isnull=True).count()
        == 0
    )


def test_rotate_the_master_key(eseal, settings, monkeypatch):
    old = settings.MASTER_KEY
    monkeypatch.setenv("YINZHENG_OLD_MASTER_KEY", old)
    settings.MASTER_KEY = "C" * 43
    code, out = run("esign", "rotate-master-key")
    assert code == 0 and str(KeyPair.objects.count()) in out
    assert keys.private_key_der(KeyPair.objects.get(seal=eseal))
    assert run("esign", "rotate-master-key")[0] == 0  # again: nothing left to do
