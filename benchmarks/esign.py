"""Electronic seals: signatures a second, and verification requests a second and p99.

    .venv/bin/python benchmarks/esign.py [--signatures 40] [--requests 1000]
                                         [--concurrency 4] [--seconds 60]

Migrates a scratch SQLite database in a temporary data folder, makes a county, a
township, a committee and its electronic seal (county root → township authority → seal)
through the services, renders one certificate PDF (certificates.documents, with its QR
token) and measures, in one run:

1. Signing the same PDF with the same key, visible seal appearance and PAdES settings:
   - raw pyHanko: `PdfSigner.sign_pdf` with the key and certificates already in memory;
   - `esign.pades.sign_pdf`: the wrapper (certificates parsed, signing time set);
   - `esign.services.document_sign`: the whole service (row locks, the seal's state and
     custodian, revocation, key decryption, the signed file written, the audit entry);
   each at PAdES B-B and at B-LTA, the default since issue 14 (signature timestamp from
   the county's in-process timestamp authority, DSS with the chain and CRLs, document
   timestamp); raw pyHanko B-LTA gets the same timestamper and validation context,
   already built. `--signing-only` skips part 2.
2. Verification over HTTP, against gunicorn (2 sync workers, as `yinzheng serve` runs)
   on 127.0.0.1, `--concurrency` client threads, `--requests` requests per path,
   each path bounded by `--seconds`:
   - a bare Django JSON view on the same server (the floor);
   - the public page the QR code opens (GET /v/<token>: token signature, record,
     revocation, register entry, template);
   - the departments' API (POST /api/esign/verifications/ with a token: the same
     verification, plus the query row and its audit-journal entry).

The server answers only on the loopback interface and stops at the end of the run.
"""

import argparse
import hashlib
import http.client
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def row(label: str, times: list[float], wall: float) -> dict:
    return {
        "what": label,
        "n": len(times),
        "per_second": len(times) / wall if wall else 0.0,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": percentile(times, 99) * 1000,
    }


# Set-up ---------------------------------------------------------------------------


def world():
    from yinzheng.accounts.choices import Department, Role
    from yinzheng.core.tests import factories as f
    from yinzheng.seals.choices import SealForm
    from yinzheng.seals.tests import factories as seal_factories

    committee = "620725101001"
    f.division(committee, "城关村村民委员会")
    people = {
        "township": f.user("b-xiangzhen", role=Role.TOWNSHIP, at=committee[:9]),
        "head": f.user("b-zhuren", role=Role.HEAD, at=committee),
        "custodian": f.user("b-yinzhang", role=Role.CUSTODIAN, at=committee),
        "clerk": f.user("b-jingban", role=Role.CLERK, at=committee),
        "department": f.user(
            "b-renshe",
            role=Role.DEPARTMENT,
            at=committee[:6],
            department=Department.HUMAN_RESOURCES,
        ),
    }
    seal = seal_factories.in_use(
        officer=people["township"],
        head=people["head"],
        custodian=people["custodian"],
        committee=committee,
        form=SealForm.ELECTRONIC,
    )
    return seal, people


def certificate_pdf(token_path: str) -> bytes:
    import datetime as dt

    from django.conf import settings

    try:
        from yinzheng.certificates import documents
    except ImportError:
        from yinzheng.esign.tests.factories import pdf_with

        return pdf_with(token_path)
    return documents.render_certificate(
        documents.CertificateDoc(
            serial="620725101001-2026-000001",
            committee_name="城关村村民委员会",
            committee_code="620725101001",
            title="居住证明",
            body="兹证明张三丰同志自2015年起居住在本村三组。",
            resident_name="张三丰",
            id_number_masked="620***********1234",
            requiring_unit="县人力资源和社会保障局",
            purpose="办理社会保险",
            issue_date=dt.date(2026, 11, 22),
            electronic=True,
            qr_payload=settings.PUBLIC_URL + token_path,
        )
    )


# 1. Signatures ----------------------------------------------------------------------


