"""Files in S3-compatible object storage (issue 15): with YINZHENG_S3_BUCKET set, the
certificates (paper and electronic), the materials, the documents to be sealed and
the year archives are written to the bucket through the real services, read back by
the app's own permission-checked views (and refused to whoever may not see them), and
nothing reaches the data folder. The bucket is a real S3 server on loopback (moto's
server mode, in a thread of the test process, answering over HTTP); without S3
settings the files stay in the data folder."""

import hashlib
import itertools
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.certificates import services as certificates
from yinzheng.certificates.models import Attachment, CertificateRequest
from yinzheng.certificates.tests import factories as cert_factories
from yinzheng.core.actors import SYSTEM
from yinzheng.core.storage import PrivateFileStorage
from yinzheng.core.tests import factories as core_factories
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.esign.models import SignedDocument
from yinzheng.ledger.models import Chain
from yinzheng.registers.services import archives
from yinzheng.registers.services import books as registers
from yinzheng.registers.tests.test_books import work_fields
from yinzheng.seals.choices import UseCategory
from yinzheng.seals.services import usage as sealing
from yinzheng.seals.tests import factories as seal_factories

try:
    import boto3
    from moto.server import ThreadedMotoServer
except ImportError as missing:  # pragma: no cover - `[test]` installs moto and boto3
    pytest.skip(
        f"needs moto[server] and boto3 (pip install -e '.[test]'): {missing}",
        allow_module_level=True,
    )

A1A = "620725101001"
TOWNSHIP = "620725101"
KEYS = {"access_key": "yinzheng-test", "secret_key": "yinzheng-test-secret"}
REGION = "us-east-1"
_buckets = itertools.count(1)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server on a free loopback port for the whole run."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


class Bucket:
    def __init__(self, endpoint: str, name: str, prefix: str):
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.client = _client(endpoint)

    def keys(self) -> set[str]:
        found = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {item["Key"] for item in found}

    def read(self, name: str) -> bytes:
        """The object a storage name (a FileField's `name`) stands for."""
        key = f"{self.prefix}/{name}"
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def holds(self, field) -> bytes:
        """Assert the field's file is an object under the prefix; its bytes."""
        assert field.name and f"{self.prefix}/{field.name}" in self.keys()
        return self.read(field.name)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """A new bucket, the default storage on it (as YINZHENG_S3_BUCKET does), and a
    data folder whose files/ must stay empty."""
    name = f"yinzheng-{os.getpid()}-{next(_buckets)}"
    _client(s3_server).create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "yinzheng.core.object_storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": REGION,
                "addressing_style": "path",
                "location": "county",
                **KEYS,
            },
        },
    }
    found = Bucket(s3_server, name, "county")
    yield found
    assert not (tmp_path / "media").exists(), "a file was written to MEDIA_ROOT"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# The settings --------------------------------------------------------------------------


