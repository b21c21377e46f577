"""End-to-end certificate issuance per second, with PDF rendering alone as the floor.

    .venv/bin/python benchmarks/issuance.py                 # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/issuance.py --no-postgres
    .venv/bin/python benchmarks/issuance.py --postgres URL --count 200

For each database (a scratch one, dropped afterwards) it sets up a committee with a clerk,
a head, a custodian, a physical and an electronic seal and a county positive list, then
issues `--count` certificates of each kind through the real services, one after another:

    verify (render the certificate PDF, open and review the sealing request)
    → approve (the head; binds the PDF's SHA-256)
    → issue (the custodian; sealing, the certificate-register entry, and for the
      electronic seal the PAdES signature)

and reports certificates per second and p50/p99 of that path. In the same run it renders
the same certificates with `documents.render_certificate` alone: the floor no issuance
can beat. Intake (`request_create`, with the decision) is timed separately.
"""

import argparse
import dataclasses
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scratch import run_on, server_url  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--one", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_on(
            lambda: run(args.count),
            postgres=server_url(args.postgres) if args.one == "postgres" else None,
            prefix="yz-bench-issuance-",
        )
        return
    # Settings are read when Django starts: one process per database.
    targets = ["sqlite"] if args.no_postgres else ["sqlite", "postgres"]
    for target in targets:
        command = [
            sys.executable,
            __file__,
            "--one",
            target,
            "--count",
            str(args.count),
        ]
        if args.postgres:
            command += ["--postgres", args.postgres]
        subprocess.run(command, check=True)


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (
        len(samples) / sum(samples),
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def run(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.lookup import database_version
    from yinzheng.certificates import documents, services
    from yinzheng.certificates.electronic import issue_marks
    from yinzheng.certificates.tests import factories as cf
    from yinzheng.core import clock
    from yinzheng.core.tests.factories import division
    from yinzheng.seals.choices import SealForm
    from yinzheng.seals.tests import factories as seal_factories

    tree = {"A1a": "620725101001", "A1b": "620725101201"}
    for code in tree.values():
        division(code)
    people = cf.committee_people(tree)
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
    )
    eseal = seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form=SealForm.ELECTRONIC,
    )
    catalogue = cf.county_catalogue()

    def issue_one(electronic: bool) -> tuple[float, float, object]:
        t = time.perf_counter()
        req = cf.request(
            actor=people.clerk,
            committee=tree["A1a"],
            item=catalogue.simple,
            electronic=electronic,
        )
        t_intake = time.perf_counter() - t
        t = time.perf_counter()
        services.request_verify(
            actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
        )
        services.request_approve(actor=people.head, request_id=req.pk)
        req = services.request_issue(actor=people.custodian, request_id=req.pk)
        t_issue = time.perf_counter() - t
        assert req.status == "issued", req.status
        return t_intake, t_issue, req

    # Warm-up, not counted: the font loaded, the signer's figures measured once.
    for electronic in (False, True):
        for _ in range(3):
            issue_one(electronic)
    floor_sign = _plain_signer(eseal)

    rows = []
    for electronic in (False, True):
        intake, issue, floor = [], [], []
        for _ in range(count):
            t_intake, t_issue, req = issue_one(electronic)
            intake.append(t_intake)
            issue.append(t_issue)
            # The floor: the same certificate, QR and check code included, rendered
            # alone — and for the electronic seal signed B-LTA by raw pyHanko with
            # a signer built once (floor_sign).
            doc = dataclasses.replace(
                documents.doc_from_content(req.certificate_content),
                **issue_marks(req.serial),
            )
            t = time.perf_counter()
            pdf = documents.render_certificate(doc)
            if electronic:
                floor_sign(pdf)
            floor.append(time.perf_counter() - t)
        kind = "electronic (PAdES B-LTA)" if electronic else "physical"
        what = "render + raw pyHanko sign" if electronic else "render alone"
        rows.append((f"intake + decide(), {kind}", *_stats(intake)))
        rows.append((f"verify → approve → issue, {kind}", *_stats(issue)))
        rows.append((f"floor: {what}, {kind}", *_stats(floor)))
    from yinzheng.core.pdf import cjk_font, font_is_embedded

    print(
        f"{database_version()} · {count} certificates per kind after 3 of each "
        f"to warm up · font {cjk_font()}"
        f"{' (embedded)' if font_is_embedded() else ''} · {clock.today()}"
    )
    print("| path | per second | p50 ms | p99 ms | of floor |")
    print("|---|---|---|---|---|")
    for i, (label, rate, p50, p99) in enumerate(rows):
        share = ""
        if i % 3 == 1:  # the issue row, against the floor below it
            share = f"{rate / rows[i + 1][1]:.0%}"
        print(f"| {label} | {rate:,.1f} | {p50:,.1f} | {p99:,.1f} | {share} |")
    print()


def _plain_signer(seal):
    """Sign a PDF as raw pyHanko does it, with everything built once: the seal's key
    and chain, the county's timestamper, the validation context for B-LTA, the
    appearance and the signature's room. What no issuance can beat."""
    import io

    from asn1crypto import keys as asn1_keys
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from yinzheng.esign import keys, pades, pki, services, tsa

    key = services.seal_key(seal)
    links = pki.chain(key)
    stamper, long_term = tsa.for_signing(key, timestamp_url=None)
    assert long_term is not None
    signer = signers.SimpleSigner(
        signing_cert=pades.asn1_certificate(pki.certificate_der(key)),
        signing_key=asn1_keys.PrivateKeyInfo.load(keys.private_key_der(key)),
        cert_registry=SimpleCertificateStore.from_certs(
            [pades.asn1_certificate(pki.certificate_der(link)) for link in links[1:]]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Floor",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=True,
        use_pades_lta=True,
        validation_context=long_term.context(None),
    )
    style = StaticStampStyle(
        background=pades._PdfBytesPage(pades.seal_appearance(seal.committee.name, 120)),
        border_width=0,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=stamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            "Floor", on_page=0, box=(380, 150, 500, 270)
        ),
    )

    def sign(pdf: bytes) -> bytes:
        # A fixed room (hex digits), ample for the chain and two timestamp tokens:
        # no trial signature to measure it.
        out = pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=32768
        )
        return out.getvalue()

    return sign


if __name__ == "__main__":
    main()