def bench_signing(seal, people, n: int) -> list[dict]:
    from asn1crypto.keys import PrivateKeyInfo
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from yinzheng.core import clock
    from yinzheng.esign import keys, pades, pki, services, tokens
    from yinzheng.esign.models import KeyPair

    key = KeyPair.objects.get(seal=seal)
    links = pki.chain(key)
    cert_der = pki.certificate_der(key)
    chain_der = [pki.certificate_der(link) for link in links[1:]]
    key_der = keys.private_key_der(key)
    box = (380, 150, 500, 270)
    appearance = pades.seal_appearance(seal.committee.name, 120.0)
    docs = [
        services.document_prepare(
            actor=people["clerk"],
            seal_id=seal.pk,
            serial=f"620725101001-2026-{i + 1:06d}",
            item_key="residence_certificate",
            item_name="居住证明",
            issue_date=clock.today(),
            holder_name="张三丰",
        )
        for i in range(2 * n + 4)
    ]
    pdf = certificate_pdf(tokens.url_path(docs[0].token))
    digest = hashlib.sha256(pdf).hexdigest()

    signer = signers.SimpleSigner(
        signing_cert=pades.asn1_certificate(cert_der),
        signing_key=PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [pades.asn1_certificate(d) for d in chain_der]
        ),
    )
    style = pades.StaticStampStyle(
        background=pades._PdfBytesPage(appearance),
        border_width=0,
        background_opacity=1.0,
    )

    from yinzheng.esign import tsa

    stamper = tsa.timestamper(links[-1].division_id)
    material = tsa.long_term_material(key)

    def raw(long_term: bool = False):
        """The floor: pyHanko's own signer, B-B or (with the county TSA and the
        validation data) B-LTA."""
        extra = (
            {
                "embed_validation_info": True,
                "use_pades_lta": True,
                "validation_context": material.context(None),
            }
            if long_term
            else {}
        )
        meta = signers.PdfSignatureMetadata(
            field_name="Seal",
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            **extra,
        )
        out = signers.PdfSigner(
            meta,
            signer,
            timestamper=stamper if long_term else None,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec("Seal", box=box),
        ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
        return out.getvalue()

    def wrapper(long_term: bool = False):
        extra = {"timestamper": stamper, "long_term": material} if long_term else {}
        return pades.sign_pdf(
            pdf,
            signing_cert_der=cert_der,
            private_key_der=key_der,
            chain_der=chain_der,
            at=clock.now().replace(microsecond=0),
            box=box,
            appearance=appearance,
            **extra,
        ).data

    serials = iter(d.serial for d in docs)

    def service(long_term: bool = False):
        return services.document_sign(
            actor=people["custodian"],
            serial=next(serials),
            pdf=pdf,
            approved_sha256=digest,
            box=box,
            # None: the default (the county TSA, B-LTA); "": no timestamp, B-B.
            timestamp_url=None if long_term else "",
        )

    rows = []
    for label, fn in [
        ("B-B raw pyHanko PdfSigner.sign_pdf", raw),
        ("B-B esign.pades.sign_pdf", wrapper),
        ("B-B esign.services.document_sign", service),
        ("B-LTA raw pyHanko PdfSigner.sign_pdf", lambda: raw(long_term=True)),
        ("B-LTA esign.pades.sign_pdf", lambda: wrapper(long_term=True)),
        ("B-LTA esign.services.document_sign", lambda: service(long_term=True)),
    ]:
        fn(), fn()  # warm-up: imports, fonts, caches
        times = []
        start = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        rows.append(row(label, times, time.perf_counter() - start))
    # One certificate issued in full, with its register entry, for the verification.
    from yinzheng.esign.tests.factories import register_entry

    doc = services.document_prepare(
        actor=people["clerk"],
        seal_id=seal.pk,
        serial="620725101001-2026-900001",
        item_key="residence_certificate",
        item_name="居住证明",
        issue_date=clock.today(),
        holder_name="张三丰",
    )
    entry = register_entry(
        seal, custodian=people["custodian"], serial=doc.serial, sha256=digest
    )
    doc = services.document_sign(
        actor=people["custodian"],
        serial=doc.serial,
        pdf=pdf,
        approved_sha256=digest,
        register_entry=entry,
        box=box,
        timestamp_url="",
    )
    return rows, doc


# 2. Verification over HTTP ------------------------------------------------------------


def start_server(port: int, env: dict, *, threads: int = 1) -> subprocess.Popen:
    """gunicorn with 2 workers serving the project and the floor's bare view: sync
    workers, or with `threads` > 1 gthread workers as `yinzheng serve` runs them."""
    worker = ["--worker-class", "sync"]
    if threads > 1:
        worker = ["--worker-class", "gthread", "--threads", str(threads)]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            *worker,
            "--pythonpath",
            str(ROOT),
            "--log-level",
            "warning",
            "benchmarks.esign_server:application",
        ],
        env=env,
        cwd=str(ROOT),
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the benchmark server did not start")