def _settings_in_a_process(env: dict[str, str], code: str) -> str:
    """Run `code` after Django has read its settings from `env` (a new process, as a
    node starts), and return what it prints."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YINZHENG_S3_")}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n" + code,
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "yinzheng.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_without_s3_settings_files_stay_in_the_data_folder(settings):
    from yinzheng import settings as project

    assert settings.STORAGES["default"] == {
        "BACKEND": "yinzheng.core.storage.PrivateFileStorage"
    }
    assert project._file_storage() == {
        "BACKEND": "yinzheng.core.storage.PrivateFileStorage"
    }
    assert isinstance(default_storage._wrapped, PrivateFileStorage) or isinstance(
        default_storage, PrivateFileStorage
    )


def test_the_s3_settings_come_from_the_environment(monkeypatch):
    from yinzheng import settings as project

    monkeypatch.setenv("YINZHENG_S3_BUCKET", "files")
    monkeypatch.setenv("YINZHENG_S3_ENDPOINT_URL", "https://minio.example:9000")
    monkeypatch.setenv("YINZHENG_S3_REGION", "cn-northwest-1")
    monkeypatch.setenv("YINZHENG_S3_ACCESS_KEY_ID", "key-id")
    monkeypatch.setenv("YINZHENG_S3_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("YINZHENG_S3_PREFIX", "/county-620725/")

    found = project._file_storage()

    assert found["BACKEND"] == "yinzheng.core.object_storage.PrivateS3Storage"
    assert found["OPTIONS"] == {
        "bucket_name": "files",
        "endpoint_url": "https://minio.example:9000",
        "region_name": "cn-northwest-1",
        "addressing_style": "path",  # a store of its own: by path
        "location": "county-620725",
        "default_acl": "private",
        "access_key": "key-id",
        "secret_key": "secret",
    }


def test_s3_credentials_may_come_from_a_file_or_from_boto3s_own_chain(
    monkeypatch, tmp_path
):
    from yinzheng import settings as project

    monkeypatch.setenv("YINZHENG_S3_BUCKET", "files")
    options = project._file_storage()["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options
    assert options["addressing_style"] is None  # AWS: botocore chooses
    assert options["endpoint_url"] is None
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("YINZHENG_S3_ACCESS_KEY_ID", "key-id")
    monkeypatch.setenv("YINZHENG_S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.setenv("YINZHENG_S3_ACL", "none")
    options = project._file_storage()["OPTIONS"]
    assert options["secret_key"] == "from-a-file"
    assert options["default_acl"] is None


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("YINZHENG_S3_ADDRESSING_STYLE", "dns", "YINZHENG_S3_ADDRESSING_STYLE"),
        ("YINZHENG_S3_ACL", "public-read", "files are never public"),
        ("YINZHENG_S3_ACCESS_KEY_ID", "only-the-id", "together"),
    ],
)
def test_a_wrong_s3_setting_says_which(monkeypatch, variable, value, message):
    from django.core.exceptions import ImproperlyConfigured

    from yinzheng import settings as project

    monkeypatch.setenv("YINZHENG_S3_BUCKET", "files")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        project._file_storage()


def test_a_node_without_the_s3_packages_stops_with_the_instruction(monkeypatch):
    import importlib.util

    from yinzheng import settings as project

    monkeypatch.setenv("YINZHENG_S3_BUCKET", "files")
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "storages" else found(name, *a),
    )
    with pytest.raises(SystemExit, match=r"pip install 'yinzheng\[s3\]'"):
        project._file_storage()


def test_two_nodes_started_with_the_s3_variables_share_their_files(s3_server, tmp_path):
    """The whole path from the environment: a node (a new process, its own data
    folder) reads YINZHENG_S3_* and writes to the bucket; another node, with another
    data folder and nothing shared but the bucket, reads the file back."""
    name = f"yinzheng-{os.getpid()}-nodes"
    client = _client(s3_server)
    client.create_bucket(Bucket=name)
    variables = {
        "YINZHENG_S3_BUCKET": name,
        "YINZHENG_S3_ENDPOINT_URL": s3_server,
        "YINZHENG_S3_REGION": REGION,
        "YINZHENG_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "YINZHENG_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "YINZHENG_S3_PREFIX": "node",
    }
    folders = [tmp_path / "node1", tmp_path / "node2"]
    for folder in folders:
        folder.mkdir()
    storage = "from django.core.files.storage import default_storage as s\n"

    written = _settings_in_a_process(
        {**variables, "YINZHENG_DATA_DIR": str(folders[0])},
        storage + "from django.core.files.base import ContentFile\n"
        "name = s.save('a/证明.pdf', ContentFile(b'%PDF-1.4 stored'))\n"
        "print(type(s._wrapped).__name__, name)\n",
    )
    read = _settings_in_a_process(
        {**variables, "YINZHENG_DATA_DIR": str(folders[1])},
        storage + "print(s.open('a/证明.pdf').read().decode())\n",
    )

    assert written.split() == ["PrivateS3Storage", "a/证明.pdf"]
    assert read.strip() == "%PDF-1.4 stored"
    assert {o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"]} == {
        "node/a/证明.pdf"
    }
    assert not any((folder / "files").exists() for folder in folders)


# The storage itself ---------------------------------------------------------------------


@pytest.mark.django_db
def test_objects_are_private_and_have_no_url(bucket):
    name = default_storage.save("x/张三.pdf", ContentFile(b"%PDF-1.4"))

    acl = bucket.client.get_object_acl(Bucket=bucket.name, Key=f"county/{name}")
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    with pytest.raises(NotImplementedError, match="permission check"):
        default_storage.url(name)
    anonymous = f"{bucket.endpoint}/{bucket.name}/county/{quote(name)}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous, timeout=10)  # noqa: S310
    assert refused.value.code == 403


@pytest.mark.django_db
def test_a_taken_name_is_never_overwritten(bucket):
    first = default_storage.save("esign/2026/A-1.pdf", ContentFile(b"signed"))
    second = default_storage.save("esign/2026/A-1.pdf", ContentFile(b"renewed"))

    assert first != second
    assert bucket.read(first) == b"signed" and bucket.read(second) == b"renewed"


@pytest.mark.django_db
def test_a_file_of_a_rolled_back_transaction_leaves_the_bucket(bucket):
    kept = default_storage.save("kept.pdf", ContentFile(b"1"))
    with pytest.raises(RuntimeError), transaction.atomic():
        dropped = default_storage.save("dropped.pdf", ContentFile(b"2"))
        assert f"county/{dropped}" in bucket.keys()
        raise RuntimeError

    default_storage.save("next.pdf", ContentFile(b"3"))  # sweeps before writing

    assert f"county/{dropped}" not in bucket.keys()
    assert f"county/{kept}" in bucket.keys()


@pytest.mark.django_db
def test_a_missing_object_reads_as_missing_not_as_an_error(bucket):
    from yinzheng.core.files import stored_sha256

    req_field = CertificateRequest._meta.get_field("certificate_pdf")
    missing = req_field.attr_class(CertificateRequest(), req_field, "nowhere.pdf")
    assert stored_sha256(missing) is None


# Through the services and the views ---------------------------------------------------------


@pytest.fixture
def people(tree):
    return cert_factories.committee_people(tree)


@pytest.fixture
def seals(people, tree):
    paper = cert_factories.committee_seal(people, tree["A1a"])
    electronic = seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form="electronic",
    )
    return paper, electronic


def test_certificates_paper_and_electronic_live_in_the_bucket_and_are_served_by_the_app(
    bucket, people, seals, client
):
    catalogue = cert_factories.county_catalogue()

    paper = cert_factories.issued(people, A1A, catalogue.simple)
    electronic = cert_factories.issued(people, A1A, catalogue.simple, electronic=True)

    # Written to the bucket: both drafts, both issued renderings, the signed PDF.
    for req in (paper, electronic):
        assert bucket.holds(req.certificate_pdf).startswith(b"%PDF")
        assert hashlib.sha256(bucket.holds(req.certificate_pdf)).hexdigest() == (
            req.certificate_sha256
        )
        assert bucket.holds(req.issued_pdf).startswith(b"%PDF")
    signed = SignedDocument.objects.get(serial=electronic.serial)
    signed_bytes = bucket.holds(signed.signed_pdf)
    assert hashlib.sha256(signed_bytes).hexdigest() == signed.signed_sha256
    # Signing read the PDF it signs from the bucket: the signed file extends it.
    assert signed_bytes.startswith(bucket.read(electronic.issued_pdf.name))

    # Read back by the download view, to the committee's staff only.
    client.force_login(people.clerk)
    for req, stored in (
        (paper, bucket.read(paper.issued_pdf.name)),
        (electronic, signed_bytes),
    ):
        url = reverse("certificates:document", args=[req.pk, "certificate"])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert _body(response) == stored
    client.force_login(people.other_clerk)  # committee A1b's clerk
    url = reverse("certificates:document", args=[electronic.pk, "certificate"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    # A department's verification of the uploaded PDF compares it with the stored one.
    health = core_factories.user(
        "weijian", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    api = APIClient()
    api.force_authenticate(health)
    answer = api.post(
        "/api/esign/verifications/",
        {
            "pdf": SimpleUploadedFile("z.pdf", signed_bytes, "application/pdf"),
            "legal_basis": "《社会保险法》第五十九条",
            "purpose": "核实",
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["result"]["verdict"] == "valid"


def test_a_material_lives_in_the_bucket_and_only_the_committee_reads_it(
    bucket, people, seals, client
):
    catalogue = cert_factories.county_catalogue()
    req = cert_factories.request(
        actor=people.clerk, committee=A1A, item=catalogue.simple
    )
    scan = pdf_bytes("household register page")

    certificates.request_attach(
        actor=people.clerk, request_id=req.pk, file=("户口本.pdf", scan)
    )

    material = Attachment.objects.get(request=req)
    assert bucket.holds(material.file) == scan
    assert material.file.name.startswith("certificates/materials/")
    url = reverse("certificates:attachment", args=[req.pk, material.pk])
    client.force_login(people.head)
    response = client.get(url)
    assert response.status_code == 200 and _body(response) == scan
    client.force_login(people.other_clerk)
    assert client.get(url).status_code == 404


def test_a_document_to_be_sealed_lives_in_the_bucket_and_is_served_to_its_readers(
    bucket, people, seals, client
):
    paper, _electronic = seals
    document = pdf_bytes("notice of a meeting of residents' representatives")

    use = sealing.usage_request(
        actor=people.clerk,
        seal_id=paper.pk,
        category=UseCategory.W1,
        content="关于召开居民代表会议的通知",
        copies=2,
        document=("notice.pdf", document),
    )

    assert bucket.holds(use.document) == document
    assert use.document.name.startswith("seal-documents/")
    url = reverse("seals:usage_document", args=[use.pk])
    client.force_login(people.custodian)
    response = client.get(url)
    assert response.status_code == 200 and _body(response) == document
    client.force_login(people.other_clerk)
    assert client.get(url).status_code in (403, 404)


def test_a_year_archive_lives_in_the_bucket_is_verified_there_and_served(
    bucket, tree, clock_at, client
):
    clock_at(2026, 5, 1, 9)
    registers.register_append(
        actor=SYSTEM,
        committee_code=A1A,
        register="work",
        matter=f"seals.usagerequest:{A1A}-work-1",
        fields=work_fields(1),
    )
    clock_at(2027, 1, 4, 9)
    township = core_factories.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP)

    archive = archives.register_archive(
        actor=township, committee_code=A1A, register="work", year=2026
    )

    stored = {fmt: bucket.holds(getattr(archive, fmt)) for fmt in ARCHIVE_FORMATS}
    assert stored["pdf"].startswith(b"%PDF") and stored["xlsx"].startswith(b"PK")
    assert archive.pdf.name.startswith("archives/")
    chain = Chain.objects.get(pk=archive.chain_id)
    assert archives.verify_archive(chain) == []  # hashes read back from the bucket

    client.force_login(township)
    for fmt in ARCHIVE_FORMATS:
        response = client.get(f"/ledger/registers/{A1A}/work/2026/archive.{fmt}")
        assert response.status_code == 200 and _body(response) == stored[fmt]
    api = APIClient()
    api.force_authenticate(township)
    answer = api.get(f"/api/registers/{A1A}/work/2026/archive/xlsx/")
    assert answer.status_code == 200 and _body(answer) == stored["xlsx"]
    outsider = core_factories.user("zhen2", role=Role.TOWNSHIP, at="620725102")
    api.force_authenticate(outsider)
    assert api.get(f"/api/registers/{A1A}/work/2026/archive/xlsx/").status_code in (
        403,
        404,
    )
    client.force_login(outsider)
    assert (
        client.get(f"/ledger/registers/{A1A}/work/2026/archive.pdf").status_code == 404
    )

    # A book changed in the bucket behind the system's back is caught.
    bucket.client.put_object(
        Bucket=bucket.name, Key=f"county/{archive.pdf.name}", Body=stored["pdf"] + b"x"
    )
    assert [b.problem for b in archives.verify_archive(chain)] == [
        "archive_pdf_mismatch"
    ]


ARCHIVE_FORMATS = ("pdf", "xlsx", "anchor")


def test_the_default_data_folder_still_gets_the_files_without_s3(
    tree, people, seals, settings, tmp_path
):
    """The same service, no S3 settings: the file is in MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    catalogue = cert_factories.county_catalogue()
    req = cert_factories.request(
        actor=people.clerk, committee=A1A, item=catalogue.simple
    )
    certificates.request_attach(
        actor=people.clerk, request_id=req.pk, file=("a.pdf", pdf_bytes())
    )
    material = Attachment.objects.get(request=req)
    assert Path(material.file.path).is_file()
    assert Path(material.file.path).is_relative_to(tmp_path / "media")
