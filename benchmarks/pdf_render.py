"""Certificate PDFs rendered per second: electronic (drawn seal) and physical (stamp box).

    .venv/bin/python benchmarks/pdf_render.py [-n 200]

Renders N certificates of each kind, each with its own serial number, with
`certificates.documents.render_certificate` (no database: the documents are pure
functions), then N refusal notices and N seal PNGs (the PNG only with a TrueType font).
Prints the font in use (embedded TrueType or the built-in STSong-Light), renders per
second, the median and 99th-percentile time of one render, and the mean PDF size.
The first render of a process, which loads the font, is done before timing.
"""

import argparse
import dataclasses
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="renders of each kind")
    args = parser.parse_args()
    os.environ.setdefault("YINZHENG_DATA_DIR", tempfile.mkdtemp(prefix="yz-bench-pdf-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    import django

    django.setup()
    run(args.n)


def run(n: int) -> None:
    from yinzheng.certificates import documents
    from yinzheng.core import pdf
    from yinzheng.core.seal_image import seal_png

    base = documents.CertificateDoc(
        serial="620725101001-2026-000000",
        committee_name="清泉镇城关村村民委员会",
        committee_code="620725101001",
        title="居住证明",
        body="系本村村民，自2010年3月起居住于城关村三社12号至今。",
        resident_name="张三丰",
        id_number_masked="620725********1234",
        requiring_unit="山丹县人民医院",
        purpose="办理住院报销",
        issue_date=datetime.date(2026, 1, 5),
        catalogue_version="山丹县出具证明事项清单 v3",
    )
    refusal = documents.RefusalDoc(
        notice_no="620725101001-BY-2026-0000",
        committee_name=base.committee_name,
        committee_code=base.committee_code,
        resident_name="李四",
        item_name="健在证明",
        request_date=datetime.date(2026, 1, 4),
        notice_date=datetime.date(2026, 1, 5),
        reasons=[("REQ-036", "该事项列入不应由村（居）委会出具的证明事项清单。")],
        route="由养老金发放机构通过人脸识别等方式进行资格认证。",
        responsible_department="山丹县人力资源和社会保障局",
        basis="《不应由基层群众性自治组织出具证明事项清单（第一批）》第10项",
    )
    documents.render_certificate(base)  # loads the font

    def certificate(electronic: bool):
        def one(i: int) -> bytes:
            doc = dataclasses.replace(
                base, serial=f"620725101001-2026-{i:06d}", electronic=electronic
            )
            return documents.render_certificate(doc)

        return one

    cases = [
        ("certificate, electronic (seal)", certificate(True)),
        ("certificate, physical (stamp box)", certificate(False)),
        (
            "refusal notice",
            lambda i: documents.render_refusal(
                dataclasses.replace(refusal, notice_no=f"620725101001-BY-2026-{i:04d}")
            ),
        ),
    ]
    if pdf.font_is_embedded():
        cases.append(("seal PNG 600 px", lambda i: seal_png(f"第{i}村民委员会")))
    rows = []
    for label, fn in cases:
        samples, sizes = [], []
        for i in range(n):
            t = time.perf_counter()
            sizes.append(len(fn(i)))
            samples.append(time.perf_counter() - t)
        total = sum(samples)
        samples.sort()
        rows.append(
            (
                label,
                n,
                n / total,
                statistics.median(samples) * 1e3,
                samples[min(n - 1, int(n * 0.99))] * 1e3,
                statistics.mean(sizes) / 1024,
            )
        )
    font = pdf.cjk_font_file()
    print(
        f"font: {f'{font[0]} (index {font[1]}), embedded' if font else pdf.BUILTIN_NAME}"
        f" · {os.cpu_count()} cores, one process"
    )
    print("| document | renders | per second | p50 ms | p99 ms | mean KiB |")
    print("|---|---|---|---|---|---|")
    for label, count, rate, p50, p99, kib in rows:
        print(
            f"| {label} | {count:,} | {rate:,.1f} | {p50:,.1f} | {p99:,.1f} "
            f"| {kib:,.1f} |"
        )


if __name__ == "__main__":
    main()