def load(
    port: int,
    *,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict,
    requests: int,
    threads: int,
    seconds: float,
    expect: int,
) -> tuple[list[float], float, int]:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    left = [requests]
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except OSError:
                ok = False
            finally:
                conn.close()
            with lock:
                if ok:
                    times.append(time.perf_counter() - t0)
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return times, time.perf_counter() - start, errors[0]


def bench_verification(doc, people, args) -> list[dict]:
    from django.db import connections
    from rest_framework.authtoken.models import Token

    from yinzheng.esign import tokens

    api_token = Token.objects.create(user=people["department"]).key
    connections.close_all()
    port = 18000 + os.getpid() % 1000
    env = dict(os.environ)
    proc = start_server(port, env)
    rows = []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", tokens.url_path(doc.token))
        page = conn.getresponse().read().decode()
        if 'data-verdict="valid"' not in page:
            raise SystemExit("the benchmark certificate does not verify as valid")
        paths = [
            ("bare Django JSON view", "GET", "/bench/bare/", None, {}, 200),
            (
                "public page GET /v/<token>",
                "GET",
                tokens.url_path(doc.token),
                None,
                {},
                200,
            ),
            (
                "API POST /api/esign/verifications/",
                "POST",
                "/api/esign/verifications/",
                json.dumps(
                    {
                        "token": doc.token,
                        "legal_basis": "《社会保险法》第五十九条",
                        "purpose": "核实居住情况",
                    }
                ).encode(),
                {
                    "Content-Type": "application/json",
                    "Authorization": f"Token {api_token}",
                },
                201,
            ),
        ]
        for label, method, path, body, headers, expect in paths:
            load(  # warm-up: each worker imports and connects
                port,
                method=method,
                path=path,
                body=body,
                headers=headers,
                requests=20,
                threads=args.concurrency,
                seconds=10,
                expect=expect,
            )
            times, wall, errors = load(
                port,
                method=method,
                path=path,
                body=body,
                headers=headers,
                requests=args.requests,
                threads=args.concurrency,
                seconds=args.seconds,
                expect=expect,
            )
            if not times:
                raise SystemExit(f"{label}: every request failed")
            result = row(label, times, wall)
            result["errors"] = errors
            rows.append(result)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return rows


def table(title: str, rows: list[dict]) -> str:
    lines = [
        f"\n{title}",
        "| what | n | per second | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['what']} | {r['n']} | {r['per_second']:,.1f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=40)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--signing-only", action="store_true")
    args = parser.parse_args()
    os.environ["YINZHENG_DATA_DIR"] = tempfile.mkdtemp(prefix="yz-bench-esign-")
    os.environ.pop("YINZHENG_DATABASE_URL", None)
    os.environ.pop("YINZHENG_TSA_URL", None)
    os.environ["YINZHENG_VERIFY_RATE"] = str(10**9)  # the page's limit is per address
    os.environ["YINZHENG_API_USER_RATE"] = "1000000/min"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    seal, people = world()
    signing, doc = bench_signing(seal, people, args.signatures)
    print(table("Signing one certificate PDF (same PDF, key, appearance)", signing))
    if args.signing_only:
        return
    verifying = bench_verification(doc, people, args)
    print(
        table(
            f"Verification over HTTP, gunicorn 2 workers, {args.concurrency} clients",
            verifying,
        )
    )
    errors = sum(r.get("errors", 0) for r in verifying)
    if errors:
        print(f"\n{errors} requests failed")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
