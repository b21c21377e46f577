"""The QR code as printed (issue 14): an issued electronic certificate's page, rendered
at 150 dpi, gives its QR code back to a common decoder (zbarimg), and the code holds
the page's address in the QR alphanumeric alphabet at version 10 or less (error
correction M), where a byte-mode address needed version 14 and did not decode."""

import shutil
import subprocess

import pytest
import segno

from yinzheng.certificates.tests import factories as cert_factories
from yinzheng.esign import qr, tokens
from yinzheng.esign.models import SignedDocument
from yinzheng.seals.tests import factories as seal_factories

pytestmark = pytest.mark.django_db

TOOLS = ("pdftoppm", "zbarimg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(tree, settings):
    """A certificate of committee A1a issued under its electronic seal, through the
    certificate work (request → verify → approve → seal)."""
    settings.PUBLIC_URL = "https://yinzheng.shandan.gov.cn"
    people = cert_factories.committee_people(tree)
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form="electronic",
    )
    catalogue = cert_factories.county_catalogue()
    cert = cert_factories.issued(people, tree["A1a"], catalogue.simple, electronic=True)
    return SignedDocument.objects.get(serial=cert.serial)


def test_the_printed_qr_decodes_to_the_token_at_version_10_or_less(issued, tmp_path):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed (apt-get install poppler-utils "
            "zbar-tools): the printed QR code is not checked"
        )
    # Given the signed PDF of an issued certificate
    pdf = tmp_path / "certificate.pdf"
    with issued.signed_pdf.open("rb") as fh:
        pdf.write_bytes(fh.read())
    # When its page is rendered at 150 dpi and the QR code read back
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"]
        + [str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"]
        + [str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Then it is the page's address, upper case, with the stored token
    assert read.returncode == 0, read.stderr
    decoded = read.stdout.strip()
    assert decoded == qr.address(issued.token)
    assert decoded.startswith("HTTPS://YINZHENG.SHANDAN.GOV.CN/V/YZ2:")
    assert tokens.from_text(decoded) == issued.token
    # in alphanumeric mode, at version 10 or less (as the page draws it)
    symbol = segno.make_qr(decoded, error="m", boost_error=False)
    assert symbol.mode == "alphanumeric" and symbol.version <= 10, symbol.version
